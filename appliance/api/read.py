"""The read API controllers: status, assets, vulnerabilities, the patch plan and their CSV exports; admins' asset changes."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Annotated, Any

import msgspec
from litestar import Controller, Request, delete, get, post, put
from litestar.di import Provide
from litestar.openapi.datastructures import ResponseSpec
from litestar.params import Parameter
from litestar.response import Stream

from appliance.agent.assets import AssetAdmin, AssetChange
from appliance.agent.payloads import DbInt, ErrorBody, decode
from appliance.agent.triage import (
    TRIAGE_BODY_BYTES,
    ImageTriageIn,
    TriagedFinding,
    TriagedFindings,
    TriageIn,
    TriageService,
)
from appliance.api.agent import json_body
from appliance.api.body import read_small_json_body
from appliance.api.guards import authenticate_admin, authenticate_reader, provide_viewer
from appliance.auth import Viewer
from appliance.read.export import csv_chunks
from appliance.read.remediation import MAX_PLAN_PAGE, plan_csv_chunks
from appliance.read.models import (
    AssetDetail,
    AssetPage,
    AssetQuery,
    AssetSort,
    AssetState,
    Severity,
    Source,
    RemediationPlan,
    RemediationQuery,
    Status,
    VulnerabilityPage,
    VulnerabilityQuery,
)
from appliance.read.service import MAX_ASSET_PAGE, MAX_SEARCH, MAX_VULNERABILITY_PAGE, ReadService

DB_ID = 2**63 - 1  # SQLite's largest integer; a bigger id cannot exist and must not reach the driver

_ERRORS = {
    400: "invalid_request: a parameter or the body has a wrong type or value; field names it",
    401: "missing_api_key, invalid_api_key, not_logged_in or invalid_credentials",
    403: "insufficient_scope (an agent key; a read key for changes), organization_forbidden (another organization"
         " than a read key's), csrf_failed (a change from another site, or without the session's X-CSRF-Token)",
    404: "asset_not_found, finding_not_found or image_not_found",
    413: "payload_too_large",
    415: "unsupported_media_type: the body must be application/json",
    429: "rate_limited; Retry-After says when to retry",
}


def errors(*statuses: int) -> dict[int, ResponseSpec]:
    """OpenAPI entries for the error answers of an operation, all with the ErrorBody schema."""
    return {s: ResponseSpec(data_container=ErrorBody, description=_ERRORS[s], generate_examples=False) for s in statuses}


CSV = "text/csv; charset=utf-8"


def csv_export(path: str, operation_id: str, filters: Callable[..., Any]) -> Any:
    """The GET decorator of a CSV export: its media type, error answers and ``filters`` dependency."""
    return get(
        path, operation_id=operation_id, media_type=CSV, responses=errors(400, 401, 403, 429),
        dependencies={"filters": Provide(filters)},
    )


def csv_download(chunks: Iterator[bytes], filename: str) -> Stream:
    """CSV chunks streamed as a download the browser saves as ``filename``."""
    return Stream(chunks, media_type=CSV, headers={"Content-Disposition": f'attachment; filename="{filename}"'})


MOVE_BODY_BYTES = 1024


class MoveIn(msgspec.Struct, frozen=True):
    """The organization an asset moves to."""

    organization_id: DbInt


async def provide_read_service(request: Request[Any, Any, Any]) -> ReadService:
    return request.app.state.read_service


Organization = Annotated[
    int | None, Parameter(ge=1, le=DB_ID, description="Only this organization's assets (read keys: their own only).")
]
Kev = Annotated[bool | None, Parameter(description="true: only KEV findings (assets with one); false: only others.")]
IncludeStale = Annotated[bool, Parameter(description="Include stale assets, which the counts leave out.")]


# The filters of each JSON route and its CSV export, declared once: a dependency's parameters are
# query parameters of the routes that use it, in OpenAPI too.
async def vulnerability_filters(
    organization: Organization = None,
    kev: Kev = None,
    min_severity: Annotated[Severity | None, Parameter(description="low, medium, high or critical.")] = None,
    source: Annotated[Source | None, Parameter(description="host (installed software) or container.")] = None,
    cve: Annotated[str | None, Parameter(max_length=MAX_SEARCH, description="One vulnerability id.")] = None,
    asset: Annotated[int | None, Parameter(ge=1, le=DB_ID, description="One asset's findings.")] = None,
    include_stale: IncludeStale = False,
) -> VulnerabilityQuery:
    """listVulnerabilities' and exportVulnerabilities' filters."""
    return VulnerabilityQuery(
        organization=organization, kev=kev, min_severity=min_severity, source=source, cve=cve, asset=asset,
        include_stale=include_stale,
    )


async def plan_filters(organization: Organization = None, include_stale: IncludeStale = False) -> RemediationQuery:
    """getRemediationPlan's and exportRemediationPlan's filters."""
    return RemediationQuery(organization=organization, include_stale=include_stale)


class ReadController(Controller):
    path = "/api"
    tags = ["read"]
    guards = [authenticate_reader]
    dependencies = {"viewer": Provide(provide_viewer), "read_service": Provide(provide_read_service)}

    @get("/status", operation_id="getStatus", responses=errors(401, 403, 429))
    async def status(self, viewer: Viewer, read_service: ReadService) -> Status:
        """What needs doing today: assets by state, software and vulnerability counts, the top vulnerabilities
        (KEV first), the feed in service with each source's date and age, the scheduled jobs, the version.

        Counts leave stale assets out. A read key sees its organization's counts; the feed and jobs are the
        appliance's. Authentication: a read or admin key (X-Agent-Key or Authorization: Bearer) or an admin session.
        """
        return await read_service.status(viewer)

    @get("/assets", operation_id="listAssets", responses=errors(400, 401, 403, 429))
    async def assets(
        self,
        viewer: Viewer,
        read_service: ReadService,
        organization: Organization = None,
        asset_state: Annotated[
            AssetState | None, Parameter(query="state", description="online, offline, stale or pending.")
        ] = None,
        kev: Kev = None,
        q: Annotated[
            str | None, Parameter(max_length=MAX_SEARCH, description="Text found in hostname, IP address, OS or tags.")
        ] = None,
        sort: Annotated[
            AssetSort, Parameter(description="Order; a leading - means descending. Default -kev: KEV findings first.")
        ] = "-kev",
        limit: Annotated[int, Parameter(ge=1, le=MAX_ASSET_PAGE)] = 50,
        offset: Annotated[int, Parameter(ge=0, le=DB_ID)] = 0,
    ) -> AssetPage:
        """Assets with their counts, filtered, sorted and paginated; ``total`` counts all that match.

        Errors: 400 bad parameter, 401 no or invalid credentials, 403 agent key or another organization, 429.
        """
        query = AssetQuery(organization=organization, state=asset_state, kev=kev, q=q, sort=sort, limit=limit, offset=offset)
        return await read_service.assets(viewer, query)

    @get("/assets/{asset_id:int}", operation_id="getAsset", responses=errors(400, 401, 403, 404, 429))
    async def asset(
        self, viewer: Viewer, read_service: ReadService, asset_id: Annotated[int, Parameter(ge=1, le=DB_ID)]
    ) -> AssetDetail:
        """One asset: its software with match method and score or the unmatched reason, its vulnerabilities
        (CVSS, severity, KEV dates, first seen; KEV first) and its container images with their open findings.

        An asset of another organization than a read key's answers 404, as one that does not exist.
        """
        return await read_service.asset(viewer, asset_id)

    @get(
        "/vulnerabilities", operation_id="listVulnerabilities", responses=errors(400, 401, 403, 429),
        dependencies={"filters": Provide(vulnerability_filters)},
    )
    async def vulnerabilities(
        self,
        viewer: Viewer,
        read_service: ReadService,
        filters: VulnerabilityQuery,
        limit: Annotated[int, Parameter(ge=1, le=MAX_VULNERABILITY_PAGE)] = 100,
        offset: Annotated[int, Parameter(ge=0, le=DB_ID)] = 0,
    ) -> VulnerabilityPage:
        """Findings across assets, host findings and open container findings alike (``source``), KEV first,
        then by CVSS score; paginated, ``total`` counts all that match.

        Errors: 400 bad parameter, 401 no or invalid credentials, 403 agent key or another organization, 429.
        """
        return await read_service.vulnerabilities(viewer, msgspec.structs.replace(filters, limit=limit, offset=offset))

    @csv_export("/vulnerabilities.csv", "exportVulnerabilities", vulnerability_filters)
    async def export(self, viewer: Viewer, read_service: ReadService, filters: VulnerabilityQuery) -> Stream:
        """The same findings as listVulnerabilities, all of them, as CSV: a header line with the JSON field
        names, then one line per finding. Text a spreadsheet would take for a formula starts with an apostrophe.
        """
        rows = await read_service.all_vulnerabilities(viewer, filters)
        return csv_download(csv_chunks(rows), "vulnerabilities.csv")

    @get(
        "/remediation", operation_id="getRemediationPlan", responses=errors(400, 401, 403, 429),
        dependencies={"filters": Provide(plan_filters)},
    )
    async def remediation(
        self,
        viewer: Viewer,
        read_service: ReadService,
        filters: RemediationQuery,
        limit: Annotated[int, Parameter(ge=1, le=MAX_PLAN_PAGE)] = 100,
        offset: Annotated[int, Parameter(ge=0, le=DB_ID)] = 0,
    ) -> RemediationPlan:
        """The patch plan: one row per identified product and target version, the smallest version that fixes
        every CVE found for that product on those machines, with the machines by name, the CVEs it removes, how
        many are in KEV, the earliest KEV due date (``overdue`` when past), the highest CVSS. KEV rows first, then
        overdue ones, then by highest CVSS and machine count. Host findings the installed version could not
        decide are left out; ``total`` counts all rows.

        Errors: 400 bad parameter, 401 no or invalid credentials, 403 agent key or another organization, 429.
        """
        return await read_service.remediation(viewer, msgspec.structs.replace(filters, limit=limit, offset=offset))

    @csv_export("/remediation.csv", "exportRemediationPlan", plan_filters)
    async def export_remediation(self, viewer: Viewer, read_service: ReadService, filters: RemediationQuery) -> Stream:
        """The whole patch plan as CSV: a header line with the JSON field names, then one line per row, lists
        joined with "; ". Text a spreadsheet would take for a formula starts with an apostrophe.
        """
        rows = await read_service.all_remediation(viewer, filters)
        return csv_download(plan_csv_chunks(rows), "patch-plan.csv")


# Admins' changes to assets: authenticate_admin guards them instead of the read routes' authenticate_reader.
# Plain handlers, not a second controller: Litestar gives each controller its own OPTIONS handler for
# /api/assets/{asset_id}, and two collide at startup. Registered after ReadController (app.py), so they
# join its routes.
ASSET_ADMIN = {"guards": [authenticate_admin], "tags": ["read"]}


@delete(
    "/api/assets/{asset_id:int}", operation_id="deleteAsset", status_code=200, **ASSET_ADMIN,
    responses=errors(400, 401, 403, 404, 429),
)
async def delete_asset(request: Request[Any, Any, Any], asset_id: Annotated[int, Parameter(ge=1, le=DB_ID)]) -> AssetChange:
    """Delete an asset with its software, findings, history and container scans. Admins only: an admin
    API key, or an admin session sending its X-CSRF-Token. If its agent reports again, the host comes back as new.
    """
    return await AssetAdmin(request.app.state.db).delete(asset_id)


@post(
    "/api/assets/{asset_id:int}/move", operation_id="moveAsset", status_code=200, **ASSET_ADMIN,
    operation_class=json_body(MoveIn), responses=errors(400, 401, 403, 404, 413, 415, 429),
)
async def move_asset(request: Request[Any, Any, Any], asset_id: Annotated[int, Parameter(ge=1, le=DB_ID)]) -> AssetChange:
    """Move an asset, with everything stored about it, to another organization: body {"organization_id": N}.
    Admins only, as for deleteAsset; its agent must then use a key of that organization.
    """
    body: MoveIn = decode(await read_small_json_body(request, MOVE_BODY_BYTES), MoveIn)
    return await AssetAdmin(request.app.state.db).move(asset_id, body.organization_id)


# An admin's triage of container findings (docs/api.md, Container scans): the same guard as the asset changes.
@put(
    "/api/container-findings/{finding_id:int}/triage", operation_id="setContainerFindingTriage", **ASSET_ADMIN,
    operation_class=json_body(TriageIn), responses=errors(400, 401, 403, 404, 413, 415, 429),
)
async def set_finding_triage(
    request: Request[Any, Any, Any], finding_id: Annotated[int, Parameter(ge=1, le=DB_ID)]
) -> TriagedFinding:
    """Set a container finding's triage: body {"triage": "open" | "accepted_risk" | "false_positive" | "fixed",
    "comment"?: at most 500 characters}. Accepted risks and false positives raise no alerts and leave the counts
    that mean "needs action"; "fixed" counts until a rescan no longer reports the finding (a rescan that still
    reports it reopens it); "open" counts again. Answers the finding with its triage, who set it and when.
    The finding ids are in getAsset's containers[].findings[].id. Admins only, as for deleteAsset.
    """
    body: TriageIn = decode(await read_small_json_body(request, TRIAGE_BODY_BYTES), TriageIn)
    return await TriageService(request.app.state.db).set_finding(finding_id, body, request.state.admin_identity)


@put(
    "/api/container-images/{image_id:int}/triage", operation_id="setContainerImageTriage", **ASSET_ADMIN,
    operation_class=json_body(ImageTriageIn), responses=errors(400, 401, 403, 404, 413, 415, 429),
)
async def set_image_triage(
    request: Request[Any, Any, Any], image_id: Annotated[int, Parameter(ge=1, le=DB_ID)]
) -> TriagedFindings:
    """Set the triage of every finding of one vulnerability id in one container image (every package with it,
    open or resolved): body {"vulnerability_id", "triage", "comment"?}, the rest as setContainerFindingTriage.
    The image ids are getAsset's containers[].id. Answers the findings as they now are.
    """
    body: ImageTriageIn = decode(await read_small_json_body(request, TRIAGE_BODY_BYTES), ImageTriageIn)
    return await TriageService(request.app.state.db).set_image(image_id, body, request.state.admin_identity)
