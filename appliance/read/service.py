"""The read service: status counts, asset lists and pages, and vulnerabilities across assets, scoped to the viewer."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any

import msgspec

from appliance import __version__
from appliance.agent.summary import SUPPRESSED, needs_action
from appliance.auth import OrganizationDenied, Viewer
from appliance.db import Database
from appliance.db.migrations import SCHEMA_VERSION
from appliance.errors import ApplianceError
from appliance.ids import AssetId, OrganizationId
from appliance.read import jobs as jobs_in_words
from appliance.read import remediation
from appliance.read.models import (
    PlanRow,
    RemediationPlan,
    RemediationQuery,
    AssetCounts,
    AssetDetail,
    AssetPage,
    AssetQuery,
    AssetSummary,
    ContainerFinding,
    ContainerImage,
    DataCounts,
    FeedKind,
    FeedSource,
    FeedStatus,
    HostVulnerability,
    JobStatus,
    OrganizationCount,
    SoftwareEntry,
    Status,
    TopVulnerability,
    VulnerabilityPage,
    VulnerabilityQuery,
    VulnerabilityRow,
)
from appliance.refresh.nvd import parse_when
from appliance.refresh.service import MatcherHolder, job_records
from appliance.settings import Settings
from appliance.timeutil import iso, utc_now

MAX_ASSET_PAGE = 500
MAX_VULNERABILITY_PAGE = 1000
MAX_SEARCH = 200
TOP_VULNERABILITIES = 10

# Which kind of data each feed format carries (the formats of appliance/feeds).
KIND_OF_FORMAT = {"nvd20": "cve", "nvd11": "cve", "cpe_api": "cpe", "cpe_xml": "cpe", "cpe_csv": "cpe", "kev": "kev"}
FEED_KINDS = ("cve", "cpe", "kev")

SEVERITY_RANK = {"low": 1, "medium": 2, "high": 3, "critical": 4}
_RANK_SQL = "CASE UPPER({0}) WHEN 'CRITICAL' THEN 4 WHEN 'HIGH' THEN 3 WHEN 'MEDIUM' THEN 2 WHEN 'LOW' THEN 1 ELSE 0 END"
_SEVERITY_OF_RANK = {4: "CRITICAL", 3: "HIGH", 2: "MEDIUM", 1: "LOW"}

# An asset is pending until its first full report, whatever its presence; otherwise its presence.
_STATE = "CASE WHEN a.status = 'pending' THEN 'pending' ELSE a.presence END"
_ASSET_COLUMNS = (
    f"a.id, a.hostname, a.organization_id, o.name, a.os, a.ip_address, a.tags, {_STATE}, a.agent_version,"
    " a.first_seen, a.last_seen, a.software_count, a.matched_count, a.vulnerability_count, a.kev_count,"
    " a.max_cvss, a.container_image_count"
)
_ASSET_FROM = "FROM assets a JOIN organizations o ON o.id = a.organization_id"

# ORDER BY for each sort key ({d} is ASC or DESC); the hostname (unique) breaks ties. The
# default, -kev, follows the assets_kev_first index.
_ASSET_ORDER = {
    "kev": "a.kev_count {d}, a.vulnerability_count {d}, a.hostname",
    "vulnerabilities": "a.vulnerability_count {d}, a.kev_count {d}, a.hostname",
    "cvss": "COALESCE(a.max_cvss, -1) {d}, a.hostname",
    "software": "a.software_count {d}, a.hostname",
    "hostname": "a.hostname {d}",
    "last_seen": "a.last_seen {d}, a.hostname",
}


class ReadError(ApplianceError):
    """A read request names something that does not exist or asks for something malformed."""


class InvalidQuery(ReadError):
    code = "invalid_request"


class AssetNotFound(ReadError):
    code = "asset_not_found"


def _like(text: str) -> str:
    """A LIKE pattern matching ``text`` anywhere, with LIKE's own wildcards escaped."""
    escaped = text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


def _organization(viewer: Viewer, requested: int | None) -> OrganizationId | None:
    """The organization to read: the requested one if the viewer may see it, else the viewer's own (None: all)."""
    if viewer.organization_id is None:
        return OrganizationId(requested) if requested is not None else None
    if requested is not None and requested != viewer.organization_id:
        raise OrganizationDenied(
            f"this API key belongs to organization {viewer.organization_id}, not {requested}", field="organization"
        )
    return viewer.organization_id


def _page(limit: int, offset: int, most: int) -> None:
    if not 1 <= limit <= most:
        raise InvalidQuery(f"limit must be between 1 and {most}", field="limit")
    if offset < 0:
        raise InvalidQuery("offset must not be negative", field="offset")


def _asset(row: Any) -> AssetSummary:
    tags = msgspec.json.decode(row[6], type=list[str]) if row[6] else []
    return AssetSummary(
        AssetId(row[0]), row[1], OrganizationId(row[2]), row[3], row[4], row[5], tags, row[7], row[8], row[9],
        row[10], row[11], row[12], row[13], row[14], row[15], row[16],
    )


def _age_days(when: datetime | None, now: datetime) -> float | None:
    return round((now - when).total_seconds() / 86400, 1) if when else None


class ReadService:
    """What the read endpoints answer; every method takes the Viewer and reads only what it may see."""

    def __init__(
        self,
        db: Database,
        holder: MatcherHolder,
        settings: Settings,
        next_runs: Callable[[], dict[str, datetime | None]] = dict,
        clock: Callable[[], datetime] = utc_now,
        tls_fingerprint: str | None = None,
    ) -> None:
        self.db = db
        self.tls_fingerprint = tls_fingerprint
        self.holder = holder
        self.settings = settings
        self._next_runs = next_runs  # scheduled job id -> next run time, from the running scheduler
        self._clock = clock

    # --- status ---------------------------------------------------------------------------

    async def status(self, viewer: Viewer) -> Status:
        organization = _organization(viewer, None)
        where, params = ("WHERE organization_id = ?", [organization]) if organization is not None else ("", [])
        row = await self.db.fetchone(
            "SELECT COUNT(*),"
            " COALESCE(SUM(status = 'active' AND presence = 'online'), 0),"
            " COALESCE(SUM(status = 'active' AND presence = 'offline'), 0),"
            " COALESCE(SUM(status = 'active' AND presence = 'stale'), 0),"
            " COALESCE(SUM(status = 'pending'), 0),"
            " COALESCE(SUM(CASE WHEN presence != 'stale' THEN software_count END), 0),"
            " COALESCE(SUM(CASE WHEN presence != 'stale' THEN matched_count END), 0),"
            " COALESCE(SUM(presence != 'stale' AND vulnerability_count > 0), 0),"
            " COALESCE(SUM(presence != 'stale' AND kev_count > 0), 0),"
            " COALESCE(SUM(CASE WHEN presence != 'stale' THEN kev_count END), 0),"
            " COALESCE(SUM(CASE WHEN presence != 'stale' THEN container_image_count END), 0)"
            f" FROM assets {where}",
            params,
        )
        assert row is not None
        orgs = await self.db.fetchall(
            "SELECT o.id, o.name, (SELECT COUNT(*) FROM assets a WHERE a.organization_id = o.id) FROM organizations o"
            + (" WHERE o.id = ?" if organization is not None else "") + " ORDER BY o.id",
            params,
        )
        return Status(
            version=__version__,
            schema_version=SCHEMA_VERSION,
            generated_at=iso(self._clock()),
            organization_id=organization,
            assets=AssetCounts(*row[0:5]),
            data=DataCounts(*row[5:11]),
            top_vulnerabilities=await self._top_vulnerabilities(organization),
            organizations=[OrganizationCount(OrganizationId(r[0]), r[1], r[2]) for r in orgs],
            feed=self._feed(),
            jobs=await self._jobs(),
            tls_fingerprint=self.tls_fingerprint,
        )

    async def _top_vulnerabilities(self, organization: OrganizationId | None) -> list[TopVulnerability]:
        """The vulnerabilities on the most non-stale assets, KEV first. The aggregate reads only what the
        findings_cve_assets index holds; severity and KEV due date are looked up for the winners alone."""
        scope = " AND a.organization_id = ?" if organization is not None else ""
        params = [organization] * 2 if organization is not None else []
        top = await self.db.fetchall(
            "SELECT id, MAX(kev), MAX(cvss), COUNT(DISTINCT asset_id), GROUP_CONCAT(DISTINCT source) FROM ("
            "  SELECT f.cve AS id, f.kev, f.cvss, f.asset_id, 'host' AS source"
            f"  FROM findings f JOIN assets a ON a.id = f.asset_id WHERE f.version_unknown = 0 AND a.presence != 'stale'{scope}"
            "  UNION ALL"
            "  SELECT c.vulnerability_id, c.kev, c.cvss, c.asset_id, 'container'"
            "  FROM container_findings c JOIN assets a ON a.id = c.asset_id"
            f"  WHERE c.resolved_at IS NULL AND {needs_action('c')} AND a.presence != 'stale'{scope}"
            ") GROUP BY id ORDER BY MAX(kev) DESC, COUNT(DISTINCT asset_id) DESC, MAX(cvss) DESC, id"
            f" LIMIT {TOP_VULNERABILITIES}",
            params,
        )
        # Severity and KEV due date belong to the vulnerability, not the finding: one row of each is
        # enough (NVD's severity where a host has it, else the container scanner's highest). The
        # products it was found in (package or program names) are those of the same findings and scope.
        named = " AND a.organization_id = :org" if organization is not None else ""
        details = {
            r[0]: (r[1], r[2], sorted(msgspec.json.decode(r[3]), key=str.lower))
            for r in await self.db.fetchall(
                "SELECT j.value,"
                " COALESCE((SELECT f.severity FROM findings f WHERE f.cve = j.value AND f.severity IS NOT NULL LIMIT 1),"
                f"  (SELECT c.severity FROM container_findings c WHERE c.vulnerability_id = j.value"
                f"   ORDER BY {_RANK_SQL.format('c.severity')} DESC LIMIT 1)),"
                " COALESCE((SELECT f.kev_due_date FROM findings f WHERE f.cve = j.value AND f.kev = 1 LIMIT 1),"
                "  (SELECT c.kev_due_date FROM container_findings c WHERE c.vulnerability_id = j.value AND c.kev = 1"
                "   LIMIT 1)),"
                " (SELECT json_group_array(DISTINCT name) FROM ("
                "   SELECT s.name AS name FROM findings f JOIN software s ON s.id = f.software_id"
                f"  JOIN assets a ON a.id = f.asset_id WHERE f.cve = j.value AND f.version_unknown = 0 AND a.presence != 'stale'{named}"
                "   UNION SELECT c.pkg_name FROM container_findings c JOIN assets a ON a.id = c.asset_id"
                f"  WHERE c.vulnerability_id = j.value AND c.resolved_at IS NULL AND {needs_action('c')}"
                f"  AND a.presence != 'stale'{named}))"
                " FROM json_each(:ids) j",
                {"ids": msgspec.json.encode([r[0] for r in top]).decode(), "org": organization},
            )
        }
        return [
            TopVulnerability(
                r[0], bool(r[1]), details[r[0]][1] if r[1] else None, r[2],
                details[r[0]][0].upper() if details[r[0]][0] else None, r[3],
                sorted(r[4].split(",")),  # type: ignore[arg-type]
                details[r[0]][2],
            )
            for r in top
        ]

    def _feed(self) -> FeedStatus:
        manifest, loaded = self.holder.manifest, self.holder.identity is not None
        now = self._clock()
        sources = []
        newest: dict[str, datetime] = {}
        for s in manifest.sources if manifest and loaded else []:
            kind = KIND_OF_FORMAT.get(s.format, s.format)
            when = parse_when(s.feed_date)
            if when and (kind not in newest or when > newest[kind]):
                newest[kind] = when
            sources.append(FeedSource(s.file, s.format, kind, s.feed_date, s.records, _age_days(when, now)))
        limit = self.settings.feed_max_age
        kinds = [
            FeedKind(
                kind,
                iso(newest[kind]) if kind in newest else None,
                _age_days(newest.get(kind), now),
                kind in newest and (now - newest[kind]).total_seconds() <= limit,
            )
            for kind in FEED_KINDS
        ]
        # The CPE dictionary changes slowly and its files often state no date, so freshness is CVEs and KEV.
        fresh = loaded and all(k.fresh for k in kinds if k.kind != "cpe")
        if manifest is None or not loaded:
            return FeedStatus(loaded, None, 0, 0, 0, False, kinds, sources)
        return FeedStatus(True, manifest.built_at, manifest.cves, manifest.products, manifest.kev, fresh, kinds, sources)

    async def _jobs(self) -> list[JobStatus]:
        records = {r.name: r for r in await job_records(self.db)}
        scheduled = self._next_runs()
        jobs = []
        for name in sorted(set(records) | set(scheduled)):
            record = records.get(name)
            when = scheduled.get(name)
            jobs.append(
                JobStatus(
                    name,
                    iso(when) if when else None,
                    record.last_run_at if record else None,
                    record.last_duration if record else None,
                    record.last_outcome if record else None,
                    record.last_error if record else None,
                    record.last_success_at if record else None,
                    jobs_in_words.TITLES.get(name),
                    jobs_in_words.advice(name, record.last_error if record and record.last_outcome == "failed" else None),
                )
            )
        return jobs

    # --- assets ---------------------------------------------------------------------------

    async def assets(self, viewer: Viewer, query: AssetQuery) -> AssetPage:
        _page(query.limit, query.offset, MAX_ASSET_PAGE)
        organization = _organization(viewer, query.organization)
        clauses: list[str] = []
        params: list[Any] = []
        if organization is not None:
            clauses.append("a.organization_id = ?")
            params.append(organization)
        if query.state is not None:
            clauses.append(f"{_STATE} = ?")
            params.append(query.state)
        if query.kev is not None:
            clauses.append("a.kev_count > 0" if query.kev else "a.kev_count = 0")
        if query.q:
            if len(query.q) > MAX_SEARCH:
                raise InvalidQuery(f"the search text has more than {MAX_SEARCH} characters", field="q")
            clauses.append(
                "(a.hostname LIKE ? ESCAPE '\\' OR a.ip_address LIKE ? ESCAPE '\\' OR a.os LIKE ? ESCAPE '\\'"
                " OR a.tags LIKE ? ESCAPE '\\')"
            )
            params += [_like(query.q)] * 4
        where = f"WHERE {' AND '.join(clauses)}" if clauses else ""
        key = query.sort.lstrip("-")
        order = _ASSET_ORDER[key].format(d="DESC" if query.sort.startswith("-") else "ASC")
        total = await self.db.fetchone(f"SELECT COUNT(*) {_ASSET_FROM} {where}", params)
        rows = await self.db.fetchall(
            f"SELECT {_ASSET_COLUMNS} {_ASSET_FROM} {where} ORDER BY {order} LIMIT ? OFFSET ?",
            [*params, query.limit, query.offset],
        )
        return AssetPage(total[0] if total else 0, query.limit, query.offset, [_asset(r) for r in rows])

    async def asset(self, viewer: Viewer, asset_id: int) -> AssetDetail:
        """One asset; an asset of another organization than a read key's is "not found", like one that does not exist."""
        row = await self.db.fetchone(
            f"SELECT {_ASSET_COLUMNS}, a.status, a.presence, a.force_full_scan, a.last_report_at, a.last_full_report_at,"
            f" a.kernel, a.agent_id {_ASSET_FROM} WHERE a.id = ?",
            (asset_id,),
        )
        if row is None or (viewer.organization_id is not None and row[2] != viewer.organization_id):
            raise AssetNotFound(f"there is no asset {asset_id}", field="asset_id")
        software = await self.db.fetchall(
            "SELECT s.id, s.name, s.version, s.vendor, s.cpe, s.match_cpe, s.match_method, s.match_score,"
            " s.match_evidence, s.unmatched_reason, s.first_seen,"
            " (SELECT COUNT(*) FROM findings f WHERE f.software_id = s.id AND f.version_unknown = 0)"
            " FROM software s WHERE s.asset_id = ? ORDER BY s.name COLLATE NOCASE, s.version, s.id",
            (asset_id,),
        )
        findings = await self.db.fetchall(
            "SELECT f.cve, f.cvss, f.severity, f.kev, f.kev_date_added, f.kev_due_date, f.kev_ransomware,"
            " f.backport_possible, f.via, f.first_seen, f.last_seen, s.id, s.name, s.version,"
            " f.fixed_version, COALESCE(f.fix_kind, 'none'), f.version_unknown"
            " FROM findings f JOIN software s ON s.id = f.software_id WHERE f.asset_id = ?"
            " ORDER BY f.version_unknown, f.kev DESC, f.cvss IS NULL, f.cvss DESC, f.cve, s.name, s.version",
            (asset_id,),
        )
        return AssetDetail(
            asset=_asset(row),
            status=row[17],
            presence=row[18],
            force_full_scan=bool(row[19]),
            last_report_at=row[20],
            last_full_report_at=row[21],
            kernel=row[22],
            agent_id=row[23],
            software=[SoftwareEntry(*r) for r in software],
            vulnerabilities=[
                HostVulnerability(r[0], r[1], r[2], bool(r[3]), r[4], r[5], r[6], bool(r[7]), *r[8:16], bool(r[16]))
                for r in findings
            ],
            containers=await self._containers(AssetId(asset_id)),
        )

    async def _containers(self, asset_id: AssetId) -> list[ContainerImage]:
        images = await self.db.fetchall(
            "SELECT i.id, i.image_name, i.image_tag, i.image_id, i.os_family, i.os_name, i.scanner, i.scanner_version,"
            " i.first_seen, i.last_scan_at FROM container_images i WHERE i.asset_id = ?",
            (asset_id,),
        )
        rows = await self.db.fetchall(
            "SELECT container_image_id, id, vulnerability_id, pkg_name, installed_version, fixed_version, target, severity,"
            " cvss, title, primary_url, kev, kev_date_added, kev_due_date, kev_ransomware, triage, triage_comment,"
            " triage_by, triage_at, first_seen, last_seen"
            " FROM container_findings WHERE asset_id = ? AND resolved_at IS NULL"
            # What needs action first: an accepted risk or false positive after every other finding.
            f" ORDER BY {needs_action()} DESC,"
            f" kev DESC, {_RANK_SQL.format('severity')} DESC, cvss IS NULL, cvss DESC, vulnerability_id,"
            " pkg_name, installed_version, target",
            (asset_id,),
        )
        by_image: dict[int, list[ContainerFinding]] = {}
        for r in rows:
            by_image.setdefault(r[0], []).append(
                ContainerFinding(*r[1:11], bool(r[11]), *r[12:])  # type: ignore[arg-type]
            )
        result = []
        for i in images:
            found = by_image.get(i[0], [])
            # Every open finding is listed with its triage; the counts are those that need action.
            acting = [f for f in found if f.triage not in SUPPRESSED]
            result.append(ContainerImage(*i, len(acting), sum(1 for f in acting if f.kev), found))  # type: ignore[arg-type]
        # Images with KEV findings first, then by their open findings, then by name.
        result.sort(key=lambda image: (-image.kev_findings, -image.open_findings, image.image_name, image.image_tag))
        return result

    # --- vulnerabilities across assets ----------------------------------------------------

    # The columns of a finding in each half of the UNION; "keys" are only what the order needs, so a
    # page is chosen by sorting narrow rows, and only that page's rows are joined to their details.
    # Host findings are one row per machine and CVE: one CVE in curl, libcurl4 and libcurl3-gnutls
    # on one machine is one thing to fix there, listed with all three packages. A group is known
    # by its smallest finding id; it is undecided (version_unknown) only when every package is.
    _HOST_KEYS = (
        "'host' AS source, MIN(f.id) AS row_id, MAX(f.kev) AS kev, MAX(f.cvss) AS cvss, f.cve AS vulnerability_id,"
        " a.hostname, MIN(f.version_unknown) AS version_unknown"
    )
    _HOST_GROUP = " GROUP BY f.asset_id, f.cve"
    _CONTAINER_KEYS = (
        "'container' AS source, c.id AS row_id, c.kev, c.cvss, c.vulnerability_id AS vulnerability_id, a.hostname,"
        " 0 AS version_unknown"
    )
    _HOST_ROW = (
        "SELECT 'host' AS source, f.asset_id, a.hostname, a.organization_id, f.cve AS vulnerability_id,"
        " MAX(f.severity) AS severity, MAX(f.cvss) AS cvss, MAX(f.kev) AS kev, MAX(f.kev_date_added) AS kev_date_added,"
        " MAX(f.kev_due_date) AS kev_due_date, MAX(f.kev_ransomware) AS kev_ransomware,"
        " json_group_array(DISTINCT s.name) AS product, json_group_array(DISTINCT s.version) AS version,"
        " json_group_array(DISTINCT COALESCE(f.fix_kind, 'none') || ' ' || COALESCE(f.fixed_version, '')) AS fixed_version,"
        " NULL AS image, MIN(f.first_seen) AS first_seen, MAX(f.last_seen) AS last_seen,"
        " MIN(f.id) AS row_id, NULL AS fix_kind, MIN(f.version_unknown) AS version_unknown"
        " FROM findings f JOIN assets a ON a.id = f.asset_id JOIN software s ON s.id = f.software_id"
    )
    _CONTAINER_ROW = (
        "SELECT 'container' AS source, c.asset_id, a.hostname, a.organization_id, c.vulnerability_id,"
        " c.severity, c.cvss, c.kev, c.kev_date_added, c.kev_due_date, c.kev_ransomware, c.pkg_name AS product,"
        " c.installed_version AS version, c.fixed_version,"
        " i.image_name || CASE WHEN i.image_tag != '' THEN ':' || i.image_tag ELSE '' END AS image,"
        " c.first_seen, c.last_seen, c.id AS row_id,"
        " CASE WHEN COALESCE(c.fixed_version, '') != '' THEN 'fixed_in' ELSE 'none' END AS fix_kind, 0 AS version_unknown"
        " FROM container_findings c JOIN assets a ON a.id = c.asset_id"
        " JOIN container_images i ON i.id = c.container_image_id"
    )
    # Findings the installed version could not decide (version_unknown) come after the certain ones.
    _VULNERABILITY_ORDER = (
        " ORDER BY version_unknown, kev DESC, cvss IS NULL, cvss DESC, vulnerability_id, hostname COLLATE NOCASE, source, row_id"
    )

    def _vulnerability_sql(self, viewer: Viewer, query: VulnerabilityQuery, *, keys_only: bool) -> tuple[str, list[Any]]:
        """The UNION of host findings and open container findings under the query's filters, unordered:
        with ``keys_only`` just the columns the order needs, else every column of a VulnerabilityRow."""
        organization = _organization(viewer, query.organization)
        common: list[str] = []
        params: list[Any] = []
        if organization is not None:
            common.append("a.organization_id = ?")
            params.append(organization)
        if not query.include_stale:
            common.append("a.presence != 'stale'")
        if query.asset is not None:
            common.append("a.id = ?")
            params.append(query.asset)
        if query.cve:
            if len(query.cve) > MAX_SEARCH:
                raise InvalidQuery(f"cve has more than {MAX_SEARCH} characters", field="cve")
            common.append("{alias}.{id} = ?")
            params.append(query.cve.upper())
        if query.kev is not None:
            common.append("{alias}.kev = ?")
            params.append(int(query.kev))
        if query.min_severity is not None:
            common.append(f"{_RANK_SQL.format('{alias}.severity')} >= ?")
            params.append(SEVERITY_RANK[query.min_severity])

        def where(alias: str, column: str, extra: list[str]) -> str:
            parts = extra + [c.format(alias=alias, id=column) for c in common]
            return f" WHERE {' AND '.join(parts)}" if parts else ""

        parts: list[str] = []
        if query.source in (None, "host"):
            head = (
                f"SELECT {self._HOST_KEYS} FROM findings f JOIN assets a ON a.id = f.asset_id"
                if keys_only else self._HOST_ROW
            )
            parts.append(head + where("f", "cve", []) + self._HOST_GROUP)
        if query.source in (None, "container"):
            head = (
                f"SELECT {self._CONTAINER_KEYS} FROM container_findings c JOIN assets a ON a.id = c.asset_id"
                if keys_only else self._CONTAINER_ROW
            )
            parts.append(head + where("c", "vulnerability_id", ["c.resolved_at IS NULL", needs_action("c")]))
        return " UNION ALL ".join(parts), params * len(parts)

    @staticmethod
    def _row(r: Any) -> VulnerabilityRow:
        product, version = r[11], r[12]
        if r[0] == "host":  # a machine's packages with this CVE, their versions and fixed versions (JSON arrays)
            product = ", ".join(sorted(msgspec.json.decode(product), key=str.lower))
            version = ", ".join(sorted(msgspec.json.decode(version)))
            # Each package's "fix_kind fixed_version"; the packages of one CVE nearly always share the
            # NVD range. When they do not, a listed version wins over none, then the highest as text
            # (the asset page lists each package's own).
            fixes = [tuple(f.split(" ", 1)) for f in msgspec.json.decode(r[13])]
            kind, fixed_version = max(fixes, key=lambda f: (f[0] != "none", f[1]))
            fix_kind, fixed_version = kind, fixed_version or None
        else:
            fixed_version, fix_kind = r[13], r[18]
        return VulnerabilityRow(
            r[0], AssetId(r[1]), r[2], OrganizationId(r[3]), r[4], r[5], r[6], bool(r[7]), r[8], r[9], r[10],
            product, version, fixed_version, *r[14:17], fix_kind=fix_kind, version_unknown=bool(r[19]),
        )

    async def vulnerabilities(self, viewer: Viewer, query: VulnerabilityQuery) -> VulnerabilityPage:
        """One page of findings across assets: KEV first, then by CVSS score, highest first."""
        _page(query.limit, query.offset, MAX_VULNERABILITY_PAGE)
        keys, params = self._vulnerability_sql(viewer, query, keys_only=True)
        total = await self.db.fetchone(f"SELECT COUNT(*) FROM ({keys})", params)
        page = await self.db.fetchall(
            f"SELECT source, row_id FROM ({keys}){self._VULNERABILITY_ORDER} LIMIT ? OFFSET ?",
            [*params, query.limit, query.offset],
        )
        wanted = {"host": [r[1] for r in page if r[0] == "host"], "container": [r[1] for r in page if r[0] == "container"]}
        found: dict[tuple[str, int], VulnerabilityRow] = {}
        selections = (
            ("host", self._HOST_ROW + " WHERE (f.asset_id, f.cve) IN (SELECT asset_id, cve FROM findings WHERE id IN ({marks}))"
             + self._HOST_GROUP),
            ("container", self._CONTAINER_ROW + " WHERE c.id IN ({marks})"),
        )
        for source, sql in selections:
            if wanted[source]:
                marks = ",".join("?" * len(wanted[source]))
                for r in await self.db.fetchall(sql.format(marks=marks), wanted[source]):
                    found[(source, r[17])] = self._row(r)
        items = [found[(r[0], r[1])] for r in page if (r[0], r[1]) in found]
        return VulnerabilityPage(total[0] if total else 0, query.limit, query.offset, items)

    async def all_vulnerabilities(self, viewer: Viewer, query: VulnerabilityQuery) -> list[VulnerabilityRow]:
        """Every finding the query selects, in the page order, for the CSV export (limit and offset do not apply)."""
        sql, params = self._vulnerability_sql(viewer, query, keys_only=False)
        rows = await self.db.fetchall(f"SELECT * FROM ({sql}){self._VULNERABILITY_ORDER}", params)
        return [self._row(r) for r in rows]

    # --- the patch plan (appliance/read/remediation.py) ------------------------------------

    async def _plan(self, viewer: Viewer, query: RemediationQuery) -> list[PlanRow]:
        organization = _organization(viewer, query.organization)
        try:
            return await remediation.plan_rows(self.db, organization, query.include_stale, self._clock().date())
        except remediation.PlanTooLarge as error:
            raise InvalidQuery(str(error), field="organization") from error

    async def remediation(self, viewer: Viewer, query: RemediationQuery) -> RemediationPlan:
        """One page of the patch plan: one row per product and target version, KEV first (see PlanRow)."""
        _page(query.limit, query.offset, remediation.MAX_PLAN_PAGE)
        rows = await self._plan(viewer, query)
        return RemediationPlan(
            self._clock().date().isoformat(), len(rows), query.limit, query.offset,
            rows[query.offset : query.offset + query.limit],
        )

    async def all_remediation(self, viewer: Viewer, query: RemediationQuery) -> list[PlanRow]:
        """The whole patch plan, for the CSV export (limit and offset do not apply)."""
        return await self._plan(viewer, query)
