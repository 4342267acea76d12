"""The agent API controller: /api/agent/report, /heartbeat, /config and /container-scan."""

from __future__ import annotations

from typing import Any

from litestar import Controller, Request, Response, get, post
from litestar.di import Provide
from litestar.openapi import ResponseSpec
from litestar.openapi.spec import OpenAPIMediaType, Operation, RequestBody

from appliance.agent.containers import ContainerService
from appliance.agent.legacy import CommandsAnswer, InventoryIn, check_commands_query, decode_inventory, to_report
from appliance.agent.payloads import (
    AgentConfig,
    ContainerScanAccepted,
    ContainerScanIn,
    DeltaReportAccepted,
    ErrorBody,
    FullReportAccepted,
    HeartbeatAccepted,
    HeartbeatIn,
    ReportIn,
    decode,
    decode_container_scan,
    schema_of,
)
from appliance.agent.service import AgentService
from appliance.api.body import decode_request
from appliance.api.guards import authenticate, client_address, provide_principal
from appliance.auth import Principal, RateLimiter
from appliance.feeds.trivy import TrivyReport


def json_body(*kinds: type) -> type[Operation]:
    """An Operation class that documents ``kinds`` as the JSON request body (any of them, if several).

    The handlers read and decode bodies themselves (strict types, gzip, size caps), so
    Litestar cannot infer the body schema from a ``data`` parameter; this supplies it.
    """
    schema = schema_of(kinds[0]) if len(kinds) == 1 else {"anyOf": [schema_of(kind) for kind in kinds]}

    class WithJsonBody(Operation):
        def __init__(self, *args: Any, **kwargs: Any) -> None:
            super().__init__(*args, **kwargs)
            self.request_body = RequestBody(
                required=True, content={"application/json": OpenAPIMediaType(schema=schema)}  # type: ignore[arg-type]
            )

    return WithJsonBody


_ERRORS = {
    400: "invalid_request (the body or a query parameter; field names the path) or full_report_required",
    401: "missing_api_key or invalid_api_key",
    403: "insufficient_scope or organization_forbidden",
    409: "hostname_conflict: the hostname belongs to an asset of another organization",
    413: "payload_too_large: body, inflated body, item or image count over the limit",
    415: "unsupported_media_type: Content-Type or Content-Encoding",
    429: "rate_limited: over the per-key limit; Retry-After says when to try again",
    503: "database_error: the database could not be written; server_busy: other large bodies fill max_body_bytes_in_flight (Retry-After)",
}


def errors(*statuses: int) -> dict[int, ResponseSpec]:
    """The documented error answers of an operation, all with the ErrorBody schema."""
    return {
        status: ResponseSpec(data_container=ErrorBody, description=_ERRORS[status], generate_examples=False)
        for status in statuses
    }


_WRITE_ERRORS = errors(400, 401, 403, 409, 413, 415, 429, 503)


async def provide_agent_service(request: Request[Any, Any, Any]) -> AgentService:
    return request.app.state.agent_service


async def provide_container_service(request: Request[Any, Any, Any]) -> ContainerService:
    return request.app.state.container_service


async def _read(request: Request[Any, Any, Any], kind: type) -> Any:
    return await decode_request(request, lambda body: decode(body, kind))


class AgentController(Controller):
    path = "/api/agent"
    tags = ["agent"]
    guards = [authenticate]
    security = [{"agentKey": []}]
    dependencies = {
        "principal": Provide(provide_principal),
        "agent_service": Provide(provide_agent_service),
        "container_service": Provide(provide_container_service),
    }

    @post(
        "/report",
        operation_id="submitReport",
        status_code=200,
        opt={"rate_bucket": "report"},
        operation_class=json_body(ReportIn),
        responses=_WRITE_ERRORS,
    )
    async def submit_report(
        self, request: Request[Any, Any, Any], principal: Principal, agent_service: AgentService
    ) -> FullReportAccepted | DeltaReportAccepted:
        """Submit a full software inventory for an asset, or with "delta": true only what changed.

        Errors (JSON ErrorBody): 400 invalid body or full_report_required, 401 missing or
        invalid key, 403 scope or organization, 409 hostname in another organization,
        413 body or item count over the limit, 415 content type or encoding, 429 rate limit.
        """
        report: ReportIn = await _read(request, ReportIn)
        return await agent_service.submit(principal, report, client_address(request))

    @post(
        "/heartbeat",
        operation_id="sendHeartbeat",
        status_code=200,
        opt={"rate_bucket": "heartbeat"},
        operation_class=json_body(HeartbeatIn),
        responses=_WRITE_ERRORS,
    )
    async def heartbeat(
        self, request: Request[Any, Any, Any], principal: Principal, agent_service: AgentService
    ) -> HeartbeatAccepted:
        """Tell the server the agent is alive without sending a scan; returns the agent's settings.

        An unknown hostname is registered as pending, with force_full_scan set until its
        first full report. Errors as for submitReport.
        """
        beat: HeartbeatIn = await _read(request, HeartbeatIn)
        return await agent_service.heartbeat(principal, beat)

    @get("/config", operation_id="getAgentConfig", opt={"rate_bucket": "config"}, responses=errors(400, 401, 403, 409, 429))
    async def config(
        self, principal: Principal, agent_service: AgentService, hostname: str | None = None
    ) -> AgentConfig:
        """The server-side agent configuration; with ?hostname=, force_full_scan is that asset's.

        A hostname the server has never seen gets force_full_scan: true. Errors: 401, 403,
        409 (hostname in another organization), 429.
        """
        return await agent_service.config(principal, hostname)

    @post(
        "/inventory",
        operation_id="submitInventory",
        status_code=200,
        operation_class=json_body(InventoryIn),
        responses=_WRITE_ERRORS,
    )
    async def submit_inventory(
        self, request: Request[Any, Any, Any], principal: Principal, agent_service: AgentService
    ) -> FullReportAccepted:
        """Compatibility route for SentriKat agent 1.5: its inventory body, applied as a full report.

        `products[]` become `software[]` (product -> name), the `os` object becomes the os
        string, `agent.version` the agent version; the kernel and `agent.id` are kept on the
        asset. Versions may be empty or null. The rate limit counts per key and hostname.
        Errors as for submitReport.
        """
        user_agent = request.headers.get("user-agent", "")
        inventory: InventoryIn = await decode_request(request, lambda body: decode_inventory(body, user_agent))
        limiter: RateLimiter = request.app.state.limiter
        limiter.hit("inventory", f"{principal.key_id}:{inventory.hostname.lower()}")
        return await agent_service.submit(principal, to_report(inventory), client_address(request))

    @get(
        "/commands",
        operation_id="getAgentCommands",
        media_type="application/json",
        responses=errors(400, 401, 403, 429),
    )
    async def commands(
        self,
        request: Request[Any, Any, Any],
        principal: Principal,
        agent_service: AgentService,
        hostname: str | None = None,
        agent_id: str | None = None,
        version: str | None = None,
        platform: str | None = None,
    ) -> Response[CommandsAnswer]:
        """Compatibility route for SentriKat agent 1.5: what the appliance asks of the agent.

        Answers {"commands": [...], "scan_capabilities": {"extensions": false, "dependencies":
        false}} with `{"command": "scan_now"}` when a full report is wanted and
        `{"command": "update_config", "config": {"scan_interval_minutes": N}}` after the scan
        interval changed. agent_id, version and platform are accepted and not used.
        """
        host = check_commands_query(hostname)
        limiter: RateLimiter = request.app.state.limiter
        limiter.hit("commands", f"{principal.key_id}:{host.lower()}")
        # The body is bytes laid out for the agents' grep (see commands_answer); the annotation
        # gives OpenAPI its schema.
        return Response(await agent_service.commands(principal, host), media_type="application/json")  # type: ignore[arg-type]

    @post(
        "/container-scan",
        operation_id="submitContainerScan",
        status_code=200,
        opt={"rate_bucket": "container_scan"},
        operation_class=json_body(ContainerScanIn, TrivyReport),
        responses=_WRITE_ERRORS,
    )
    async def container_scan(
        self,
        request: Request[Any, Any, Any],
        principal: Principal,
        container_service: ContainerService,
        hostname: str | None = None,
    ) -> ContainerScanAccepted:
        """Submit Trivy results for a host's container images.

        The body is the agents' envelope {"hostname", "scanner", "scanner_version", "images":
        [{"image_name", "image_tag", "image_id", "trivy_output"}]}, or with ?hostname= a bare
        Trivy JSON report (trivy image --format json) for one image named by its ArtifactName.
        Errors (JSON ErrorBody): 400 invalid body or Trivy report, 401 missing or invalid key,
        403 scope or organization, 409 hostname in another organization, 413 body or image
        count over the limit, 415 content type or encoding, 429 rate limit.
        """
        scan = await decode_request(request, lambda body: decode_container_scan(body, hostname))
        return await container_service.submit(principal, scan)


__all__ = ["AgentController", "ErrorBody"]
