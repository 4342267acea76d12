"""Who is calling: API keys with scopes and organizations, and per-key rate limits."""

from appliance.auth.base import (
    SCOPES,
    AuthError,
    InvalidKey,
    MissingKey,
    OrganizationDenied,
    Principal,
    RateLimited,
    ScopeDenied,
    Viewer,
)
from appliance.auth.keys import KeyService
from appliance.auth.ratelimit import RateLimiter

__all__ = [
    "SCOPES",
    "AuthError",
    "InvalidKey",
    "KeyService",
    "MissingKey",
    "OrganizationDenied",
    "Principal",
    "RateLimited",
    "RateLimiter",
    "ScopeDenied",
    "Viewer",
]
