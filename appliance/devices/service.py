"""What the adding-devices endpoints do: agent keys through the one KeyService, install lines, recent enrollments."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import datetime, timedelta

from appliance.auth.keys import KeyInfo, KeyManagementError, KeyService
from appliance.db import Database
from appliance.devices.base import CreatedKey, KeyIn, KeyList, RecentDevice, RecentDevices
from appliance.devices.install import install
from appliance.devices.scripts import AgentScript
from appliance.timeutil import iso, utc_now

MAX_RECENT = 200


class DeviceService:
    """Creates, lists and revokes keys (KeyService does the writing), builds install lines, lists new devices.

    ``fingerprint`` is the SHA-256 of the certificate the server speaks HTTPS with, None without HTTPS.
    """

    def __init__(
        self,
        db: Database,
        keys: KeyService,
        scripts: Mapping[str, AgentScript],
        fingerprint: str | None,
        clock: Callable[[], datetime] = utc_now,
    ) -> None:
        self.db = db
        self.keys = keys
        self.scripts = scripts
        self.fingerprint = fingerprint
        self._clock = clock

    async def _info(self, key_id: int) -> KeyInfo:
        return (await self.keys.list(key_id))[0]

    async def create_key(self, body: KeyIn, server: str) -> CreatedKey:
        """Mint the key (UnknownOrganization, KeyManagementError change nothing); agent keys come with install lines."""
        if not body.name.strip():
            raise KeyManagementError("a key name must not be blank", field="name")
        new = await self.keys.create(body.organization_id, list(body.scopes), body.name.strip())
        info = await self._info(new.id)
        fingerprint = self.fingerprint if server.startswith("https:") else None
        lines = install(server, new.key, fingerprint, self.scripts) if "agent" in new.scopes else None
        return CreatedKey(
            new.id, new.key, new.organization_id, info.organization, new.name, new.scopes, info.prefix, info.created_at, lines
        )

    async def list_keys(self) -> KeyList:
        return KeyList(await self.keys.list())

    async def revoke(self, key_id: int) -> KeyInfo:
        """Revoke and answer the key as it now is; KeyNotFound (404), KeyAlreadyRevoked (409)."""
        await self.keys.revoke(key_id)
        return await self._info(key_id)

    async def recent(self, minutes: int) -> RecentDevices:
        """Assets first seen within the last ``minutes``, newest first: the page shows new PCs arriving."""
        since = iso(self._clock() - timedelta(minutes=minutes))
        rows = await self.db.fetchall(
            "SELECT a.id, a.hostname, a.os, a.organization_id, o.name,"
            " CASE WHEN a.status = 'pending' THEN 'pending' ELSE a.presence END,"
            " a.first_seen, a.last_seen, a.software_count, a.api_key_id, k.name"
            " FROM assets a JOIN organizations o ON o.id = a.organization_id LEFT JOIN api_keys k ON k.id = a.api_key_id"
            " WHERE a.first_seen >= ? ORDER BY a.first_seen DESC, a.id DESC LIMIT ?",
            (since, MAX_RECENT),
        )
        return RecentDevices(since, minutes, [RecentDevice(*r) for r in rows])
