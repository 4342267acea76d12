"""Route guards: API keys and scopes, admin sessions, same-origin and CSRF checks, then the route's rate limit."""

from __future__ import annotations

import hmac
from typing import Any

from litestar.connection import ASGIConnection
from litestar.handlers.base import BaseRouteHandler

from appliance.auth import InvalidKey, KeyService, MissingKey, Principal, RateLimiter, ScopeDenied, Viewer
from appliance.auth.admin import AdminService, AdminSession, CsrfDenied, NotLoggedIn

KEY_HEADER = "x-agent-key"
CSRF_HEADER = "x-csrf-token"
SESSION_COOKIE = "sentrikat_session"
UNAUTHENTICATED_BUCKET = "unauthenticated"
READ_BUCKET = "read"
LOGIN_BUCKET = "login"
LOGIN_ACCOUNT_BUCKET = "login_account"


def client_address(connection: ASGIConnection[Any, Any, Any, Any]) -> str | None:
    return connection.client.host if connection.client else None


async def authenticate(connection: ASGIConnection[Any, Any, Any, Any], route: BaseRouteHandler) -> None:
    """Guard for key-authenticated routes; ``route.opt`` gives ``scopes`` (any of) and ``rate_bucket``.

    Order: key (401, with failures limited per client address so guessing costs 429s),
    scope (403), then the per-key limit (429), keyed by the key's id, never the raw header.
    """
    keys: KeyService = connection.app.state.key_service
    limiter: RateLimiter = connection.app.state.limiter
    raw = connection.headers.get(KEY_HEADER)
    try:
        if not raw:
            raise MissingKey("the X-Agent-Key header is missing")
        principal = await keys.authenticate(raw)
    except (MissingKey, InvalidKey):
        limiter.hit(UNAUTHENTICATED_BUCKET, client_address(connection) or "unknown")
        raise
    allowed = route.opt.get("scopes", ("agent",))
    if not principal.scopes.intersection(allowed):
        raise ScopeDenied(f"this API key lacks the {' or '.join(allowed)} scope")
    if bucket := route.opt.get("rate_bucket"):
        limiter.hit(bucket, str(principal.key_id))
    connection.state.principal = principal


async def provide_principal(request: Any) -> Principal:
    """Dependency: the principal that ``authenticate`` put on the request."""
    return request.state.principal


def presented_key(connection: ASGIConnection[Any, Any, Any, Any]) -> str | None:
    """The API key from X-Agent-Key, else from ``Authorization: Bearer KEY``; None if neither is sent."""
    if raw := connection.headers.get(KEY_HEADER):
        return raw
    scheme, _, value = connection.headers.get("authorization", "").partition(" ")
    return (value.strip() or None) if scheme.lower() == "bearer" else None


async def _key_or_session(
    connection: ASGIConnection[Any, Any, Any, Any], missing: str
) -> tuple[Principal | None, AdminSession | None]:
    """The presented API key's principal (X-Agent-Key or Authorization: Bearer), else the session of
    the admin cookie: a key wins over a cookie. Failures count per client address, as for agents."""
    keys: KeyService = connection.app.state.key_service
    admins: AdminService = connection.app.state.admin_service
    limiter: RateLimiter = connection.app.state.limiter
    raw = presented_key(connection)
    try:
        if raw:
            return await keys.authenticate(raw), None
        token = connection.cookies.get(SESSION_COOKIE)
        if not token:
            raise MissingKey(missing)
        return None, await admins.session(token)
    except (MissingKey, InvalidKey, NotLoggedIn):
        limiter.hit(UNAUTHENTICATED_BUCKET, client_address(connection) or "unknown")
        raise


async def authenticate_reader(connection: ASGIConnection[Any, Any, Any, Any], route: BaseRouteHandler) -> None:
    """Guard for the read API: a key with the read or admin scope, else an admin session cookie.

    Admin keys and admin sessions see every organization, read keys their own. Order:
    credentials (401), scope (403), the per-key or per-session limit (429).
    """
    principal, session = await _key_or_session(
        connection, "no credentials: send a read or admin API key in X-Agent-Key or Authorization: Bearer, or log in"
    )
    if principal is None:
        viewer = Viewer(None, f"session:{session.username.lower()}")  # type: ignore[union-attr]
    elif "admin" in principal.scopes:
        viewer = Viewer(None, f"key:{principal.key_id}")
    elif "read" in principal.scopes:
        viewer = Viewer(principal.organization_id, f"key:{principal.key_id}")
    else:
        raise ScopeDenied("this API key lacks the read or admin scope")
    limiter: RateLimiter = connection.app.state.limiter
    limiter.hit(READ_BUCKET, viewer.identity)
    connection.state.viewer = viewer


async def authenticate_admin(connection: ASGIConnection[Any, Any, Any, Any], route: BaseRouteHandler) -> None:
    """Guard for the admin API (/api/keys, /api/devices, /api/alerts, asset changes): a key with the
    admin scope, else an admin session.

    A session's changes (any method but GET and HEAD) must also come from this appliance's own page
    and carry the session's X-CSRF-Token; a key in a header is no ambient credential, so it needs
    neither. Order: credentials (401), scope (403), CSRF (403), the per-key or per-session read limit (429).
    """
    principal, session = await _key_or_session(
        connection, "no credentials: send an admin API key in X-Agent-Key or Authorization: Bearer, or log in"
    )
    if principal is not None:
        if "admin" not in principal.scopes:
            raise ScopeDenied("this API key lacks the admin scope")
        identity = f"key:{principal.key_id}"
    else:
        if connection.scope.get("method", "GET") not in ("GET", "HEAD"):
            same_origin(connection, route)
            check_csrf(connection, session)  # type: ignore[arg-type]
        identity = f"session:{session.username.lower()}"  # type: ignore[union-attr]
    limiter: RateLimiter = connection.app.state.limiter
    limiter.hit(READ_BUCKET, identity)
    connection.state.admin_identity = identity  # who made a change, for the records that keep it (triage)


async def provide_viewer(request: Any) -> Viewer:
    """Dependency: the viewer that ``authenticate_reader`` put on the request."""
    return request.state.viewer


def same_origin(connection: ASGIConnection[Any, Any, Any, Any], route: BaseRouteHandler) -> None:
    """Guard for state-changing session requests: refuse anything a browser says came from another site.

    Browsers send Origin (and Sec-Fetch-Site) with every POST and DELETE; scripts such as
    curl send neither and are let through, since they carry no cookies of a victim.
    """
    site = connection.headers.get("sec-fetch-site")
    if site is not None and site not in ("same-origin", "none"):
        raise CsrfDenied(f"a {site} request cannot change the session")
    origin = connection.headers.get("origin")
    expected = f"{connection.scope.get('scheme', 'http')}://{connection.headers.get('host', '')}"
    if origin is not None and origin != expected:
        raise CsrfDenied(f"the request comes from {origin}, not from this appliance ({expected})")


def limit_logins(connection: ASGIConnection[Any, Any, Any, Any], route: BaseRouteHandler) -> None:
    """Guard for login: every attempt counts against the client address's login limit (429 past it)."""
    limiter: RateLimiter = connection.app.state.limiter
    limiter.hit(LOGIN_BUCKET, client_address(connection) or "unknown")


def limit_account_logins(connection: ASGIConnection[Any, Any, Any, Any], username: str) -> None:
    """Every attempt also counts against the account's limit, from whatever address: guessing one
    admin's password from many machines of the LAN is as slow as from one (429 past it)."""
    limiter: RateLimiter = connection.app.state.limiter
    limiter.hit(LOGIN_ACCOUNT_BUCKET, username.lower())


async def current_session(connection: ASGIConnection[Any, Any, Any, Any]) -> tuple[str, AdminSession]:
    """The session cookie's value and its live session; NotLoggedIn (401) without one."""
    admins: AdminService = connection.app.state.admin_service
    token = connection.cookies.get(SESSION_COOKIE)
    if not token:
        raise NotLoggedIn("not logged in")
    return token, await admins.session(token)


def check_csrf(connection: ASGIConnection[Any, Any, Any, Any], session: AdminSession) -> None:
    """A cookie-authenticated change must echo the session's CSRF token in X-CSRF-Token."""
    sent = connection.headers.get(CSRF_HEADER, "")
    if not hmac.compare_digest(sent.encode(), session.csrf_token.encode()):
        raise CsrfDenied("the X-CSRF-Token header is missing or does not match the session")
