"""Route guards: authenticate the X-Agent-Key header, check scope, then apply the route's rate limit."""

from __future__ import annotations

from typing import Any

from litestar.connection import ASGIConnection
from litestar.handlers.base import BaseRouteHandler

from appliance.auth import InvalidKey, KeyService, MissingKey, Principal, RateLimiter, ScopeDenied

KEY_HEADER = "x-agent-key"
UNAUTHENTICATED_BUCKET = "unauthenticated"


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
