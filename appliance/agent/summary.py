"""Per-asset counts on the assets row, refreshed inside every write transaction that changes them."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable

import aiosqlite

from appliance.ids import AssetId

# The triage verdicts that mean "nothing to do" (appliance/agent/triage.py): no alerts, left out
# of every count that means "needs action". Kept here, where the counts are, so that the alerts
# (appliance/alerts/outbox.py) and the read API can import them without importing the service.
SUPPRESSED: tuple[str, ...] = ("accepted_risk", "false_positive")


def needs_action(alias: str = "") -> str:
    """The SQL condition "not triaged away" on a container_findings row, of a table alias (``"c"``) or none."""
    return f"{alias}{'.' if alias else ''}triage NOT IN ({', '.join(repr(v) for v in SUPPRESSED)})"


# The same definitions as migration 5's backfill: distinct vulnerability ids over host
# findings and open container findings (an id found on both counts once), KEV the same way,
# and the highest CVSS score among them. Each subquery is one indexed lookup by asset_id.
# Container findings the admin triaged accepted_risk or false_positive need no action and are
# left out (appliance/agent/triage.py); before migration 12 no endpoint set triage, so the
# counts stored by older versions already agree.
_REFRESH = """
UPDATE assets SET
    software_count = (SELECT COUNT(*) FROM software s WHERE s.asset_id = assets.id),
    matched_count = (SELECT COUNT(*) FROM software s WHERE s.asset_id = assets.id AND s.match_cpe IS NOT NULL),
    vulnerability_count = (SELECT COUNT(DISTINCT f.cve) FROM findings f WHERE f.asset_id = assets.id AND f.version_unknown = 0)
        + (SELECT COUNT(DISTINCT c.vulnerability_id) FROM container_findings c
           WHERE c.asset_id = assets.id AND c.resolved_at IS NULL AND {c_needs_action}
           AND c.vulnerability_id NOT IN (SELECT f.cve FROM findings f WHERE f.asset_id = assets.id AND f.version_unknown = 0)),
    kev_count = (SELECT COUNT(DISTINCT f.cve) FROM findings f WHERE f.asset_id = assets.id AND f.version_unknown = 0 AND f.kev = 1)
        + (SELECT COUNT(DISTINCT c.vulnerability_id) FROM container_findings c
           WHERE c.asset_id = assets.id AND c.resolved_at IS NULL AND {c_needs_action} AND c.kev = 1
           AND c.vulnerability_id NOT IN (SELECT f.cve FROM findings f WHERE f.asset_id = assets.id AND f.version_unknown = 0 AND f.kev = 1)),
    max_cvss = NULLIF(MAX(
        COALESCE((SELECT MAX(f.cvss) FROM findings f WHERE f.asset_id = assets.id AND f.version_unknown = 0), -1),
        COALESCE((SELECT MAX(c.cvss) FROM container_findings c WHERE c.asset_id = assets.id AND c.resolved_at IS NULL AND {c_needs_action}), -1)
    ), -1),
    container_image_count = (SELECT COUNT(*) FROM container_images i WHERE i.asset_id = assets.id)
WHERE id = ?
""".format(c_needs_action=needs_action("c"))


def refresh_summaries(conn: sqlite3.Connection, asset_ids: Iterable[AssetId]) -> None:
    """refresh_asset_summaries for writes that run in the writer's thread (Database.run)."""
    conn.executemany(_REFRESH, [(asset_id,) for asset_id in sorted(set(asset_ids))])


async def refresh_asset_summaries(tx: aiosqlite.Connection, asset_ids: Iterable[AssetId]) -> None:
    """Recount the given assets' software, matches, vulnerabilities, KEV and images.

    Called in the same transaction as the change, so readers never see counts that disagree
    with the rows they describe.
    """
    await tx.executemany(_REFRESH, [(asset_id,) for asset_id in sorted(set(asset_ids))])
