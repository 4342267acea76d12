"""The outbox tables: recording events inside the caller's transaction, and the claim/mark protocol of the sender.

Every function takes the writer's sqlite3 connection and runs inside a transaction of the
single write path (Database.run, or in_writer within Database.transaction).
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterable

import msgspec

from appliance.agent.summary import needs_action
from appliance.alerts.base import CVSS_FINDING, KEV_FINDING, AlertEvent

# A finding that may be news: (kev, cvss, kev_due_date, software_id).
Candidate = tuple[bool, float | None, str | None, int]

_INSERT_FINDING_EVENT = (
    "INSERT INTO alert_events (kind, created_at, organization_id, asset_id, hostname, cve, cvss, detail)"
    " SELECT ?, ?, a.organization_id, a.id, a.hostname, ?, ?,"
    " json_set(?, '$.software', (SELECT s.name || ' ' || s.version FROM software s WHERE s.id = ?))"
    " FROM assets a WHERE a.id = ?"
)
# The same event for a finding in a container image: the image reference ("name:tag") joins the detail.
_INSERT_IMAGE_EVENT = (
    "INSERT INTO alert_events (kind, created_at, organization_id, asset_id, hostname, cve, cvss, detail)"
    " SELECT ?, ?, a.organization_id, a.id, a.hostname, ?, ?,"
    " json_set(?, '$.image', i.image_name || CASE WHEN i.image_tag != '' THEN ':' || i.image_tag ELSE '' END)"
    " FROM container_images i JOIN assets a ON a.id = i.asset_id WHERE i.id = ?"
)


class ImageCandidate(msgspec.Struct, frozen=True):
    """A container finding that may be news: its vulnerability's flags, and the packages of the image that have it."""

    kev: bool
    cvss: float | None
    kev_due_date: str | None
    packages: tuple[str, ...]  # "libidn2-0 2.0.5-1", as Trivy named them
    url: str | None = None  # Trivy's PrimaryURL, for vulnerability ids NVD does not know (GHSA-…, DLA-…)


def news(kev: bool, cvss: float | None, old_kev: bool, old_cvss: float | None, threshold: float) -> str | None:
    """The event a finding is, given the previous state of its CVE in the same scope, or None for no news.

    The one rule for host and container findings: KEV now and not before is a kev_finding; not
    KEV, at or above ``threshold`` now and neither KEV nor at or above it before is a cvss_finding.
    """
    if kev and not old_kev:
        return KEV_FINDING
    high = cvss is not None and cvss >= threshold
    if not kev and not old_kev and high and not (old_cvss is not None and old_cvss >= threshold):
        return CVSS_FINDING
    return None


def _prior(conn: sqlite3.Connection, query: str, scope: int, cves: list[str]) -> dict[str, tuple[int, float | None]]:
    """(MAX(kev), MAX(cvss)) per CVE of ``query``, which selects cve, kev, cvss for a scope id and a list of CVEs."""
    prior: dict[str, tuple[int, float | None]] = {}
    for start in range(0, len(cves), 500):
        chunk = cves[start : start + 500]
        rows = conn.execute(query.format(marks=",".join("?" * len(chunk))), (scope, *chunk))
        prior.update((cve, (kev, cvss)) for cve, kev, cvss in rows)
    return prior


def record_findings(conn: sqlite3.Connection, asset_id: int, candidates: dict[str, Candidate], threshold: float, now: str) -> int:
    """Write an event per CVE that is new to the asset as KEV, or newly at or above ``threshold``.

    Called before the findings change, so the asset's stored findings are its previous state:
    a CVE the asset already had as KEV (through this package or another: curl and libcurl4
    share CVEs) is no news; one it had only as "may apply" (version_unknown) is. Returns the
    number of events written.
    """
    cves = sorted(candidates)
    prior = _prior(
        conn, "SELECT cve, MAX(kev), MAX(cvss) FROM findings WHERE asset_id = ? AND version_unknown = 0 AND cve IN ({marks})"
        " GROUP BY cve",
        asset_id, cves,
    )
    events = []
    for cve in cves:
        kev, cvss, due, software_id = candidates[cve]
        if kind := news(kev, cvss, *prior.get(cve, (0, None)), threshold):
            detail = json.dumps({"kev_due_date": due} if due else {})
            events.append((kind, now, cve, cvss, detail, software_id, asset_id))
    conn.executemany(_INSERT_FINDING_EVENT, events)
    return len(events)


def record_image_findings(
    conn: sqlite3.Connection, image_id: int, candidates: dict[str, ImageCandidate], threshold: float, now: str
) -> int:
    """record_findings for one container image: an event per vulnerability new to the image as
    KEV, or newly at or above ``threshold``.

    Called before the image's findings change. The previous state is the image's *open*
    findings: one a rescan resolved (no longer reported) is gone, and is news again if it comes
    back, as a host finding whose package was removed and reinstalled is. Findings the admin
    triaged accepted_risk or false_positive are not part of it either (they need no action, so
    another package with the same vulnerability is news). The scope is the
    image, not the asset: the same CVE in the host's packages or in another image is another
    thing to fix (update the host, rebuild that image), so it is its own event.
    """
    cves = sorted(candidates)
    prior = _prior(
        conn, "SELECT vulnerability_id, MAX(kev), MAX(cvss) FROM container_findings WHERE container_image_id = ?"
        f" AND resolved_at IS NULL AND {needs_action()}"
        " AND vulnerability_id IN ({marks}) GROUP BY vulnerability_id",
        image_id, cves,
    )
    events = []
    for cve in cves:
        c = candidates[cve]
        if kind := news(c.kev, c.cvss, *prior.get(cve, (0, None)), threshold):
            detail: dict[str, object] = {"software": ", ".join(c.packages), "packages": list(c.packages)}
            if c.kev_due_date:
                detail["kev_due_date"] = c.kev_due_date
            if c.url:
                detail["url"] = c.url
            events.append((kind, now, cve, c.cvss, json.dumps(detail), image_id))
    conn.executemany(_INSERT_IMAGE_EVENT, events)
    return len(events)


def record_presence(conn: sqlite3.Connection, kind: str, where: str, params: Iterable[object], now: str) -> None:
    """An event per active asset matching ``where`` (the expiry's own condition), before it changes presence."""
    conn.execute(
        "INSERT INTO alert_events (kind, created_at, organization_id, asset_id, hostname, detail)"
        f" SELECT ?, ?, organization_id, id, hostname, json_object('last_seen', last_seen) FROM assets"
        f" WHERE status = 'active' AND {where}",
        (kind, now, *params),
    )


# --- the sender's side --------------------------------------------------------------------------


def sync_channels(conn: sqlite3.Connection, names: Iterable[str]) -> None:
    """Start a cursor for each newly configured channel at the newest event (no backlog), and
    forget channels no longer configured (their unsent batches are dropped)."""
    names = sorted(set(names))
    marks = ",".join("?" * len(names))
    conn.execute(f"DELETE FROM alert_channels WHERE channel NOT IN ({marks})", names)
    conn.execute(f"UPDATE alert_batches SET state = 'dropped' WHERE state = 'pending' AND channel NOT IN ({marks})", names)
    conn.executemany(
        "INSERT OR IGNORE INTO alert_channels (channel, last_event_id) SELECT ?, COALESCE(MAX(id), 0) FROM alert_events",
        [(name,) for name in names],
    )


def recover(conn: sqlite3.Connection, now: str) -> list[tuple[int, str]]:
    """At startup: a batch still marked sending was cut off after the send began. It may have
    been delivered, so it is never sent again (no duplicate); it is marked uncertain."""
    rows = conn.execute("SELECT id, channel FROM alert_batches WHERE state = 'sending' ORDER BY id").fetchall()
    conn.execute(
        "UPDATE alert_batches SET state = 'uncertain', last_error = ? WHERE state = 'sending'",
        (f"the appliance stopped while this message was being sent ({now}); it may or may not have arrived,"
         " and is not sent again",),
    )
    return [(r[0], r[1]) for r in rows]


class Batch(msgspec.Struct, frozen=True):
    id: int
    channel: str
    attempts: int
    events: list[AlertEvent]


def claim(conn: sqlite3.Connection, names: Iterable[str], now: str) -> list[Batch]:
    """Put each channel's new events into its open batch (one per channel), and return the batches due now.

    Everything after a channel's cursor joins the channel's pending batch if it has one (a
    message not sent yet may grow), else a new one; the cursor then moves past them. So each
    event lands in exactly one batch per channel, and many events become one message.
    """
    sync_channels(conn, names)
    newest = conn.execute("SELECT COALESCE(MAX(id), 0) FROM alert_events").fetchone()[0]
    for channel, cursor in conn.execute("SELECT channel, last_event_id FROM alert_channels").fetchall():
        if newest <= cursor:
            continue
        updated = conn.execute(
            "UPDATE alert_batches SET last_event_id = ? WHERE id = (SELECT MAX(id) FROM alert_batches"
            " WHERE channel = ? AND state = 'pending')", (newest, channel),
        ).rowcount
        if not updated:
            conn.execute(
                "INSERT INTO alert_batches (channel, first_event_id, last_event_id, state, next_attempt_at, created_at)"
                " VALUES (?, ?, ?, 'pending', ?, ?)", (channel, cursor + 1, newest, now, now),
            )
        conn.execute("UPDATE alert_channels SET last_event_id = ? WHERE channel = ?", (newest, channel))
    due = conn.execute(
        "SELECT id, channel, attempts, first_event_id, last_event_id FROM alert_batches"
        " WHERE state = 'pending' AND next_attempt_at <= ? ORDER BY id", (now,),
    ).fetchall()
    return [Batch(r[0], r[1], r[2], events_between(conn, r[3], r[4])) for r in due]


def events_between(conn: sqlite3.Connection, first: int, last: int) -> list[AlertEvent]:
    rows = conn.execute(
        "SELECT id, kind, created_at, organization_id, asset_id, hostname, cve, cvss, detail FROM alert_events"
        " WHERE id BETWEEN ? AND ? ORDER BY id", (first, last),
    ).fetchall()
    return [AlertEvent(*r[:8], detail=json.loads(r[8] or "{}")) for r in rows]


def mark_sending(conn: sqlite3.Connection, batch_id: int) -> bool:
    """The point of no return, committed before the send: False if the batch is no longer pending."""
    return conn.execute("UPDATE alert_batches SET state = 'sending' WHERE id = ? AND state = 'pending'", (batch_id,)).rowcount == 1


def mark_sent(conn: sqlite3.Connection, batch_id: int, now: str) -> None:
    conn.execute(
        "UPDATE alert_batches SET state = 'sent', attempts = attempts + 1, sent_at = ?, last_error = NULL WHERE id = ?",
        (now, batch_id),
    )


def mark_failed(conn: sqlite3.Connection, batch_id: int, error: str, next_attempt_at: str) -> None:
    """Back to pending for a later attempt (also from sending: the channel said it was not delivered)."""
    conn.execute(
        "UPDATE alert_batches SET state = 'pending', attempts = attempts + 1, last_error = ?, next_attempt_at = ?"
        " WHERE id = ? AND state IN ('pending', 'sending')",
        (error, next_attempt_at, batch_id),
    )


def mark_uncertain(conn: sqlite3.Connection, batch_id: int, error: str) -> None:
    """The send began and ended without an answer: it may have arrived, so it is never sent again."""
    conn.execute(
        "UPDATE alert_batches SET state = 'uncertain', attempts = attempts + 1, last_error = ? WHERE id = ?",
        (error, batch_id),
    )


def prune(conn: sqlite3.Connection, before: str) -> None:
    """Forget finished batches and the events every channel is past, once older than ``before``."""
    conn.execute("DELETE FROM alert_batches WHERE state IN ('sent', 'uncertain', 'dropped') AND created_at < ?", (before,))
    conn.execute(
        "DELETE FROM alert_events WHERE created_at < ?"
        " AND id <= COALESCE((SELECT MIN(last_event_id) FROM alert_channels), 9223372036854775807)"
        " AND NOT EXISTS (SELECT 1 FROM alert_batches b WHERE b.state IN ('pending', 'sending')"
        " AND alert_events.id BETWEEN b.first_event_id AND b.last_event_id)",
        (before,),
    )
