"""The migration that adds the triage record (comment, who, when) to container findings, on an older database."""

from __future__ import annotations

import asyncio
import sqlite3
from pathlib import Path

from appliance.db import Database
from appliance.db.migrations import MIGRATIONS, SCHEMA_VERSION
from tests.db.conftest import database_before


def test_the_migration_adds_the_triage_record_to_an_older_database(tmp_path: Path) -> None:
    step = max(i for i, sql in enumerate(MIGRATIONS) if "triage_comment" in sql)
    path = tmp_path / "old.db"
    conn = database_before(path, step)
    now = "2026-01-01T00:00:00Z"
    conn.execute("INSERT INTO assets (id, organization_id, hostname, status, first_seen, last_seen) VALUES (1, 1, 'h', 'active', ?, ?)",
                 (now, now))
    conn.execute("INSERT INTO container_images (id, asset_id, image_name, image_tag, image_id, scanner, first_seen, last_scan_at)"
                 " VALUES (1, 1, 'web', '1', '', 'trivy', ?, ?)", (now, now))
    conn.execute("INSERT INTO container_findings (container_image_id, asset_id, vulnerability_id, pkg_name, installed_version,"
                 " target, triage, first_seen, last_seen) VALUES (1, 1, 'CVE-1', 'p', '1', 't', 'accepted_risk', ?, ?)", (now, now))
    conn.commit()
    conn.close()

    async def migrate() -> list[tuple]:
        db = Database(path)
        await db.open()
        try:
            return await db.fetchall("SELECT triage, triage_comment, triage_by, triage_at FROM container_findings")
        finally:
            await db.close()

    assert asyncio.run(migrate()) == [("accepted_risk", "", None, None)]
    with sqlite3.connect(path) as conn:
        assert conn.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION
