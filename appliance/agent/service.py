"""The agent service: applies reports, deltas and heartbeats to the database, one transaction each."""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from datetime import datetime, timedelta

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
    check_hostname,
    check_report,
)
from appliance.agent.legacy import commands_answer
from appliance.agent.summary import refresh_summaries
from appliance.alerts import outbox
from appliance.alerts.base import AlertRules
from appliance.auth import OrganizationDenied, Principal
from appliance.db import Database
from appliance.db.database import in_writer
from appliance.ids import ApiKeyId, AssetId, OrganizationId
from appliance.matching import Matcher, MatchResult, SoftwareItem
from appliance.matching.base import Vulnerability
from appliance.settings import Settings
from appliance.timeutil import iso, utc_now

# An item's identity on an asset. Vendor and CPE are attributes: a removal names only
# name and version (see the contract's delta example), so they cannot be part of the key.
ItemKey = tuple[str, str]

# Heartbeat write-behind (see AgentService): how recent a stored last_seen must be for a
# heartbeat to refresh it in memory only, and how often those times are written.
HEARTBEAT_WRITE_BEHIND_SECONDS = 20
HEARTBEAT_FLUSH_SECONDS = 10


class Asset(msgspec.Struct, frozen=True):
    """The columns of an asset row that decide how a request applies to it."""

    id: AssetId
    organization_id: OrganizationId
    status: str
    force_full_scan: bool


def _item(software: SoftwareIn) -> SoftwareItem:
    return SoftwareItem(software.name, software.version, software.vendor or "", software.cpe, software.source or "",
                        software.bundle_id or "", software.source_package or "")


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
        item.source,
        item.bundle_id,
        item.source_package,
        match.cpe if match else None,
        match.method if match else None,
        match.score if match else None,
        result.reason,
        match.evidence if match else None,
    )


_MATCH_COLUMNS = (
    "vendor, cpe, source, bundle_id, source_package, match_cpe, match_method, match_score, unmatched_reason, match_evidence"
)
_INSERT_SOFTWARE = (
    f"INSERT INTO software (asset_id, name, version, {_MATCH_COLUMNS}, first_seen)"
    f" VALUES ({', '.join('?' * (len(_MATCH_COLUMNS.split(',')) + 4))})"
)
_UPDATE_SOFTWARE = (
    f"UPDATE software SET {', '.join(c.strip() + ' = ?' for c in _MATCH_COLUMNS.split(','))} WHERE id = ?"
)


def _stored_item(row: tuple) -> SoftwareItem:
    """The item of a ``SELECT id, name, version, {_MATCH_COLUMNS}`` row: its name, version, vendor,
    CPE and hints (source, bundle_id, source_package), as the report gave them."""
    return SoftwareItem(*row[1:8])


_FINDING_COLUMNS = (
    "cvss", "severity", "kev", "kev_date_added", "kev_due_date", "kev_ransomware", "backport_possible", "via",
    "fixed_version", "fix_kind", "version_unknown",
)
_FINDING_VALUES = ", ".join(_FINDING_COLUMNS)
_UNKNOWN = _FINDING_COLUMNS.index("version_unknown")


def _finding_values(v: Vulnerability) -> tuple:
    """A finding's stored attributes, in _FINDING_COLUMNS order."""
    return (v.cvss, v.severity, int(v.kev), v.kev_date_added, v.kev_due_date, v.kev_ransomware,
            int(v.backport_possible), v.via, v.fixed_version, v.fix_kind, int(v.version_unknown))


def sync_findings(
    conn: sqlite3.Connection, asset_id: AssetId, results: dict[int, MatchResult], now: str, rules: AlertRules | None = None
) -> None:
    """Make the findings of the given software rows equal their match results.

    Findings that stay keep their first_seen and get last_seen = now; new ones start now;
    vanished ones are deleted. Rows not named in ``results`` are left alone. Findings whose
    attributes did not change only get last_seen, in one statement per 500. With alert
    ``rules`` enabled, findings new to the asset as KEV or at or above the CVSS threshold are
    recorded in the alert outbox, in this same transaction.
    """
    if not results:
        return
    existing: dict[tuple[int, str], tuple] = {}
    ids = list(results)
    for start in range(0, len(ids), 500):
        chunk = ids[start : start + 500]
        rows = conn.execute(
            f"SELECT software_id, cve, id, {_FINDING_VALUES} FROM findings"
            f" WHERE software_id IN ({','.join('?' * len(chunk))})", chunk
        ).fetchall()
        existing.update({(r[0], r[1]): r[2:] for r in rows})
    wanted = {
        (software_id, v.cve): _finding_values(v) for software_id, result in results.items() for v in result.vulnerabilities
    }
    if rules is not None and rules.enabled:
        _record_alerts(conn, asset_id, wanted, existing, rules.cvss_threshold, now)
    conn.executemany("DELETE FROM findings WHERE id = ?", [(existing[k][0],) for k in existing.keys() - wanted.keys()])
    conn.executemany(
        f"INSERT INTO findings (asset_id, software_id, cve, {_FINDING_VALUES}, first_seen, last_seen)"
        f" VALUES ({', '.join('?' * (len(_FINDING_COLUMNS) + 5))})",
        [(asset_id, *key, *values, now, now) for key, values in sorted(wanted.items()) if key not in existing],
    )
    kept = sorted(wanted.keys() & existing.keys())
    conn.executemany(
        f"UPDATE findings SET {', '.join(c + ' = ?' for c in _FINDING_COLUMNS)}, last_seen = ? WHERE id = ?",
        [(*wanted[key], now, existing[key][0]) for key in kept if existing[key][1:] != wanted[key]],
    )
    same = [existing[key][0] for key in kept if existing[key][1:] == wanted[key]]
    for start in range(0, len(same), 500):
        chunk = same[start : start + 500]
        conn.execute(f"UPDATE findings SET last_seen = ? WHERE id IN ({','.join('?' * len(chunk))})", (now, *chunk))


def _record_alerts(
    conn: sqlite3.Connection, asset_id: AssetId, wanted: dict[tuple[int, str], tuple], existing: dict[tuple[int, str], tuple],
    threshold: float, now: str,
) -> None:
    """Findings that may be news (KEV or at or above the threshold, and not already so in the
    same row) go to the outbox, which checks them against the asset's other rows; a report
    that changes nothing alertable costs this loop only. A finding the installed version could
    not decide (version_unknown: it may apply) is not counted anywhere, and is not alerted
    either; when a later report decides it, it is news then."""
    candidates: dict[str, outbox.Candidate] = {}
    for key, values in wanted.items():
        if values[_UNKNOWN]:
            continue
        cvss, kev = values[0], bool(values[2])
        old = existing.get(key)
        if old is not None and old[_UNKNOWN + 1]:  # (a stored row is id, *_FINDING_COLUMNS): it was only "may apply"
            old = None
        if outbox.news(kev, cvss, bool(old[3]) if old else False, old[1] if old else None, threshold) is None:
            continue  # not alertable, or this very row was already KEV, or already high and still not KEV
        previous = candidates.get(key[1])
        if previous is None or (kev and not previous[0]):
            candidates[key[1]] = (kev, cvss, values[4], key[0])
    if candidates:
        outbox.record_findings(conn, asset_id, candidates, threshold, now)


def count_vulnerabilities(conn: sqlite3.Connection, asset_id: AssetId) -> int:
    # Findings with version_unknown may apply but are not certain: they are not counted.
    row = conn.execute(
        "SELECT COUNT(DISTINCT cve) FROM findings WHERE asset_id = ? AND version_unknown = 0", (asset_id,)
    ).fetchone()
    return int(row[0]) if row else 0


def organization_of(principal: Principal, requested: int | None) -> OrganizationId:
    """The key's organization; a different ``organization_id`` in the body is refused (403)."""
    if requested is not None and requested != principal.organization_id:
        raise OrganizationDenied(
            f"this API key belongs to organization {principal.organization_id}, not {requested}",
            field="organization_id",
        )
    return principal.organization_id


def lookup_asset(conn: sqlite3.Connection, hostname: str, organization: OrganizationId) -> Asset | None:
    """The organization's asset with this hostname (compared without case), or None, for a write.

    A hostname is claimed only by a full report: another organization's *active* asset raises
    HostnameConflict, but its *pending* asset (registered by a heartbeat, delta or container
    scan, never confirmed by a full report) claims nothing. It is deleted here, inside the
    caller's write transaction, and the hostname is treated as unknown; so no organization can
    squat another's hostnames with heartbeats (issue 13, docs/hostnames.md).
    """
    row = conn.execute(
        "SELECT id, organization_id, status, force_full_scan FROM assets WHERE hostname = ?", (hostname,)
    ).fetchone()
    if row is None:
        return None
    asset = Asset(AssetId(row[0]), OrganizationId(row[1]), row[2], bool(row[3]))
    if asset.organization_id != organization:
        if asset.status == "pending":
            conn.execute("DELETE FROM assets WHERE id = ?", (asset.id,))
            return None
        raise _conflict(hostname)
    return asset


def _conflict(hostname: str) -> HostnameConflict:
    return HostnameConflict(f"hostname {hostname!r} is already registered in another organization", field="hostname")


def insert_pending(
    conn: sqlite3.Connection, hostname: str, organization: OrganizationId, now: str, agent_version: str | None,
    key_id: ApiKeyId | None = None,
) -> AssetId:
    """Register a hostname the server has not seen as a pending asset that awaits its first full report."""
    cursor = conn.execute(
        "INSERT INTO assets (organization_id, hostname, status, force_full_scan, first_seen, last_seen, agent_version,"
        " api_key_id) VALUES (?, ?, 'pending', 1, ?, ?, ?, ?)",
        (organization, hostname, now, now, agent_version, key_id),
    )
    return AssetId(cursor.lastrowid or 0)


async def find_asset(tx: aiosqlite.Connection, hostname: str, organization: OrganizationId) -> Asset | None:
    """lookup_asset inside a ``Database.transaction()`` block."""
    return await in_writer(tx, lookup_asset, hostname, organization)


async def register_pending(
    tx: aiosqlite.Connection, hostname: str, organization: OrganizationId, now: str, agent_version: str | None,
    key_id: ApiKeyId | None = None,
) -> AssetId:
    """insert_pending inside a ``Database.transaction()`` block."""
    return await in_writer(tx, insert_pending, hostname, organization, now, agent_version, key_id)


def _store_full(
    conn: sqlite3.Connection, principal: Principal, report: ReportIn, client_ip: str | None,
    items: dict[ItemKey, SoftwareItem], results: dict[ItemKey, MatchResult], now: str, rules: AlertRules | None = None,
) -> tuple[AssetId, int, int, int]:
    """A full report's writes (in the writer's thread): the asset, its software list, findings and changes.

    Returns the asset id, the items added and removed, and the asset's distinct CVEs.
    """
    organization = principal.organization_id
    asset = lookup_asset(conn, report.hostname, organization)
    fields = (report.os or "Unknown", report.ip_address or client_ip, msgspec.json.encode(report.tags or []).decode())
    agent = (report.agent_version, report.kernel, report.agent_id)
    if asset is None:
        cursor = conn.execute(
            "INSERT INTO assets (organization_id, hostname, os, ip_address, tags, agent_version, kernel, agent_id,"
            " status, force_full_scan, first_seen, last_seen, last_full_report_at, last_report_at, api_key_id)"
            " VALUES (?, ?, ?, ?, ?, ?, ?, ?, 'active', 0, ?, ?, ?, ?, ?)",
            (organization, report.hostname, *fields, *agent, now, now, now, now, principal.key_id),
        )
        asset_id, first_full = AssetId(cursor.lastrowid or 0), True
    else:
        first_full = asset.status == "pending"
        asset_id = asset.id
        conn.execute(
            "UPDATE assets SET os = ?, ip_address = ?, tags = ?, agent_version = COALESCE(?, agent_version),"
            " kernel = COALESCE(?, kernel), agent_id = COALESCE(?, agent_id),"
            " status = 'active', presence = 'online', force_full_scan = 0, last_seen = ?, last_full_report_at = ?,"
            " last_report_at = ?, api_key_id = ?"
            " WHERE id = ?",
            (*fields, *agent, now, now, now, principal.key_id, asset_id),
        )
    stored = {
        (r[1], r[2]): r
        for r in conn.execute(f"SELECT id, name, version, {_MATCH_COLUMNS} FROM software WHERE asset_id = ?", (asset_id,))
    }
    rows = {key: _row(items[key], results[key]) for key in items}
    removed = [stored[key] for key in sorted(stored.keys() - items.keys())]
    added = [key for key in items if key not in stored]
    changed = [(*rows[key], stored[key][0]) for key in sorted(items.keys() & stored.keys()) if stored[key][3:] != rows[key]]
    conn.executemany("DELETE FROM software WHERE id = ?", [(r[0],) for r in removed])
    conn.executemany(_INSERT_SOFTWARE, [(asset_id, *key, *rows[key], now) for key in added])
    conn.executemany(_UPDATE_SOFTWARE, changed)
    ids = {key: r[0] for key, r in stored.items() if key in items}
    if added:
        ids.update(
            ((r[1], r[2]), r[0])
            for r in conn.execute("SELECT id, name, version FROM software WHERE asset_id = ? AND first_seen = ?", (asset_id, now))
        )
    sync_findings(conn, asset_id, {ids[key]: results[key] for key in items}, now, rules)
    vulnerabilities = count_vulnerabilities(conn, asset_id)
    refresh_summaries(conn, [asset_id])
    # The first full report of an asset is its baseline, not a change worth a history row each.
    if not first_full:
        record_changes(
            conn, asset_id, now,
            added=[items[key] for key in added],
            removed=[SoftwareItem(r[1], r[2], r[3]) for r in removed],
        )
    return asset_id, len(added), len(removed), vulnerabilities


def record_changes(conn: sqlite3.Connection, asset_id: AssetId, now: str, *, added: list[SoftwareItem], removed: list[SoftwareItem]) -> None:
    conn.executemany(
        "INSERT INTO software_changes (asset_id, at, change, name, version, vendor) VALUES (?, ?, ?, ?, ?, ?)",
        [(asset_id, now, "added", i.name, i.version, i.vendor) for i in added]
        + [(asset_id, now, "removed", i.name, i.version, i.vendor) for i in removed],
    )


class DeltaOutcome(msgspec.Struct, frozen=True):
    """What a delta's writes did; ``pending`` means the host has no full report yet."""

    pending: bool
    asset: Asset | None = None
    added: int = 0
    removed: int = 0
    vulnerabilities: int = 0
    already: int = 0
    not_found: int = 0
    diverged: bool = False


def _store_delta(
    conn: sqlite3.Connection, principal: Principal, report: ReportIn, client_ip: str | None,
    additions: dict[ItemKey, SoftwareItem], removals: dict[ItemKey, SoftwareItem],
    results: dict[ItemKey, MatchResult], now: str, rules: AlertRules | None = None,
) -> DeltaOutcome:
    """A delta's writes (in the writer's thread); an unknown hostname is registered as pending."""
    organization = principal.organization_id
    asset = lookup_asset(conn, report.hostname, organization)
    if asset is None:
        insert_pending(conn, report.hostname, organization, now, report.agent_version, principal.key_id)
    if asset is None or asset.status == "pending":
        return DeltaOutcome(pending=True)
    # Only the named items are looked up (by the (asset_id, name, version) index), not the whole list.
    stored = {key: row for key in removals.keys() | additions.keys() if (row := _software_row(conn, asset.id, key))}
    # Removals first, so a delta that removes and re-adds the same item ends with it present.
    gone = [stored.pop(key) for key in removals if key in stored]
    not_found = len(removals) - len(gone)
    new = [key for key in additions if key not in stored]
    already = len(additions) - len(new)
    diverged = bool(not_found or already)
    conn.executemany("DELETE FROM software WHERE id = ?", [(r[0],) for r in gone])
    ids = {}
    for key in new:
        cursor = conn.execute(_INSERT_SOFTWARE, (asset.id, *key, *_row(additions[key], results[key]), now))
        ids[key] = cursor.lastrowid
    if new:
        sync_findings(conn, asset.id, {ids[key]: results[key] for key in new}, now, rules)
    vulnerabilities = count_vulnerabilities(conn, asset.id)
    refresh_summaries(conn, [asset.id])
    record_changes(
        conn, asset.id, now,
        added=[additions[key] for key in new],
        removed=[SoftwareItem(r[1], r[2], r[3]) for r in gone],
    )
    conn.execute(
        "UPDATE assets SET last_seen = ?, last_report_at = ?, presence = 'online', os = COALESCE(?, os),"
        " ip_address = COALESCE(?, ip_address, ?), agent_version = COALESCE(?, agent_version),"
        " force_full_scan = MAX(force_full_scan, ?), api_key_id = ? WHERE id = ?",
        (now, now, report.os, report.ip_address, client_ip, report.agent_version, int(diverged), principal.key_id, asset.id),
    )
    return DeltaOutcome(False, asset, len(new), len(gone), vulnerabilities, already, not_found, diverged)


def _software_row(conn: sqlite3.Connection, asset_id: AssetId, key: ItemKey) -> tuple | None:
    return conn.execute(
        "SELECT id, name, version, vendor FROM software WHERE asset_id = ? AND name = ? AND version = ?", (asset_id, *key)
    ).fetchone()


def _store_reevaluated(
    conn: sqlite3.Connection, asset_id: AssetId, rows: list[tuple], results: list[MatchResult], now: str,
    rules: AlertRules | None = None,
) -> None:
    items = [_stored_item(r) for r in rows]
    conn.executemany(
        _UPDATE_SOFTWARE,
        [(*_row(item, result), r[0]) for r, item, result in zip(rows, items, results) if tuple(r[3:]) != _row(item, result)],
    )
    sync_findings(conn, asset_id, {r[0]: result for r, result in zip(rows, results)}, now, rules)
    refresh_summaries(conn, [asset_id])


class AgentService:
    """What the agent endpoints do; controllers only decode, call one method and return its answer.

    Heartbeats of known, online hosts whose last_seen is recent are not written one by one:
    their time is kept in memory and written in one transaction every
    HEARTBEAT_FLUSH_SECONDS (and at shutdown, and before the expiry job runs). Everything a
    heartbeat changes besides that time (a new host, a new agent version, a host coming back
    online, a last_seen older than the write-behind window) is written before the answer.
    """

    def __init__(
        self,
        db: Database,
        matcher: Callable[[], Matcher],
        settings: Settings,
        clock: Callable[[], datetime] = utc_now,
        alert_rules: Callable[[], AlertRules] | None = None,
    ) -> None:
        self.db = db
        # What alert events to record with the findings; a callable, as the Alerts page may change it.
        self._alert_rules = alert_rules or AlertRules
        self._matcher = matcher  # a callable, so a feed refresh can swap the matcher in place
        self.settings = settings
        self._clock = clock
        self._seen: dict[AssetId, str] = {}  # heartbeat times not written yet
        # A last_seen younger than this is refreshed in memory only; never more than a tenth
        # of offline_after, so write-behind cannot make a host look offline.
        self._write_behind = timedelta(seconds=min(HEARTBEAT_WRITE_BEHIND_SECONDS, settings.offline_after / 10))

    async def submit(self, principal: Principal, report: ReportIn, client_ip: str | None) -> FullReportAccepted | DeltaReportAccepted:
        """Apply a full or delta report; raises PayloadError, OrganizationDenied or HostnameConflict and writes nothing."""
        check_report(report, self.settings.max_items)
        organization_of(principal, report.organization_id)
        if report.delta:
            return await self._delta(principal, report, client_ip)
        return await self._full(principal, report, client_ip)

    async def _full(self, principal: Principal, report: ReportIn, client_ip: str | None) -> FullReportAccepted:
        items = _unique(report.software or [])
        # Matching is CPU work: do it before taking the write lock.
        results = dict(zip(items, self._matcher().match(list(items.values()), report.os or "Unknown")))
        now, rules = iso(self._clock()), self._alert_rules()
        asset_id, added, removed, vulnerabilities = await self.db.run(
            lambda conn: _store_full(conn, principal, report, client_ip, items, results, now, rules)
        )
        return FullReportAccepted(
            asset_id=asset_id,
            hostname=report.hostname,
            products_processed=len(items),
            products_matched=sum(1 for result in results.values() if result.match is not None),
            vulnerabilities_found=vulnerabilities,
            products_added=added,
            products_removed=removed,
        )

    async def _delta(self, principal: Principal, report: ReportIn, client_ip: str | None) -> DeltaReportAccepted:
        additions = _unique(report.software_added or [])
        removals = _unique(report.software_removed or [])
        results = dict(zip(additions, self._matcher().match(list(additions.values()), report.os or "Unknown")))
        now, rules = iso(self._clock()), self._alert_rules()
        outcome = await self.db.run(
            lambda conn: _store_delta(conn, principal, report, client_ip, additions, removals, results, now, rules)
        )
        if outcome.pending or outcome.asset is None:
            # The pending registration is committed on purpose: from now on the asset's
            # config tells the agent to send a full report.
            raise FullReportRequired(
                f"no full report has been received for {report.hostname!r}; send a full report first",
                field="hostname",
            )
        return DeltaReportAccepted(
            asset_id=outcome.asset.id,
            products_added=outcome.added,
            products_removed=outcome.removed,
            vulnerabilities_found=outcome.vulnerabilities,
            products_already_present=outcome.already,
            products_not_found=outcome.not_found,
            force_full_scan=outcome.diverged or outcome.asset.force_full_scan,
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
        results = matcher.match([_stored_item(r) for r in rows], row[0])
        await in_writer(tx, _store_reevaluated, asset_id, list(rows), results, now, self._alert_rules())

    async def heartbeat(self, principal: Principal, beat: HeartbeatIn) -> HeartbeatAccepted:
        """Record that the agent is alive; an unknown hostname is registered as pending, awaiting a full report."""
        moment = self._clock()
        now = iso(moment)
        row = await self.db.fetchone(
            "SELECT id, organization_id, force_full_scan, presence, agent_version, last_seen FROM assets WHERE hostname = ?",
            (beat.hostname,),
        )
        if row is not None and row[1] == principal.organization_id:
            asset_id, force = AssetId(row[0]), bool(row[2])
            unchanged = row[3] == "online" and beat.agent_version in (None, row[4])
            if unchanged and row[5] >= iso(moment - self._write_behind):
                if self._seen.get(asset_id, "") < now:
                    self._seen[asset_id] = now
                return self._beat_answer(asset_id, now, force)
        async with self.db.transaction() as tx:
            asset = await find_asset(tx, beat.hostname, principal.organization_id)
            if asset is None:
                asset_id = await register_pending(
                    tx, beat.hostname, principal.organization_id, now, beat.agent_version, principal.key_id
                )
                force = True
            else:
                asset_id, force = asset.id, asset.force_full_scan
                await tx.execute(
                    "UPDATE assets SET last_seen = ?, presence = 'online', agent_version = COALESCE(?, agent_version) WHERE id = ?",
                    (now, beat.agent_version, asset_id),
                )
        return self._beat_answer(asset_id, now, force)

    def _beat_answer(self, asset_id: AssetId, now: str, force: bool) -> HeartbeatAccepted:
        return HeartbeatAccepted(
            asset_id=asset_id,
            server_time=now,
            config=HeartbeatConfig(self.settings.scan_interval, self.settings.include_updates, force),
        )

    async def flush_heartbeats(self) -> int:
        """Write the heartbeat times kept in memory, in one transaction; returns how many assets."""
        if not self._seen:
            return 0
        pending, self._seen = self._seen, {}
        try:
            async with self.db.transaction() as tx:
                await tx.executemany(
                    "UPDATE assets SET last_seen = ?, presence = 'online' WHERE id = ? AND last_seen < ?",
                    [(at, asset_id, at) for asset_id, at in sorted(pending.items())],
                )
        except BaseException:
            for asset_id, at in pending.items():  # keep them for the next flush
                if self._seen.get(asset_id, "") < at:
                    self._seen[asset_id] = at
            raise
        return len(pending)

    async def config(self, principal: Principal, hostname: str | None) -> AgentConfig:
        """The agent configuration; with a hostname, ``force_full_scan`` says whether that asset needs a full report."""
        force = False
        if hostname is not None:
            check_hostname(hostname)
            row = await self.db.fetchone(
                "SELECT organization_id, force_full_scan FROM assets WHERE hostname = ?", (hostname,)
            )
            # An asset the server has never seen has no software list yet: ask for a full scan.
            # Another organization's asset is answered exactly as an unknown one (byte for byte),
            # so a key cannot learn which hostnames other organizations have.
            force = row is None or row[0] != principal.organization_id or bool(row[1])
        s = self.settings
        return AgentConfig(s.scan_interval, s.include_updates, s.include_services, s.minimum_agent_version, force)

    async def commands(self, principal: Principal, hostname: str) -> bytes:
        """The /commands answer for agent 1.5 (appliance.agent.legacy.commands_answer).

        ``scan_now`` when the asset needs a full report (force_full_scan; always for a host
        the organization does not have); ``update_config`` with the scan interval in minutes
        when it differs from the last one sent to that asset. A hostname of another
        organization is answered exactly as an unknown one, and nothing is recorded for it.
        """
        minutes = max(1, round(self.settings.scan_interval / 60))
        row = await self.db.fetchone(
            "SELECT id, organization_id, force_full_scan, commanded_scan_interval FROM assets WHERE hostname = ?",
            (hostname,),
        )
        if row is None or row[1] != principal.organization_id:
            return commands_answer(scan_now=True, scan_interval_minutes=minutes)
        changed = row[3] != minutes
        if changed:
            async with self.db.transaction() as tx:
                await tx.execute("UPDATE assets SET commanded_scan_interval = ? WHERE id = ?", (minutes, row[0]))
        return commands_answer(scan_now=bool(row[2]), scan_interval_minutes=minutes if changed else None)
