"""The one place where errors become HTTP responses, all with the same JSON body."""

from __future__ import annotations

import logging
from typing import Any

from litestar import Request, Response
from litestar.exceptions import HTTPException, ValidationException

from appliance.agent.assets import AssetAdminError, UnknownAsset
from appliance.agent.payloads import (
    ErrorBody,
    FullReportRequired,
    HostnameConflict,
    PayloadError,
    PayloadTooLarge,
    UnsupportedMediaType,
)
from appliance.agent.triage import TriageError, UnknownFinding, UnknownImage
from appliance.alerts.base import AlertError
from appliance.api.body import ServerBusy
from appliance.auth import AuthError, InvalidKey, MissingKey, OrganizationDenied, RateLimited, ScopeDenied
from appliance.auth.admin import AdminError, CsrfDenied, InvalidCredentials, NotLoggedIn
from appliance.auth.keys import KeyAlreadyRevoked, KeyManagementError, KeyNotFound, UnknownOrganization
from appliance.db import DatabaseError
from appliance.devices import DeviceError
from appliance.errors import ApplianceError
from appliance.read.service import AssetNotFound, InvalidQuery

log = logging.getLogger("sentrikat.api")

# Most specific first: the first class the error is an instance of gives the status.
STATUS_BY_ERROR: tuple[tuple[type[ApplianceError], int], ...] = (
    (MissingKey, 401),
    (InvalidKey, 401),
    (InvalidCredentials, 401),
    (NotLoggedIn, 401),
    (ScopeDenied, 403),
    (OrganizationDenied, 403),
    (CsrfDenied, 403),
    (RateLimited, 429),
    (AuthError, 403),
    (HostnameConflict, 409),
    (PayloadTooLarge, 413),
    (UnsupportedMediaType, 415),
    (FullReportRequired, 400),
    (PayloadError, 400),
    (InvalidQuery, 400),
    (AdminError, 400),
    (UnknownOrganization, 400),
    (KeyNotFound, 404),
    (KeyAlreadyRevoked, 409),
    (KeyManagementError, 400),
    (DeviceError, 400),
    (AssetNotFound, 404),
    (AlertError, 400),
    (UnknownAsset, 404),
    (AssetAdminError, 400),
    (UnknownFinding, 404),
    (UnknownImage, 404),
    (TriageError, 400),
    (DatabaseError, 503),
    (ServerBusy, 503),
)

# Litestar's own errors (unknown path, wrong method, ...) keep their status and get our body.
_CODE_BY_STATUS = {
    400: "invalid_request",
    401: "unauthorized",
    403: "forbidden",
    404: "not_found",
    405: "method_not_allowed",
    413: "payload_too_large",
    415: "unsupported_media_type",
    429: "rate_limited",
}


def status_of(error: ApplianceError) -> int:
    for kind, status in STATUS_BY_ERROR:
        if isinstance(error, kind):
            return status
    return 500


def appliance_error(request: Request[Any, Any, Any], error: ApplianceError) -> Response[ErrorBody]:
    status = status_of(error)
    headers: dict[str, str] = {}
    retry_after = None
    if isinstance(error, (RateLimited, ServerBusy)):
        retry_after = error.retry_after
        headers["Retry-After"] = str(retry_after)
    if status >= 500 and not isinstance(error, ServerBusy):
        log.error("%s %s failed: %s", request.method, request.url.path, error, exc_info=error)
    return Response(ErrorBody(error.code, error.message, error.field, retry_after), status_code=status, headers=headers)


def _public_name(request: Request[Any, Any, Any], key: str) -> str:
    """The name a client sends for a handler argument (``asset_state`` is the query parameter ``state``)."""
    try:
        parameter = request.route_handler.parsed_fn_signature.parameters.get(key)
    except Exception:  # no handler (unknown route): keep the key
        return key
    definition = getattr(parameter, "kwarg_definition", None)
    return getattr(definition, "query", None) or key


def http_error(request: Request[Any, Any, Any], error: HTTPException) -> Response[ErrorBody]:
    status = error.status_code
    code = _CODE_BY_STATUS.get(status, "error" if status < 500 else "internal_error")
    message, field = str(error.detail), None
    # A query or path parameter Litestar could not convert: name it, as body errors do.
    if isinstance(error, ValidationException) and isinstance(error.extra, list) and error.extra:
        first = error.extra[0]
        if isinstance(first, dict) and first.get("key"):
            field = _public_name(request, str(first["key"]))
            source = getattr(first.get("source"), "value", first.get("source")) or "request"
            message = f"{source} parameter {field}: {first.get('message', 'invalid value')}"
    return Response(ErrorBody(code, message, field), status_code=status, headers=error.headers or {})


def unexpected_error(request: Request[Any, Any, Any], error: Exception) -> Response[ErrorBody]:
    log.exception("%s %s failed unexpectedly", request.method, request.url.path, exc_info=error)
    return Response(ErrorBody("internal_error", "internal server error; see the server log"), status_code=500)


EXCEPTION_HANDLERS: dict[type[Exception], Any] = {
    ApplianceError: appliance_error,
    HTTPException: http_error,
    Exception: unexpected_error,
}
