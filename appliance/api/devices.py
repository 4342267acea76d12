"""Adding devices over HTTP: the agent scripts at /agents/ (no key), and the admin API /api/keys and /api/devices."""

from __future__ import annotations

from typing import Annotated, Any

from litestar import Controller, Request, Response, delete, get, post
from litestar.di import Provide
from litestar.exceptions import NotFoundException
from litestar.openapi.datastructures import ResponseSpec
from litestar.params import Parameter

from appliance.agent.payloads import ErrorBody, decode
from appliance.api.agent import json_body
from appliance.api.body import read_small_json_body
from appliance.api.guards import authenticate_admin
from appliance.auth.keys import KeyInfo
from appliance.devices import CreatedKey, DeviceService, KeyIn, KeyList, RecentDevices, base_url
from appliance.devices.base import DB_ID
from appliance.devices.scripts import AgentScript

KEY_BODY_BYTES = 4096  # an organization id, a name of at most 100 characters and three scopes, JSON-escaped
MAX_RECENT_MINUTES = 7 * 24 * 60

_ERRORS = {
    400: "invalid_request (the body, a parameter or the Host header; field names it) or unknown_organization",
    401: "missing_api_key, invalid_api_key or not_logged_in",
    403: "insufficient_scope (a key without the admin scope), csrf_failed (a session's change from another site or"
         " without the session's X-CSRF-Token)",
    404: "key_not_found",
    409: "key_already_revoked",
    413: "payload_too_large",
    415: "unsupported_media_type: the body must be application/json",
    429: "rate_limited; Retry-After says when to retry",
}


def errors(*statuses: int) -> dict[int, ResponseSpec]:
    return {s: ResponseSpec(data_container=ErrorBody, description=_ERRORS[s], generate_examples=False) for s in statuses}


async def provide_device_service(request: Request[Any, Any, Any]) -> DeviceService:
    return request.app.state.device_service


class KeysController(Controller):
    path = "/api/keys"
    tags = ["admin"]
    guards = [authenticate_admin]
    dependencies = {"device_service": Provide(provide_device_service)}

    @post(
        "/",
        operation_id="createKey",
        status_code=201,
        operation_class=json_body(KeyIn),
        responses=errors(400, 401, 403, 413, 415, 429),
    )
    async def create(self, request: Request[Any, Any, Any], device_service: DeviceService) -> CreatedKey:
        """Create an API key and answer it, this once (only its HMAC is stored). For a key with the agent
        scope the answer also holds, per operating system, the one line that installs the agent with it from
        this appliance: the lines name the appliance as this request did (scheme and Host header), carry the
        SHA-256 of each agent script, and its certificate's fingerprint when it serves HTTPS.

        Body {"organization_id", "name", "scopes"} (scopes default ["agent"]); unknown fields are refused.
        Errors: 400 invalid body (field names it) or unknown_organization, 401, 403 (not admin; a session
        without X-CSRF-Token or from another site), 413 body over 4 KiB, 415 not JSON, 429.
        """
        body: KeyIn = decode(await read_small_json_body(request, KEY_BODY_BYTES), KeyIn)
        server = base_url(request.scope.get("scheme", "http"), request.headers.get("host"))
        return await device_service.create_key(body, server)

    @get("/", operation_id="listKeys", responses=errors(401, 403, 429))
    async def list_keys(self, device_service: DeviceService) -> KeyList:
        """Every API key, oldest first: id, organization, name, scopes, prefix (the first 12 characters), created,
        last used, revoked, and how many devices report with it. Never the keys themselves."""
        return await device_service.list_keys()

    @delete("/{key_id:int}", operation_id="revokeKey", status_code=200, responses=errors(400, 401, 403, 404, 409, 429))
    async def revoke(self, device_service: DeviceService, key_id: Annotated[int, Parameter(ge=1, le=DB_ID)]) -> KeyInfo:
        """Revoke a key: every request with it is refused from now on. Answers the key as it now is.
        Errors: 404 key_not_found, 409 key_already_revoked (nothing changes either way)."""
        return await device_service.revoke(key_id)


class DevicesController(Controller):
    path = "/api/devices"
    tags = ["admin"]
    guards = [authenticate_admin]
    dependencies = {"device_service": Provide(provide_device_service)}

    @get("/recent", operation_id="listRecentDevices", responses=errors(400, 401, 403, 429))
    async def recent(
        self,
        device_service: DeviceService,
        minutes: Annotated[int, Parameter(ge=1, le=MAX_RECENT_MINUTES, description="The window; default an hour.")] = 60,
    ) -> RecentDevices:
        """Devices (assets) first seen in the last ``minutes``, newest first, with their organization, state,
        software count and the key they enrolled with: "Add a device" polls it to show a new PC arriving."""
        return await device_service.recent(minutes)


@get(
    "/agents/{name:str}",
    operation_id="getAgentScript",
    tags=["agents"],
    media_type="text/plain",
    responses={
        400: ResponseSpec(data_container=ErrorBody, description="invalid_request: a control character in the path", generate_examples=False),
        404: ResponseSpec(data_container=ErrorBody, description="not_found: no such script", generate_examples=False),
    },
)
async def agent_script(request: Request[Any, Any, Any], name: str) -> Response[bytes]:
    """The agent scripts, byte for byte as shipped in agents/: sentrikat-agent.sh (Linux, macOS) and
    sentrikat-agent.ps1 (Windows). No key needed; they hold no secrets. ETag is the SHA-256 of the file,
    and If-None-Match answers 304. Any other name is 404."""
    scripts: dict[str, AgentScript] = request.app.state.device_service.scripts
    script = scripts.get(name)
    if script is None:
        raise NotFoundException(f"no agent script named {name[:100]!r}; there are {', '.join(sorted(scripts)) or 'none'}")
    headers = {"Cache-Control": "no-cache", "ETag": script.etag}
    if script.etag in (tag.strip() for tag in request.headers.get("if-none-match", "").split(",")):
        return Response(b"", status_code=304, headers=headers, media_type=script.media_type)
    return Response(script.content, headers=headers, media_type=script.media_type)
