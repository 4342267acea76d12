"""An admin's triage of container findings: one finding, or every finding of one vulnerability id in one image.

Triage is the admin's verdict on a finding (``open``, ``accepted_risk``, ``false_positive``,
``fixed``), kept across rescans. ``accepted_risk`` and ``false_positive`` are decisions that
nothing needs doing: such findings raise no alerts and are left out of every count that means
"needs action" (the asset's vulnerability and KEV counts, an image's open and KEV findings,
the status totals, the top vulnerabilities, /api/vulnerabilities), while the asset's page still
lists them with their triage. ``fixed`` is a claim the next scan checks: the finding counts and
alerts as ``open`` until a rescan no longer reports it (it is then resolved, and stays
``fixed``); a rescan that still reports it puts it back to ``open`` (appliance/agent/containers.py).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Annotated, Literal

import aiosqlite
import msgspec

from appliance.agent.summary import refresh_asset_summaries
from appliance.db import Database
from appliance.errors import ApplianceError
from appliance.ids import AssetId
from appliance.timeutil import iso, utc_now

Triage = Literal["open", "accepted_risk", "false_positive", "fixed"]
MAX_COMMENT = 500
MAX_VULNERABILITY_ID = 200
TRIAGE_BODY_BYTES = 4096  # a verdict, an id of at most 200 and a comment of at most 500 characters, JSON-escaped

_PRINTABLE = r"^[^\x00-\x1f\x7f]*$"
Comment = Annotated[
    str,
    msgspec.Meta(max_length=MAX_COMMENT, pattern=_PRINTABLE, description="Why; at most 500 characters, one line."),
]
TriageValue = Annotated[
    Triage, msgspec.Meta(description="open, accepted_risk, false_positive or fixed.")
]


class TriageError(ApplianceError):
    """A triage request names something that does not exist."""

    code = "invalid_request"


class UnknownFinding(TriageError):
    code = "finding_not_found"


class UnknownImage(TriageError):
    code = "image_not_found"


class TriageIn(msgspec.Struct, frozen=True, forbid_unknown_fields=True):
    """PUT /api/container-findings/{id}/triage. Unknown fields are refused, so a misspelt one is not ignored."""

    triage: TriageValue
    comment: Comment = ""


class ImageTriageIn(msgspec.Struct, frozen=True, forbid_unknown_fields=True):
    """PUT /api/container-images/{id}/triage: every finding of ``vulnerability_id`` in the image."""

    vulnerability_id: Annotated[
        str,
        msgspec.Meta(min_length=1, max_length=MAX_VULNERABILITY_ID, pattern=_PRINTABLE,
                     description="As the scan reported it (CVE-2019-1551, GHSA-…); compared without regard to case."),
    ]
    triage: TriageValue
    comment: Comment = ""


class TriagedFinding(msgspec.Struct, frozen=True):
    """A container finding with its triage: who set it (``key:N`` or ``session:NAME``; ``scan`` when a rescan
    reopened a finding triaged fixed), when, and the comment. ``resolved_at`` is set when the last scan no
    longer reported it."""

    id: int
    asset_id: AssetId
    hostname: str
    container_image_id: int
    image: str
    vulnerability_id: str
    pkg_name: str
    installed_version: str
    target: str
    severity: str
    cvss: float | None
    kev: bool
    triage: str
    triage_comment: str
    triage_by: str | None
    triage_at: str | None
    first_seen: str
    last_seen: str
    resolved_at: str | None


class TriagedFindings(msgspec.Struct, frozen=True):
    """What an image-wide triage changed: every finding of the vulnerability id in the image, as they now are."""

    container_image_id: int
    vulnerability_id: str
    items: list[TriagedFinding]


_SELECT = (
    "SELECT c.id, c.asset_id, a.hostname, c.container_image_id,"
    " i.image_name || CASE WHEN i.image_tag != '' THEN ':' || i.image_tag ELSE '' END,"
    " c.vulnerability_id, c.pkg_name, c.installed_version, c.target, c.severity, c.cvss, c.kev, c.triage,"
    " c.triage_comment, c.triage_by, c.triage_at, c.first_seen, c.last_seen, c.resolved_at"
    " FROM container_findings c JOIN container_images i ON i.id = c.container_image_id JOIN assets a ON a.id = c.asset_id"
)
_SET = "UPDATE container_findings SET triage = ?, triage_comment = ?, triage_by = ?, triage_at = ?"


def _finding(row: tuple) -> TriagedFinding:
    return TriagedFinding(*row[0:11], bool(row[11]), *row[12:])  # type: ignore[arg-type]


async def _rows(tx: aiosqlite.Connection, where: str, params: tuple) -> list[TriagedFinding]:
    rows = await tx.execute_fetchall(f"{_SELECT} WHERE {where} ORDER BY c.pkg_name, c.installed_version, c.target, c.id", params)
    return [_finding(tuple(r)) for r in rows]


class TriageService:
    """Sets triage in one transaction with the asset's counts, which leave accepted risks and false positives out."""

    def __init__(self, db: Database, clock: Callable[[], datetime] = utc_now) -> None:
        self.db = db
        self._clock = clock

    async def set_finding(self, finding_id: int, body: TriageIn, by: str) -> TriagedFinding:
        """Set one finding's triage; UnknownFinding (404) changes nothing."""
        async with self.db.transaction() as tx:
            row = await (await tx.execute("SELECT asset_id FROM container_findings WHERE id = ?", (finding_id,))).fetchone()
            if row is None:
                raise UnknownFinding(f"there is no container finding {finding_id}", field="finding_id")
            await tx.execute(f"{_SET} WHERE id = ?", (body.triage, body.comment, by, iso(self._clock()), finding_id))
            await refresh_asset_summaries(tx, [AssetId(row[0])])
            [finding] = await _rows(tx, "c.id = ?", (finding_id,))
        return finding

    async def set_image(self, image_id: int, body: ImageTriageIn, by: str) -> TriagedFindings:
        """Set the triage of every finding (open or resolved) of one vulnerability id in one image.

        UnknownImage or UnknownFinding (404, the image has no finding of that id) change nothing.
        """
        async with self.db.transaction() as tx:
            row = await (await tx.execute("SELECT asset_id FROM container_images WHERE id = ?", (image_id,))).fetchone()
            if row is None:
                raise UnknownImage(f"there is no container image {image_id}", field="image_id")
            where = ("container_image_id = ? AND UPPER(vulnerability_id) = ?", (image_id, body.vulnerability_id.upper()))
            cursor = await tx.execute(f"{_SET} WHERE {where[0]}", (body.triage, body.comment, by, iso(self._clock()), *where[1]))
            if cursor.rowcount == 0:
                raise UnknownFinding(
                    f"container image {image_id} has no finding of {body.vulnerability_id[:MAX_VULNERABILITY_ID]}",
                    field="vulnerability_id",
                )
            await refresh_asset_summaries(tx, [AssetId(row[0])])
            items = await _rows(tx, "c.container_image_id = ? AND UPPER(c.vulnerability_id) = ?", where[1])
        return TriagedFindings(image_id, items[0].vulnerability_id, items)
