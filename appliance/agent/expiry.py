"""Agents that stop reporting: online, then offline, then stale, and optionally deleted."""

from __future__ import annotations

from datetime import datetime, timedelta

import msgspec

from appliance.alerts import outbox
from appliance.alerts.base import ASSET_OFFLINE, ASSET_STALE, AlertRules
from appliance.db import Database
from appliance.db.database import in_writer
from appliance.settings import Settings
from appliance.timeutil import iso


class ExpiryResult(msgspec.Struct, frozen=True):
    offline: int
    stale: int
    deleted: int
    pending_deleted: int = 0


async def expire_assets(db: Database, settings: Settings, now: datetime, rules: AlertRules | None = None) -> ExpiryResult:
    """Mark assets by the time since their last report or heartbeat, in one transaction.

    Presence goes back to online with the next report or heartbeat (see AgentService).
    Stale assets keep their software and findings; only ``delete_after`` removes data. With
    alert rules enabled, each active asset that goes offline or stale gets an outbox event in
    the same transaction.
    """
    offline_before = iso(now - timedelta(seconds=settings.offline_after))
    stale_before = iso(now - timedelta(seconds=settings.stale_after))
    async with db.transaction() as tx:
        # A pending asset (heartbeats, deltas or container scans but no full report) that has
        # not been heard of for delete_pending_after is forgotten: it never claimed its hostname.
        pending_deleted = 0
        if settings.delete_pending_after > 0:
            cursor = await tx.execute(
                "DELETE FROM assets WHERE status = 'pending' AND last_seen < ?",
                (iso(now - timedelta(seconds=settings.delete_pending_after)),),
            )
            pending_deleted = cursor.rowcount
        deleted = 0
        if settings.delete_after > 0:
            cursor = await tx.execute(
                "DELETE FROM assets WHERE last_seen < ?", (iso(now - timedelta(seconds=settings.delete_after)),)
            )
            deleted = cursor.rowcount
        if rules is not None and rules.enabled:
            stamp = iso(now)
            await in_writer(tx, outbox.record_presence, ASSET_STALE, "last_seen < ? AND presence != 'stale'", (stale_before,), stamp)
            await in_writer(
                tx, outbox.record_presence, ASSET_OFFLINE, "last_seen < ? AND last_seen >= ? AND presence = 'online'",
                (offline_before, stale_before), stamp,
            )
        stale = (
            await tx.execute("UPDATE assets SET presence = 'stale' WHERE last_seen < ? AND presence != 'stale'", (stale_before,))
        ).rowcount
        offline = (
            await tx.execute(
                "UPDATE assets SET presence = 'offline' WHERE last_seen < ? AND last_seen >= ? AND presence = 'online'",
                (offline_before, stale_before),
            )
        ).rowcount
    return ExpiryResult(offline, stale, deleted, pending_deleted)
