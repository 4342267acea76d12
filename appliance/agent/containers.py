"""The container scan service: Trivy results stored per asset and image, KEV-flagged, triage kept across rescans.

Findings an admin triaged ``accepted_risk`` or ``false_positive`` raise no alerts (appliance/agent/triage.py);
a rescan that still reports a finding triaged ``fixed`` puts it back to ``open``.
"""

from __future__ import annotations

import logging
import sqlite3
from collections.abc import Callable, Mapping
from datetime import datetime

import aiosqlite
import msgspec

from appliance.agent.payloads import ContainerImageIn, ContainerScanAccepted, ContainerScanIn, check_container_scan
from appliance.agent.service import find_asset, organization_of, register_pending
from appliance.agent.summary import SUPPRESSED, needs_action, refresh_asset_summaries
from appliance.alerts import outbox
from appliance.alerts.base import AlertRules
from appliance.auth import Principal
from appliance.db import Database
from appliance.db.database import in_writer
from appliance.feeds.base import ScanFinding
from appliance.feeds.trivy import findings as trivy_findings
from appliance.ids import AssetId
from appliance.matching.bundle import BKev
from appliance.settings import Settings
from appliance.timeutil import iso, utc_now

log = logging.getLogger("sentrikat.containers")

# KEV entries by CVE id from the loaded feed, or None when no feed is loaded: "no KEV data",
# which is not the same as "in no KEV entry" (see ContainerService.reflag_kev).
KevCatalog = Callable[[], Mapping[str, BKev] | None]

# An image's identity on an asset, and a finding's identity in an image (ScanFinding.key).
ImageKey = tuple[str, str]
FindingKey = tuple[str, str, str, str]

# kev, kev_date_added, kev_due_date, kev_ransomware
KevFlag = tuple[int, str | None, str | None, str | None]
_UNFLAGGED: KevFlag = (0, None, None, None)

_ATTRIBUTES = (
    "target_class, target_type, pkg_path, purl, fixed_version, status, severity, cvss, cvss_vector, cvss_source,"
    " title, primary_url, data_source"
)
_INSERT_FINDING = (
    "INSERT INTO container_findings (container_image_id, asset_id, vulnerability_id, pkg_name, installed_version,"
    f" target, {_ATTRIBUTES}, kev, kev_date_added, kev_due_date, kev_ransomware, first_seen, last_seen)"
    f" VALUES ({', '.join('?' * 25)})"
)
_SET_ATTRIBUTES = ", ".join(f"{column.strip()} = ?" for column in _ATTRIBUTES.split(","))
_UPDATE_FINDING = f"UPDATE container_findings SET {_SET_ATTRIBUTES}, last_seen = ?, resolved_at = NULL WHERE id = ?"
_UPDATE_FINDING_KEV = (
    f"UPDATE container_findings SET {_SET_ATTRIBUTES}, kev = ?, kev_date_added = ?, kev_due_date = ?,"
    " kev_ransomware = ?, last_seen = ?, resolved_at = NULL WHERE id = ?"
)


def _attributes(finding: ScanFinding) -> tuple:
    """The finding's columns besides its identity, in _ATTRIBUTES order."""
    f = finding
    return (
        f.target_class, f.target_type, f.pkg_path, f.purl, f.fixed_version, f.status, f.severity, f.cvss,
        f.cvss_vector, f.cvss_source, f.title, f.primary_url, f.data_source,
    )


def kev_flag(catalog: Mapping[str, BKev], vulnerability_id: str) -> KevFlag:
    """The KEV columns for a vulnerability id: flagged with the entry's dates, or unflagged."""
    # KEV's cveID is upper case ("CVE-2021-44228", its schema's pattern); Trivy writes ids
    # as its advisory sources do, which for CVEs is the same spelling, but do not rely on it.
    entry = catalog.get(vulnerability_id.upper())
    return (1, entry.date_added, entry.due_date, entry.ransomware) if entry else _UNFLAGGED


def _unique_images(images: list[ContainerImageIn]) -> dict[ImageKey, ContainerImageIn]:
    """Images keyed by (name, tag); an image listed twice in one request keeps its first entry."""
    result: dict[ImageKey, ContainerImageIn] = {}
    for image in images:
        result.setdefault((image.image_name, image.image_tag or ""), image)
    return result


def _unique_findings(image: ContainerImageIn) -> dict[FindingKey, ScanFinding]:
    """The image's findings by identity (ScanFinding.key); a repeated identity keeps its first entry.

    Trivy lists a vulnerability once per location of the package (PkgPath: two copies of
    the same jar in one image are two entries), which is one finding here.
    """
    result: dict[FindingKey, ScanFinding] = {}
    for finding in trivy_findings(image.trivy_output):
        result.setdefault(finding.key, finding)
    return result


class _Stored(msgspec.Struct, frozen=True):
    """A stored finding of an image as the scan finds it: its row, whether a rescan resolved it, its flags, its triage."""

    id: int
    resolved_at: str | None
    kev: int
    kev_due_date: str | None
    cvss: float | None
    triage: str


def _alert_candidates(
    found: dict[FindingKey, ScanFinding], existing: dict[FindingKey, _Stored], flags: dict[FindingKey, KevFlag],
    keep_flags: bool, threshold: float,
) -> dict[str, outbox.ImageCandidate]:
    """The scan's findings that may be news (outbox.news against the same stored row), by vulnerability id.

    A row a rescan had resolved counts as absent before, so a finding that comes back is news
    again. With ``keep_flags`` (no feed loaded) a stored row keeps its KEV flag, as the update does.
    Several packages with one vulnerability (libssl and libcrypto) are one candidate naming them all.
    A finding the admin triaged accepted_risk or false_positive is never news.
    """
    chosen: dict[str, tuple[bool, float | None, str | None, list[str], str | None]] = {}
    for key, finding in found.items():
        old = existing.get(key)
        if old is not None and old.triage in SUPPRESSED:
            continue
        kev, due = (bool(old.kev), old.kev_due_date) if keep_flags and old is not None else (bool(flags[key][0]), flags[key][2])
        before = (bool(old.kev), old.cvss) if old is not None and old.resolved_at is None else (False, None)
        if outbox.news(kev, finding.cvss, *before, threshold) is None:
            continue
        package = f"{finding.pkg_name} {finding.installed_version}".strip()
        previous = chosen.get(finding.vulnerability_id)
        if previous is None or (kev and not previous[0]):
            chosen[finding.vulnerability_id] = (kev, finding.cvss, due, [package], finding.primary_url)
        elif kev == previous[0] and package not in previous[3]:
            previous[3].append(package)
    return {
        cve: outbox.ImageCandidate(kev, cvss, due, tuple(sorted(packages)), url)
        for cve, (kev, cvss, due, packages, url) in chosen.items()
    }


def _record_kev_flips(conn: sqlite3.Connection, flipped: dict[str, KevFlag], threshold: float, now: str) -> int:
    """Before a feed change sets KEV flags: an event per image whose open findings of a newly KEV vulnerability were not KEV."""
    by_image: dict[int, dict[str, outbox.ImageCandidate]] = {}
    ids = sorted(flipped)
    for start in range(0, len(ids), 500):
        chunk = ids[start : start + 500]
        rows = conn.execute(
            "SELECT container_image_id, vulnerability_id, pkg_name, installed_version, cvss, primary_url FROM container_findings"
            f" WHERE resolved_at IS NULL AND kev = 0 AND {needs_action()} AND vulnerability_id IN ({','.join('?' * len(chunk))})"
            " ORDER BY container_image_id, vulnerability_id, pkg_name",
            chunk,
        ).fetchall()
        for image_id, cve, pkg, version, cvss, url in rows:
            image = by_image.setdefault(image_id, {})
            package = f"{pkg} {version}".strip()
            if (c := image.get(cve)) is not None:
                package_list = c.packages if package in c.packages else (*c.packages, package)
                image[cve] = msgspec.structs.replace(c, packages=package_list)
            else:
                image[cve] = outbox.ImageCandidate(True, cvss, flipped[cve][2], (package,), url)
    return sum(outbox.record_image_findings(conn, image_id, found, threshold, now) for image_id, found in by_image.items())


class _ImageOutcome(msgspec.Struct, frozen=True):
    created: bool
    open: int
    kev: int
    new: int
    resolved: int


class ContainerService:
    """What POST /api/agent/container-scan does, and the KEV re-flagging after a feed change."""

    def __init__(
        self,
        db: Database,
        kev_catalog: KevCatalog,
        settings: Settings,
        clock: Callable[[], datetime] = utc_now,
        alert_rules: Callable[[], AlertRules] | None = None,
    ) -> None:
        self.db = db
        self._kev_catalog = kev_catalog  # a callable, so a feed refresh can swap the catalog in place
        self.settings = settings
        self._clock = clock
        # What alert events to record with the findings (the rules of host findings); a callable,
        # as the Alerts page may change it.
        self._alert_rules = alert_rules or AlertRules

    async def submit(self, principal: Principal, scan: ContainerScanIn) -> ContainerScanAccepted:
        """Store a host's scan results in one transaction; a PayloadError, OrganizationDenied or HostnameConflict writes nothing.

        An unknown hostname is registered as a pending asset (as a heartbeat does). Images the
        scan does not list are left alone: a host with many images may send them in several
        requests, so absence from one request does not mean the image is gone.
        """
        check_container_scan(scan, self.settings.max_images)
        organization = organization_of(principal, scan.organization_id)
        images = {key: (image, _unique_findings(image)) for key, image in _unique_images(scan.images).items()}
        catalog = self._kev_catalog()
        now, rules = iso(self._clock()), self._alert_rules()
        async with self.db.transaction() as tx:
            asset = await find_asset(tx, scan.hostname, organization)
            if asset is None:
                asset_id = await register_pending(tx, scan.hostname, organization, now, scan.agent_version, principal.key_id)
            else:
                asset_id = asset.id
                await tx.execute(
                    "UPDATE assets SET last_seen = ?, agent_version = COALESCE(?, agent_version) WHERE id = ?",
                    (now, scan.agent_version, asset_id),
                )
            outcomes = [
                await self._store_image(tx, asset_id, key, image, found, scan, catalog, now, rules)
                for key, (image, found) in images.items()
            ]
            await refresh_asset_summaries(tx, [asset_id])
        return ContainerScanAccepted(
            asset_id=asset_id,
            hostname=scan.hostname,
            images_processed=len(outcomes),
            images_created=sum(1 for o in outcomes if o.created),
            images_updated=sum(1 for o in outcomes if not o.created),
            findings=sum(o.open for o in outcomes),
            findings_kev=sum(o.kev for o in outcomes),
            findings_new=sum(o.new for o in outcomes),
            findings_resolved=sum(o.resolved for o in outcomes),
        )

    async def _store_image(
        self,
        tx: aiosqlite.Connection,
        asset_id: AssetId,
        key: ImageKey,
        image: ContainerImageIn,
        found: dict[FindingKey, ScanFinding],
        scan: ContainerScanIn,
        catalog: Mapping[str, BKev] | None,
        now: str,
        rules: AlertRules,
    ) -> _ImageOutcome:
        report = image.trivy_output
        metadata = report.metadata
        os_info = metadata.os if metadata else None
        columns = (
            image.image_id or (metadata.image_id if metadata else ""),
            msgspec.json.encode(list(metadata.repo_digests or ()) if metadata else []).decode(),
            report.artifact_name,
            report.artifact_type,
            (os_info.family or None) if os_info else None,
            (os_info.name or None) if os_info else None,
            (scan.scanner or "trivy").lower(),
            scan.scanner_version,
        )
        row = await (
            await tx.execute(
                "SELECT id FROM container_images WHERE asset_id = ? AND image_name = ? AND image_tag = ?",
                (asset_id, *key),
            )
        ).fetchone()
        if row is None:
            cursor = await tx.execute(
                "INSERT INTO container_images (asset_id, image_name, image_tag, image_id, repo_digests, artifact_name,"
                " artifact_type, os_family, os_name, scanner, scanner_version, first_seen, last_scan_at)"
                " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (asset_id, *key, *columns, now, now),
            )
            image_row = cursor.lastrowid or 0
        else:
            image_row = row[0]
            await tx.execute(
                "UPDATE container_images SET image_id = ?, repo_digests = ?, artifact_name = ?, artifact_type = ?,"
                " os_family = ?, os_name = ?, scanner = ?, scanner_version = ?, last_scan_at = ? WHERE id = ?",
                (*columns, now, image_row),
            )
        existing = {
            (r[1], r[2], r[3], r[4]): _Stored(r[0], *r[5:])
            for r in await tx.execute_fetchall(
                "SELECT id, vulnerability_id, pkg_name, installed_version, target, resolved_at, kev, kev_due_date, cvss,"
                " triage FROM container_findings WHERE container_image_id = ?",
                (image_row,),
            )
        }
        flags = {k: kev_flag(catalog, f.vulnerability_id) if catalog is not None else _UNFLAGGED for k, f in found.items()}
        if rules.enabled:
            # Before the rows change, so the outbox sees the image's previous state (as sync_findings does for hosts).
            candidates = _alert_candidates(found, existing, flags, catalog is None, rules.cvss_threshold)
            if candidates:
                await in_writer(tx, outbox.record_image_findings, image_row, candidates, rules.cvss_threshold, now)
        await tx.executemany(
            _INSERT_FINDING,
            [
                (image_row, asset_id, *k, *_attributes(f), *flags[k], now, now)
                for k, f in found.items() if k not in existing
            ],
        )
        present = [(k, f) for k, f in found.items() if k in existing]
        if catalog is None:
            # No feed, no KEV data: a finding keeps the flag it has until a feed is loaded
            # again (reflag_kev), rather than losing it because the server runs without one.
            await tx.executemany(
                _UPDATE_FINDING, [(*_attributes(f), now, existing[k].id) for k, f in present]
            )
        else:
            await tx.executemany(
                _UPDATE_FINDING_KEV, [(*_attributes(f), *flags[k], now, existing[k].id) for k, f in present]
            )
        # The admin said fixed, the scan still finds it: open again (who: the scan), and counted again.
        await tx.executemany(
            "UPDATE container_findings SET triage = 'open', triage_by = 'scan', triage_at = ? WHERE id = ?",
            [(now, existing[k].id) for k, _ in present if existing[k].triage == "fixed"],
        )
        vanished = [(now, existing[k].id) for k in existing.keys() - found.keys() if existing[k].resolved_at is None]
        await tx.executemany("UPDATE container_findings SET resolved_at = ? WHERE id = ?", vanished)
        total, kev = await (
            await tx.execute(
                "SELECT COUNT(*), COALESCE(SUM(kev), 0) FROM container_findings"
                " WHERE container_image_id = ? AND resolved_at IS NULL",
                (image_row,),
            )
        ).fetchone()  # type: ignore[misc]
        return _ImageOutcome(
            created=row is None,
            open=total,
            kev=kev,
            new=sum(1 for k in found if k not in existing or existing[k].resolved_at is not None),
            resolved=len(vanished),
        )

    async def reflag_kev(self) -> int:
        """Set every stored finding's KEV flag from the loaded feed; returns the vulnerability ids changed.

        Called after a feed change: findings stored without a feed (or with an older KEV
        catalog) get their flags now. Without a feed nothing is changed. An open finding whose
        vulnerability becomes KEV is a kev_finding alert, as a host finding's is.
        """
        catalog = self._kev_catalog()
        if catalog is None:
            return 0
        now, rules = iso(self._clock()), self._alert_rules()
        async with self.db.transaction() as tx:
            rows = await tx.execute_fetchall(
                "SELECT DISTINCT vulnerability_id, kev, kev_date_added, kev_due_date, kev_ransomware FROM container_findings"
            )
            wanted = {r[0]: kev_flag(catalog, r[0]) for r in rows}
            changed = {r[0]: wanted[r[0]] for r in rows if wanted[r[0]] != tuple(r[1:])}
            flipped = {cve: flag for cve, flag in changed.items() if flag[0]}
            if rules.enabled and flipped:
                await in_writer(tx, _record_kev_flips, flipped, rules.cvss_threshold, now)
            await tx.executemany(
                "UPDATE container_findings SET kev = ?, kev_date_added = ?, kev_due_date = ?, kev_ransomware = ?"
                " WHERE vulnerability_id = ?",
                [(*flag, vulnerability_id) for vulnerability_id, flag in sorted(changed.items())],
            )
            if changed:
                assets = await tx.execute_fetchall(
                    f"SELECT DISTINCT asset_id FROM container_findings WHERE vulnerability_id IN ({','.join('?' * len(changed))})",
                    sorted(changed),
                )
                await refresh_asset_summaries(tx, [AssetId(r[0]) for r in assets])
        if changed:
            log.info("KEV flags of %d vulnerability ids in container findings changed with the feed", len(changed))
        return len(changed)
