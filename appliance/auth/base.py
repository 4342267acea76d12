"""The authentication seam's shared model (Principal, scopes) and its errors."""

from __future__ import annotations

import msgspec

from appliance.errors import ApplianceError
from appliance.ids import ApiKeyId, OrganizationId

# agent: submit reports and heartbeats; read: the read API; admin: everything.
SCOPES = ("agent", "read", "admin")


class Principal(msgspec.Struct, frozen=True):
    """The caller behind a valid API key."""

    key_id: ApiKeyId
    organization_id: OrganizationId
    scopes: frozenset[str]


class Viewer(msgspec.Struct, frozen=True):
    """Who reads through the read API: a read or admin key, or an admin logged in to the status page.

    ``organization_id`` None means every organization (admin keys and admin sessions); a
    read key sees its own organization only. ``identity`` names the caller for rate limits.
    """

    organization_id: OrganizationId | None
    identity: str


class AuthError(ApplianceError):
    """The caller is not who, or not allowed to do what, the request needs."""


class MissingKey(AuthError):
    code = "missing_api_key"


class InvalidKey(AuthError):
    code = "invalid_api_key"


class ScopeDenied(AuthError):
    code = "insufficient_scope"


class OrganizationDenied(AuthError):
    code = "organization_forbidden"


class RateLimited(AuthError):
    """Too many requests; ``retry_after`` is whole seconds until one more is allowed."""

    code = "rate_limited"

    def __init__(self, message: str, *, retry_after: int) -> None:
        super().__init__(message)
        self.retry_after = max(1, retry_after)
