"""Unauthenticated liveness endpoint for service managers, load balancers and tests."""

from __future__ import annotations

import msgspec
from litestar import get

from appliance import __version__


class Health(msgspec.Struct, frozen=True):
    status: str
    version: str


@get("/healthz", operation_id="getHealth", tags=["system"])
async def health() -> Health:
    """Answers 200 once the database is open and the server accepts requests."""
    return Health("ok", __version__)
