"""Stale-agent expiry with a controllable clock, on a real database."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta
from pathlib import Path

from appliance.agent.expiry import expire_assets
from appliance.agent.payloads import HeartbeatIn, ReportIn, SoftwareIn
from appliance.agent.service import AgentService
from appliance.auth import KeyService, Principal
from appliance.db import Database
from appliance.ids import ApiKeyId, OrganizationId
from appliance.matching.agent_cpe import AgentCpeMatcher
from appliance.settings import Settings

PRINCIPAL = Principal(ApiKeyId(1), OrganizationId(1), frozenset({"agent"}))


async def open_database(settings: Settings) -> Database:
    """The database with PRINCIPAL's key (id 1) in it: assets refer to the key they report with."""
    db = Database(settings.database_path)
    await db.open()
    await KeyService(db, b"k" * 32).create(1, ["agent"])
    return db


class Clock:
    def __init__(self, now: datetime) -> None:
        self.now = now

    def __call__(self) -> datetime:
        return self.now


def test_online_offline_stale_deleted(tmp_path: Path) -> None:
    start = datetime(2026, 1, 1, 12, 0, tzinfo=UTC)
    clock = Clock(start)
    settings = Settings(data_dir=tmp_path, offline_after=1800, stale_after=7 * 86400, delete_after=30 * 86400)

    async def run() -> None:
        db = await open_database(settings)
        service = AgentService(db, AgentCpeMatcher, settings, clock)
        for name in ("quiet", "busy"):
            await service.submit(PRINCIPAL, ReportIn(hostname=name, software=[SoftwareIn("curl", "7.88.1")]), None)

        async def presence() -> dict[str, str]:
            return dict(await db.fetchall("SELECT hostname, presence FROM assets"))

        async def at(delta: timedelta) -> tuple[int, int, int]:
            clock.now = start + delta
            await service.heartbeat(PRINCIPAL, HeartbeatIn("busy"))
            result = await expire_assets(db, settings, clock.now)
            return result.offline, result.stale, result.deleted

        assert await at(timedelta(minutes=29)) == (0, 0, 0)
        assert await presence() == {"quiet": "online", "busy": "online"}
        assert await at(timedelta(minutes=31)) == (1, 0, 0)
        assert await presence() == {"quiet": "offline", "busy": "online"}
        assert await at(timedelta(days=8)) == (0, 1, 0)
        assert await presence() == {"quiet": "stale", "busy": "online"}
        # Stale assets keep their data.
        assert (await db.fetchone("SELECT COUNT(*) FROM software s JOIN assets a ON a.id = s.asset_id WHERE a.hostname = 'quiet'"))[0] == 1
        # A heartbeat brings an asset back online.
        await service.heartbeat(PRINCIPAL, HeartbeatIn("quiet"))
        assert (await presence())["quiet"] == "online"
        clock.now = start + timedelta(days=8, minutes=40)
        await expire_assets(db, settings, clock.now)
        assert (await presence())["quiet"] == "offline"
        assert await at(timedelta(days=39)) == (0, 0, 1)
        assert await presence() == {"busy": "online"}
        assert (await db.fetchone("SELECT COUNT(*) FROM software"))[0] == 1  # the deleted asset's rows went with it
        await db.close()

    asyncio.run(run())


def test_delete_after_zero_keeps_assets_forever(tmp_path: Path) -> None:
    settings = Settings(data_dir=tmp_path, delete_pending_after=0)
    clock = Clock(datetime(2026, 1, 1, tzinfo=UTC))

    async def run() -> None:
        db = await open_database(settings)
        await AgentService(db, AgentCpeMatcher, settings, clock).heartbeat(PRINCIPAL, HeartbeatIn("old"))
        result = await expire_assets(db, settings, clock.now + timedelta(days=3650))
        assert (result.stale, result.deleted) == (1, 0)
        assert (await db.fetchone("SELECT presence FROM assets"))[0] == "stale"
        await db.close()

    asyncio.run(run())


def test_pending_assets_are_deleted_after_a_day_without_contact(tmp_path: Path) -> None:
    settings = Settings(data_dir=tmp_path)
    assert settings.delete_pending_after == 86400
    clock = Clock(datetime(2026, 1, 1, tzinfo=UTC))

    async def run() -> None:
        db = await open_database(settings)
        service = AgentService(db, AgentCpeMatcher, settings, clock)
        await service.heartbeat(PRINCIPAL, HeartbeatIn("pending-pc"))
        await service.submit(PRINCIPAL, ReportIn("reported-pc", software=[]), None)
        almost = await expire_assets(db, settings, clock.now + timedelta(seconds=86399))
        assert almost.pending_deleted == 0
        result = await expire_assets(db, settings, clock.now + timedelta(days=1, seconds=1))
        assert result.pending_deleted == 1
        assert [r[0] for r in await db.fetchall("SELECT hostname FROM assets")] == ["reported-pc"]
        await db.close()

    asyncio.run(run())
