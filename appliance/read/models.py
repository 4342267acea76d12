"""The read API's answers: frozen msgspec Structs, as they appear in JSON and in the OpenAPI schema."""

from __future__ import annotations

from typing import Literal

import msgspec

from appliance.ids import AssetId, OrganizationId

AssetState = Literal["online", "offline", "stale", "pending"]
Severity = Literal["low", "medium", "high", "critical"]
Source = Literal["host", "container"]
FixKind = Literal["fixed_in", "fixed_after", "none"]
AssetSort = Literal[
    "kev", "-kev", "vulnerabilities", "-vulnerabilities", "cvss", "-cvss", "software", "-software",
    "hostname", "-hostname", "last_seen", "-last_seen",
]


class AssetCounts(msgspec.Struct, frozen=True):
    """Assets by state. ``pending`` assets have not sent a full report yet; the others are online,
    offline (quiet for offline_after) or stale (quiet for stale_after)."""

    total: int
    online: int
    offline: int
    stale: int
    pending: int


class DataCounts(msgspec.Struct, frozen=True):
    """What the non-stale assets hold: software items, how many were identified, and what is vulnerable."""

    software_items: int
    software_matched: int
    vulnerable_assets: int
    kev_assets: int
    kev_findings: int
    container_images: int


class FeedSource(msgspec.Struct, frozen=True):
    """One file the feed in service was built from, with the date the file states and its age now."""

    file: str
    format: str
    kind: str
    feed_date: str | None
    records: int
    age_days: float | None


class FeedKind(msgspec.Struct, frozen=True):
    """The newest data of one kind (cve, cpe, kev): fresh when its date is within feed_max_age."""

    kind: str
    newest: str | None
    age_days: float | None
    fresh: bool


class FeedStatus(msgspec.Struct, frozen=True):
    """The feed in service. ``loaded`` false means no feed: only agent-supplied CPEs are matched."""

    loaded: bool
    built_at: str | None
    cves: int
    products: int
    kev: int
    fresh: bool
    kinds: list[FeedKind]
    sources: list[FeedSource]


class JobStatus(msgspec.Struct, frozen=True):
    """A scheduled job: when it runs next (null when not scheduled), and its last run's outcome and error."""

    name: str
    next_run_at: str | None
    last_run_at: str | None
    last_duration: float | None
    last_outcome: str | None
    last_error: str | None
    last_success_at: str | None
    title: str | None = None  # what the job does, in words; null for housekeeping jobs the page leaves out
    advice: str | None = None  # after a failure: what it means and what to do


class TopVulnerability(msgspec.Struct, frozen=True):
    """A vulnerability across the non-stale assets: how many it affects, KEV first."""

    vulnerability_id: str
    kev: bool
    kev_due_date: str | None
    cvss: float | None
    severity: str | None
    assets: int
    sources: list[Source]
    products: list[str]  # the program, package or container package names it was found in


class OrganizationCount(msgspec.Struct, frozen=True):
    id: OrganizationId
    name: str
    assets: int


class Status(msgspec.Struct, frozen=True):
    """Everything the dashboard shows. ``organization_id`` is the caller's scope (null: all organizations)."""

    version: str
    schema_version: int
    generated_at: str
    organization_id: OrganizationId | None
    assets: AssetCounts
    data: DataCounts
    top_vulnerabilities: list[TopVulnerability]
    organizations: list[OrganizationCount]
    feed: FeedStatus
    jobs: list[JobStatus]
    # SHA-256 of the HTTPS certificate (as `sentrikat tls show` prints it); null when no HTTPS is served.
    tls_fingerprint: str | None = None


class AssetSummary(msgspec.Struct, frozen=True):
    """One asset in the list, with its counts (distinct vulnerability ids over host and open container findings)."""

    id: AssetId
    hostname: str
    organization_id: OrganizationId
    organization: str
    os: str
    ip_address: str | None
    tags: list[str]
    state: AssetState
    agent_version: str | None
    first_seen: str
    last_seen: str
    software_count: int
    matched_count: int
    vulnerability_count: int
    kev_count: int
    max_cvss: float | None
    container_image_count: int


class AssetPage(msgspec.Struct, frozen=True):
    total: int
    limit: int
    offset: int
    items: list[AssetSummary]


class SoftwareEntry(msgspec.Struct, frozen=True):
    """An installed item and how the matcher identified it (method and score), or why it did not."""

    id: int
    name: str
    version: str
    vendor: str
    cpe: str | None
    match_cpe: str | None
    match_method: str | None
    match_score: float | None
    match_evidence: str | None
    unmatched_reason: str | None
    first_seen: str
    vulnerability_count: int


class HostVulnerability(msgspec.Struct, frozen=True):
    """A CVE found in an installed item, with the criterion that matched (``via``), the fixed
    version that range names (``fix_kind``: fixed_in, fixed_after or none) and whether the
    installed version could decide it (``version_unknown``: it may apply, not counted)."""

    cve: str
    cvss: float | None
    severity: str | None
    kev: bool
    kev_date_added: str | None
    kev_due_date: str | None
    kev_ransomware: str | None
    backport_possible: bool
    via: str
    first_seen: str
    last_seen: str
    software_id: int
    software_name: str
    software_version: str
    fixed_version: str | None
    fix_kind: FixKind
    version_unknown: bool


class ContainerFinding(msgspec.Struct, frozen=True):
    """An open finding of a container image scan, with the admin's triage (setContainerFindingTriage takes its ``id``):
    who set it (``key:N``, ``session:NAME``, or ``scan`` when a rescan reopened a finding triaged fixed), when, why."""

    id: int
    vulnerability_id: str
    pkg_name: str
    installed_version: str
    fixed_version: str | None
    target: str
    severity: str
    cvss: float | None
    title: str | None
    primary_url: str | None
    kev: bool
    kev_date_added: str | None
    kev_due_date: str | None
    kev_ransomware: str | None
    triage: str
    triage_comment: str
    triage_by: str | None
    triage_at: str | None
    first_seen: str
    last_seen: str


class ContainerImage(msgspec.Struct, frozen=True):
    """A scanned image on the asset with its open findings, KEV first; ``open_findings`` and ``kev_findings`` leave out
    findings triaged accepted_risk or false_positive, which ``findings`` still lists."""

    id: int
    image_name: str
    image_tag: str
    image_id: str
    os_family: str | None
    os_name: str | None
    scanner: str
    scanner_version: str | None
    first_seen: str
    last_scan_at: str
    open_findings: int
    kev_findings: int
    findings: list[ContainerFinding]


class AssetDetail(msgspec.Struct, frozen=True):
    """One asset: its summary, software, host vulnerabilities (KEV first) and container images."""

    asset: AssetSummary
    status: str
    presence: str
    force_full_scan: bool
    last_report_at: str | None
    last_full_report_at: str | None
    kernel: str | None
    agent_id: str | None
    software: list[SoftwareEntry]
    vulnerabilities: list[HostVulnerability]
    containers: list[ContainerImage]


class VulnerabilityRow(msgspec.Struct, frozen=True):
    """A finding on an asset: from its software (``source: host``) or an open container finding
    (``source: container``, with the image and the fixed version if there is one)."""

    source: Source
    asset_id: AssetId
    hostname: str
    organization_id: OrganizationId
    vulnerability_id: str
    severity: str | None
    cvss: float | None
    kev: bool
    kev_date_added: str | None
    kev_due_date: str | None
    kev_ransomware: str | None
    product: str
    version: str
    fixed_version: str | None
    image: str | None
    first_seen: str
    last_seen: str
    fix_kind: FixKind = "none"
    version_unknown: bool = False


class VulnerabilityPage(msgspec.Struct, frozen=True):
    total: int
    limit: int
    offset: int
    items: list[VulnerabilityRow]


class AssetQuery(msgspec.Struct, frozen=True, kw_only=True):
    """Filters, order and page of GET /api/assets."""

    organization: int | None = None
    state: AssetState | None = None
    kev: bool | None = None
    q: str | None = None
    sort: AssetSort = "-kev"
    limit: int = 50
    offset: int = 0


class VulnerabilityQuery(msgspec.Struct, frozen=True, kw_only=True):
    """Filters and page of GET /api/vulnerabilities (the CSV export takes the same filters, no page)."""

    organization: int | None = None
    kev: bool | None = None
    min_severity: Severity | None = None
    source: Source | None = None
    cve: str | None = None
    asset: int | None = None
    include_stale: bool = False
    limit: int = 100
    offset: int = 0


class RemediationQuery(msgspec.Struct, frozen=True, kw_only=True):
    """Filters and page of GET /api/remediation."""

    organization: int | None = None
    include_stale: bool = False
    limit: int = 100
    offset: int = 0


class PlanRow(msgspec.Struct, frozen=True):
    """One action of the patch plan: bring ``product`` to ``target_version`` on ``machines``.

    ``product`` is the identified NVD vendor:product, ``name`` its human name. The target is the
    smallest version that fixes every CVE found for the product on those machines: with
    ``target_kind`` fixed_in, ``target_version`` itself fixes them; with fixed_after, a version
    greater than ``target_version`` is needed (NVD names the last vulnerable one only); with none,
    no CVE lists a fixed version. ``unfixed_cves`` are CVEs for which NVD lists no fixed version:
    the target does not remove them. ``target`` says all of that in words.
    """

    product: str
    name: str
    target: str
    target_version: str | None
    target_kind: FixKind
    unfixed_cves: list[str]
    installed_versions: list[str]
    machines: list[str]
    machine_count: int
    cves: list[str]
    cve_count: int
    kev_count: int
    kev_due_date: str | None
    overdue: bool
    max_cvss: float | None


class RemediationPlan(msgspec.Struct, frozen=True):
    """The patch plan: KEV rows first, then overdue ones, then by highest CVSS and machine count.

    ``today`` is the date (UTC) ``overdue`` was judged on; ``total`` counts all rows.
    """

    today: str
    total: int
    limit: int
    offset: int
    items: list[PlanRow]
