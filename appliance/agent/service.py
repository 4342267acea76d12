"""The agent service: applies reports, deltas and heartbeats to the database, one transaction each."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

import aiosqlite
import msgspec

from appliance.agent.payloads import (
    AgentConfig,
    DeltaReportAccepted,
    FullReportAccepted,
    FullReportRequired,
    HeartbeatAccepted,
    HeartbeatConfig,
    HeartbeatIn,
    HostnameConflict,
    ReportIn,
    SoftwareIn,
    check_report,
)
from appliance.agent.summary import refresh_asset_summaries
from appliance.auth import OrganizationDenied, Principal
from appliance.db import Database
from appliance.ids import AssetId, OrganizationId
from appliance.matching import Matcher, MatchResult, SoftwareItem
from appliance.settings import Settings
from appliance.timeutil import iso, utc_now

# An item's identity on an asset. Vendor and CPE are attributes: a removal names only
# name and version (see the contract's delta example), so they cannot be part of the key.
ItemKey = tuple[str, str]


class Asset(msgspec.Struct, frozen=True):
    """The columns of an asset row that decide how a request applies to it."""

    id: AssetId
    organization_id: OrganizationId
    status: str
    force_full_scan: bool


def _item(software: SoftwareIn) -> SoftwareItem:
    return SoftwareItem(software.name, software.version, software.vendor or "", software.cpe)


def _unique(items: list[SoftwareIn]) -> dict[ItemKey, SoftwareItem]:
    """Items keyed by (name, version); a repeated pair keeps its first occurrence."""
    result: dict[ItemKey, SoftwareItem] = {}
    for software in items:
        result.setdefault((software.name, software.version), _item(software))
    return result


def _row(item: SoftwareItem, result: MatchResult) -> tuple:
    """The software columns that come from the item and its match, in _MATCH_COLUMNS order."""
    match = result.match
    return (
        item.vendor,
        item.cpe,
        match.cpe if match else None,
        match.method if match else None,
        match.score if match else None,
        result.reason,
        match.evidence if match else None,
    )


_MATCH_COLUMNS = "vendor, cpe, match_cpe, match_method, match_score, unmatched_reason, match_evidence"
_INSERT_SOFTWARE = (
    f"INSERT INTO software (asset_id, name, version, {_MATCH_COLUMNS}, first_seen)"
    " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
)
_UPDATE_SOFTWARE = (
    "UPDATE software SET vendor = ?, cpe = ?, match_cpe = ?, match_method = ?, match_score = ?,"
    " unmatched_reason = ?, match_evidence = ? WHERE id = ?"
)


async def sync_findings(tx: aiosqlite.Connection, asset_id: AssetId, results: dict[int, MatchResult], now: str) -> None:
    """Make the findings of the given software rows equal their match results.

    Findings that stay keep their first_seen and get last_seen = now; new ones start now;
    vanished ones are deleted. Rows not named in ``results`` are left alone.
    """
    if not results:
        return
    existing: dict[tuple[int, str], int] = {}
    ids = list(results)
    for start in range(0, len(ids), 500):
        chunk = ids[start : start + 500]
        rows = await tx.execute_fetchall(
            f"SELECT id, software_id, cve FROM findings WHERE software_id IN ({','.join('?' * len(chunk))})", chunk
        )
        existing.update({(r[1], r[2]): r[0] for r in rows})
    wanted = {
        (software_id, v.cve): v for software_id, result in results.items() for v in result.vulnerabilities
    }
    await tx.executemany("DELETE FROM findings WHERE id = ?", [(existing[k],) for k in existing.keys() - wanted.keys()])
    await tx.executemany(
        "INSERT INTO findings (asset_id, software_id, cve, cvss, severity, kev, kev_date_added, kev_due_date,"
        " kev_ransomware, backport_possible, via, first_seen, last_seen) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        [
            (asset_id, key[0], v.cve, v.cvss, v.severity, int(v.kev), v.kev_date_added, v.kev_due_date,
             v.kev_ransomware, int(v.backport_possible), v.via, now, now)
            for key, v in sorted(wanted.items()) if key not in existing
        ],
    )
    await tx.executemany(
        "UPDATE findings SET cvss = ?, severity = ?, kev = ?, kev_date_added = ?, kev_due_date = ?,"
        " kev_ransomware = ?, backport_possible = ?, via = ?, last_seen = ? WHERE id = ?",
        [
            (v.cvss, v.severity, int(v.kev), v.kev_date_added, v.kev_due_date, v.kev_ransomware,
             int(v.backport_possible), v.via, now, existing[key])
            for key, v in sorted(wanted.items()) if key in existing
        ],
    )


async def count_vulnerabilities(tx: aiosqlite.Connection, asset_id: AssetId) -> int:
    row = await (await tx.execute("SELECT COUNT(DISTINCT cve) FROM findings WHERE asset_id = ?", (asset_id,))).fetchone()
    return int(row[0]) if row else 0


def organization_of(principal: Principal, requested: int | None) -> OrganizationId:
    """The key's organization; a different ``organization_id`` in the body is refused (403)."""
    if requested is not None and requested != principal.organization_id:
        raise OrganizationDenied(
            f"this API key belongs to organization {principal.organization_id}, not {requested}",
            field="organization_id",
        )
    return principal.organization_id


async def find_asset(tx: aiosqlite.Connection, hostname: str, organization: OrganizationId) -> Asset | None:
    """The asset with this hostname (compared without case), or None; HostnameConflict if another organization has it."""
    row = await (
        await tx.execute(
            "SELECT id, organization_id, status, force_full_scan FROM assets WHERE hostname = ?", (hostname,)
        )
    ).fetchone()
    if row is None:
        return None
    asset = Asset(AssetId(row[0]), OrganizationId(row[1]), row[2], bool(row[3]))
    if asset.organization_id != organization:
        raise HostnameConflict(
            f"hostname {hostname!r} is already registered in another organization", field="hostname"
        )
    return asset


async def register_pending(
    tx: aiosqlite.Connection, hostname: str, organization: OrganizationId, now: str, agent_version: str | None
) -> AssetId:
    """Register a hostname the server has not seen as a pending asset that awaits its first full report."""
    cursor = await tx.execute(
        "INSERT INTO assets (organization_id, hostname, status, force_full_scan, first_seen, last_seen, agent_version)"
        " VALUES (?, ?, 'pending', 1, ?, ?, ?)",
        (organization, hostname, now, now, agent_version),
    )
    return AssetId(cursor.lastrowid or 0)


class AgentService:
    """What the agent endpoints do; controllers only decode, call one method and return its answer."""

    def __init__(
        self,
        db: Database,
        matcher: Callable[[], Matcher],
        settings: Settings,
        clock: Callable[[], datetime] = utc_now,
    ) -> None:
        self.db = db
        self._matcher = matcher  # a callable, so a feed refresh can swap the matcher in place
        self.settings = settings
        self._clock = clock

    async def submit(self, principal: Principal, report: ReportIn, client_ip: str | None) -> FullReportAccepted | DeltaReportAccepted:
        """Apply a full or delta report; raises PayloadError, OrganizationDenied or HostnameConflict and writes nothing."""
        check_report(report, self.settings.max_items)
        organization = organization_of(principal, report.organization_id)
        if report.delta:
            return await self._delta(organization, report, client_ip)
        return await self._full(organization, report, client_ip)

    async def _full(self, organization: OrganizationId, report: ReportIn, client_ip: str | None) -> FullReportAccepted:
        items = _unique(report.software or [])
        # Matching is CPU work: do it before taking the write lock.
        results = dict(zip(items, self._matcher().match(list(items.values()), report.os or "Unknown")))
        now = iso(self._clock())
        async with self.db.transaction() as tx:
            asset = await find_asset(tx, report.hostname, organization)
            fields = (report.os or "Unknown", report.ip_address or client_ip, msgspec.json.encode(report.tags or []).decode())
            if asset is None:
                cursor = await tx.execute(
                    "INSERT INTO assets (organization_id, hostname, os, ip_address, tags, agent_version, status,"
                    " force_full_scan, first_seen, last_seen, last_full_report_at, last_report_at)"
                    " VALUES (?, ?, ?, ?, ?, ?, 'active', 0, ?, ?, ?, ?)",
                    (organization, report.hostname, *fields, report.agent_version, now, now, now, now),
                )
                asset_id, first_full = AssetId(cursor.lastrowid or 0), True
            else:
                first_full = asset.status == "pending"
                asset_id = asset.id
                await tx.execute(
                    "UPDATE assets SET os = ?, ip_address = ?, tags = ?, agent_version = COALESCE(?, agent_version),"
                    " status = 'active', presence = 'online', force_full_scan = 0, last_seen = ?, last_full_report_at = ?,"
                    " last_report_at = ?"
                    " WHERE id = ?",
                    (*fields, report.agent_version, now, now, now, asset_id),
                )
            stored = {
                (r[1], r[2]): r
                for r in await tx.execute_fetchall(
                    f"SELECT id, name, version, {_MATCH_COLUMNS} FROM software WHERE asset_id = ?",
                    (asset_id,),
                )
            }
            removed = [stored[key] for key in sorted(stored.keys() - items.keys())]
            added = [key for key in items if key not in stored]
            changed = [
                (*_row(items[key], results[key]), stored[key][0])
                for key in sorted(items.keys() & stored.keys())
                if tuple(stored[key][3:]) != _row(items[key], results[key])
            ]
            await tx.executemany("DELETE FROM software WHERE id = ?", [(r[0],) for r in removed])
            await tx.executemany(_INSERT_SOFTWARE, [(asset_id, *key, *_row(items[key], results[key]), now) for key in added])
            await tx.executemany(_UPDATE_SOFTWARE, changed)
            ids = {
                (r[1], r[2]): r[0]
                for r in await tx.execute_fetchall("SELECT id, name, version FROM software WHERE asset_id = ?", (asset_id,))
            }
            await sync_findings(tx, asset_id, {ids[key]: results[key] for key in items}, now)
            vulnerabilities = await count_vulnerabilities(tx, asset_id)
            await refresh_asset_summaries(tx, [asset_id])
            # The first full report of an asset is its baseline, not a change worth a history row each.
            if not first_full:
                await self._record_changes(
                    tx, asset_id, now,
                    added=[items[key] for key in added],
                    removed=[SoftwareItem(r[1], r[2], r[3]) for r in removed],
                )
        return FullReportAccepted(
            asset_id=asset_id,
            hostname=report.hostname,
            products_processed=len(items),
            products_matched=sum(1 for result in results.values() if result.match is not None),
            vulnerabilities_found=vulnerabilities,
            products_added=len(added),
            products_removed=len(removed),
        )

    async def _record_changes(self, tx: aiosqlite.Connection, asset_id: AssetId, now: str, *, added: list[SoftwareItem], removed: list[SoftwareItem]) -> None:
        await tx.executemany(
            "INSERT INTO software_changes (asset_id, at, change, name, version, vendor) VALUES (?, ?, ?, ?, ?, ?)",
            [(asset_id, now, "added", i.name, i.version, i.vendor) for i in added]
            + [(asset_id, now, "removed", i.name, i.version, i.vendor) for i in removed],
        )

    async def _delta(self, organization: OrganizationId, report: ReportIn, client_ip: str | None) -> DeltaReportAccepted:
        additions = _unique(report.software_added or [])
        removals = _unique(report.software_removed or [])
        results = dict(zip(additions, self._matcher().match(list(additions.values()), report.os or "Unknown")))
        now = iso(self._clock())
        async with self.db.transaction() as tx:
            asset = await find_asset(tx, report.hostname, organization)
            if asset is None:
                await register_pending(tx, report.hostname, organization, now, report.agent_version)
            if asset is None or asset.status == "pending":
                pending = True
            else:
                pending = False
                stored = {
                    (r[1], r[2]): r
                    for r in await tx.execute_fetchall(
                        "SELECT id, name, version, vendor FROM software WHERE asset_id = ?", (asset.id,)
                    )
                }
                # Removals first, so a delta that removes and re-adds the same item ends with it present.
                gone = [stored.pop(key) for key in removals if key in stored]
                not_found = len(removals) - len(gone)
                new = [key for key in additions if key not in stored]
                already = len(additions) - len(new)
                diverged = bool(not_found or already)
                await tx.executemany("DELETE FROM software WHERE id = ?", [(r[0],) for r in gone])
                await tx.executemany(_INSERT_SOFTWARE, [(asset.id, *key, *_row(additions[key], results[key]), now) for key in new])
                if new:
                    ids = {
                        (r[1], r[2]): r[0]
                        for r in await tx.execute_fetchall(
                            "SELECT id, name, version FROM software WHERE asset_id = ?", (asset.id,)
                        )
                    }
                    await sync_findings(tx, asset.id, {ids[key]: results[key] for key in new}, now)
                vulnerabilities = await count_vulnerabilities(tx, asset.id)
                await refresh_asset_summaries(tx, [asset.id])
                await self._record_changes(
                    tx, asset.id, now,
                    added=[additions[key] for key in new],
                    removed=[SoftwareItem(r[1], r[2], r[3]) for r in gone],
                )
                await tx.execute(
                    "UPDATE assets SET last_seen = ?, last_report_at = ?, presence = 'online', os = COALESCE(?, os),"
                    " ip_address = COALESCE(?, ip_address, ?), agent_version = COALESCE(?, agent_version),"
                    " force_full_scan = MAX(force_full_scan, ?) WHERE id = ?",
                    (now, now, report.os, report.ip_address, client_ip, report.agent_version, int(diverged), asset.id),
                )
        if pending:
            # The pending registration above is committed on purpose: from now on the asset's
            # config tells the agent to send a full report.
            raise FullReportRequired(
                f"no full report has been received for {report.hostname!r}; send a full report first",
                field="hostname",
            )
        return DeltaReportAccepted(
            asset_id=asset.id,
            products_added=len(new),
            products_removed=len(gone),
            vulnerabilities_found=vulnerabilities,
            products_already_present=already,
            products_not_found=not_found,
            force_full_scan=diverged or asset.force_full_scan,
        )

    async def reevaluate(self, batch: int = 200) -> int:
        """Match every asset's stored software again (after a feed change); returns the assets updated.

        Identification and CVE results are cached per distinct (product, version, platform)
        inside the matcher, so 10,000 assets sharing software cost one evaluation each.
        """
        matcher = self._matcher()
        asset_ids = [r[0] for r in await self.db.fetchall("SELECT id FROM assets WHERE status = 'active' ORDER BY id")]
        for start in range(0, len(asset_ids), batch):
            now = iso(self._clock())
            async with self.db.transaction() as tx:
                for asset_id in asset_ids[start : start + batch]:
                    await self._reevaluate_asset(tx, matcher, AssetId(asset_id), now)
        return len(asset_ids)

    async def _reevaluate_asset(self, tx: aiosqlite.Connection, matcher: Matcher, asset_id: AssetId, now: str) -> None:
        row = await (await tx.execute("SELECT os FROM assets WHERE id = ?", (asset_id,))).fetchone()
        if row is None:
            return  # deleted meanwhile
        rows = await tx.execute_fetchall(
            f"SELECT id, name, version, {_MATCH_COLUMNS} FROM software WHERE asset_id = ? ORDER BY id", (asset_id,)
        )
        items = [SoftwareItem(r[1], r[2], r[3], r[4]) for r in rows]
        results = matcher.match(items, row[0])
        await tx.executemany(
            _UPDATE_SOFTWARE,
            [(*_row(item, result), r[0]) for r, item, result in zip(rows, items, results) if tuple(r[3:]) != _row(item, result)],
        )
        await sync_findings(tx, asset_id, {r[0]: result for r, result in zip(rows, results)}, now)
        await refresh_asset_summaries(tx, [asset_id])

    async def heartbeat(self, principal: Principal, beat: HeartbeatIn) -> HeartbeatAccepted:
        """Record that the agent is alive; an unknown hostname is registered as pending, awaiting a full report."""
        now = iso(self._clock())
        async with self.db.transaction() as tx:
            asset = await find_asset(tx, beat.hostname, principal.organization_id)
            if asset is None:
                asset_id = await register_pending(tx, beat.hostname, principal.organization_id, now, beat.agent_version)
                force = True
            else:
                asset_id, force = asset.id, asset.force_full_scan
                await tx.execute(
                    "UPDATE assets SET last_seen = ?, presence = 'online', agent_version = COALESCE(?, agent_version) WHERE id = ?",
                    (now, beat.agent_version, asset_id),
                )
        return HeartbeatAccepted(
            asset_id=asset_id,
            server_time=now,
            config=HeartbeatConfig(self.settings.scan_interval, self.settings.include_updates, force),
        )

    async def config(self, principal: Principal, hostname: str | None) -> AgentConfig:
        """The agent configuration; with a hostname, ``force_full_scan`` says whether that asset needs a full report."""
        force = False
        if hostname is not None:
            row = await self.db.fetchone(
                "SELECT organization_id, force_full_scan FROM assets WHERE hostname = ?", (hostname,)
            )
            if row is not None and row[0] != principal.organization_id:
                raise HostnameConflict(
                    f"hostname {hostname!r} is already registered in another organization", field="hostname"
                )
            # An asset the server has never seen has no software list yet: ask for a full scan.
            force = row is None or bool(row[1])
        s = self.settings
        return AgentConfig(s.scan_interval, s.include_updates, s.include_services, s.minimum_agent_version, force)
