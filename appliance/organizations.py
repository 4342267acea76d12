"""Organizations (tenants): every asset and API key belongs to exactly one."""

from __future__ import annotations

import sqlite3

import msgspec

from appliance.db import Database
from appliance.errors import ApplianceError
from appliance.ids import OrganizationId
from appliance.timeutil import now_iso


class OrganizationError(ApplianceError):
    code = "organization_error"


class Organization(msgspec.Struct, frozen=True):
    id: OrganizationId
    name: str
    created_at: str


class OrganizationService:
    def __init__(self, db: Database) -> None:
        self.db = db

    async def create(self, name: str) -> Organization:
        name = name.strip()
        if not name or len(name) > 200:
            raise OrganizationError("an organization name must have 1 to 200 characters")
        created = now_iso()
        try:
            async with self.db.transaction() as tx:
                cursor = await tx.execute(
                    "INSERT INTO organizations (name, created_at) VALUES (?, ?)", (name, created)
                )
        except sqlite3.IntegrityError as exc:
            raise OrganizationError(f"an organization named {name!r} already exists") from exc
        return Organization(OrganizationId(cursor.lastrowid or 0), name, created)

    async def list(self) -> list[Organization]:
        rows = await self.db.fetchall("SELECT id, name, created_at FROM organizations ORDER BY id")
        return [Organization(OrganizationId(r[0]), r[1], r[2]) for r in rows]
