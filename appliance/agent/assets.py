"""Asset administration for the CLI and admins on the status page: list, delete, move to another organization."""

from __future__ import annotations

import msgspec

from appliance.db import Database
from appliance.errors import ApplianceError
from appliance.ids import AssetId, OrganizationId


class AssetAdminError(ApplianceError):
    """An asset command named something that does not exist."""

    code = "invalid_request"


class UnknownAsset(AssetAdminError):
    code = "asset_not_found"


class AssetRow(msgspec.Struct, frozen=True):
    """One asset as `sentrikat assets list` shows it."""

    id: AssetId
    organization_id: OrganizationId
    organization: str
    hostname: str
    status: str
    presence: str
    os: str
    first_seen: str
    last_seen: str
    last_full_report_at: str | None
    software_count: int
    vulnerability_count: int


class AssetChange(msgspec.Struct, frozen=True):
    """What a delete or move did, for --json and the status page."""

    id: AssetId
    hostname: str
    organization_id: OrganizationId
    action: str


class AssetAdmin:
    """Admin operations on assets. Deleting removes the asset's software, findings and container
    scans with it (ON DELETE CASCADE); moving keeps them and gives the asset to another organization."""

    def __init__(self, db: Database) -> None:
        self.db = db

    async def list(self, organization: int | None = None) -> list[AssetRow]:
        where, params = ("WHERE a.organization_id = ?", (organization,)) if organization is not None else ("", ())
        rows = await self.db.fetchall(
            "SELECT a.id, a.organization_id, o.name, a.hostname, a.status, a.presence, a.os, a.first_seen, a.last_seen,"
            " a.last_full_report_at, a.software_count, a.vulnerability_count"
            f" FROM assets a JOIN organizations o ON o.id = a.organization_id {where} ORDER BY a.id",
            params,
        )
        return [AssetRow(*row) for row in rows]

    async def delete(self, asset_id: int) -> AssetChange:
        async with self.db.transaction() as tx:
            row = await (await tx.execute("SELECT hostname, organization_id FROM assets WHERE id = ?", (asset_id,))).fetchone()
            if row is None:
                raise UnknownAsset(f"there is no asset {asset_id}", field="asset_id")
            await tx.execute("DELETE FROM assets WHERE id = ?", (asset_id,))
        return AssetChange(AssetId(asset_id), row[0], OrganizationId(row[1]), "deleted")

    async def move(self, asset_id: int, organization: int) -> AssetChange:
        """Give the asset (and everything stored about it) to ``organization``."""
        async with self.db.transaction() as tx:
            row = await (await tx.execute("SELECT hostname FROM assets WHERE id = ?", (asset_id,))).fetchone()
            if row is None:
                raise UnknownAsset(f"there is no asset {asset_id}", field="asset_id")
            org = await (await tx.execute("SELECT 1 FROM organizations WHERE id = ?", (organization,))).fetchone()
            if org is None:
                raise AssetAdminError(f"there is no organization {organization}", field="organization_id")
            await tx.execute("UPDATE assets SET organization_id = ? WHERE id = ?", (organization, asset_id))
        return AssetChange(AssetId(asset_id), row[0], OrganizationId(organization), "moved")
