"""The status page's session controller: log in (POST), who is logged in (GET), log out (DELETE) at /api/session."""

from __future__ import annotations

from typing import Any

from litestar import Controller, Request, Response, delete, get, post
from litestar.datastructures import Cookie
from litestar.di import Provide

from appliance.agent.payloads import decode
from appliance.api.agent import json_body
from appliance.api.body import read_small_json_body
from appliance.api.guards import (
    SESSION_COOKIE,
    check_csrf,
    client_address,
    current_session,
    limit_account_logins,
    limit_logins,
    same_origin,
)
from appliance.api.read import errors
from appliance.auth.admin import AdminService, AdminSession, LoginIn

LOGIN_BODY_BYTES = 4096  # a username and a password of at most 1024 characters, JSON-escaped


async def provide_admin_service(request: Request[Any, Any, Any]) -> AdminService:
    return request.app.state.admin_service


def _cookie(request: Request[Any, Any, Any], value: str, max_age: int) -> Cookie:
    """The session cookie: HTTP-only, SameSite=Strict, and Secure whenever the appliance speaks HTTPS."""
    return Cookie(
        key=SESSION_COOKIE, value=value, path="/", max_age=max_age, httponly=True, samesite="strict",
        secure=request.url.scheme == "https",
    )


class SessionController(Controller):
    path = "/api/session"
    tags = ["session"]
    dependencies = {"admin_service": Provide(provide_admin_service)}

    @post(
        "/",
        operation_id="login",
        status_code=200,
        guards=[same_origin, limit_logins],
        operation_class=json_body(LoginIn),
        responses=errors(400, 401, 403, 413, 415, 429),
    )
    async def login(self, request: Request[Any, Any, Any], admin_service: AdminService) -> Response[AdminSession]:
        """Log in to the status page; sets the HTTP-only session cookie and answers the CSRF token that
        state-changing requests must send in X-CSRF-Token.

        Errors: 400 invalid body, 401 invalid_credentials (never says which part is wrong), 403 csrf_failed
        (a request from another site), 413 body over 4 KiB, 415 not JSON, 429 too many attempts from this address
        or for this username.
        """
        credentials: LoginIn = decode(await read_small_json_body(request, LOGIN_BODY_BYTES), LoginIn)
        limit_account_logins(request, credentials.username)
        new = await admin_service.login(credentials.username, credentials.password, client_address(request))
        return Response(new.session, cookies=[_cookie(request, new.token, admin_service.session_lifetime)])

    @get("/", operation_id="getSession", responses=errors(401))
    async def current(self, request: Request[Any, Any, Any]) -> AdminSession:
        """The logged-in admin, when the session ends, and its CSRF token; 401 not_logged_in without a session."""
        _, session = await current_session(request)
        return session

    @delete("/", operation_id="logout", status_code=204, guards=[same_origin], responses=errors(401, 403))
    async def logout(self, request: Request[Any, Any, Any], admin_service: AdminService) -> Response[None]:
        """End the session and clear its cookie. Needs the session's X-CSRF-Token header (403 csrf_failed)."""
        token, session = await current_session(request)
        check_csrf(request, session)
        await admin_service.logout(token)
        return Response(None, status_code=204, cookies=[_cookie(request, "", 0)])
