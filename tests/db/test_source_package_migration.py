"""The migration that adds software.source_package, on a database written by the schema before it."""

from __future__ import annotations

import asyncio
import sqlite3
from pathlib import Path

from appliance.db import Database
from appliance.db.migrations import MIGRATIONS, SCHEMA_VERSION
from tests.db.conftest import database_before

NOW = "2026-01-01T00:00:00Z"
# The step that adds the column: the last one that names it (other helpers may append steps after it).
STEP = max(i for i, sql in enumerate(MIGRATIONS) if "source_package" in sql)


def test_existing_rows_get_an_empty_hint_and_new_rows_keep_theirs(tmp_path: Path) -> None:
    path = tmp_path / "old.db"
    conn = database_before(path, STEP)
    conn.execute("INSERT INTO assets (id, organization_id, hostname, status, first_seen, last_seen)"
                 " VALUES (1, 1, 'old-host', 'active', ?, ?)", (NOW, NOW))
    conn.execute("INSERT INTO software (asset_id, name, version, source, first_seen) VALUES (1, 'bsdutils', '2.38.1', 'dpkg', ?)",
                 (NOW,))
    conn.commit()
    conn.close()

    async def migrate() -> list[tuple]:
        db = Database(path)
        await db.open()
        try:
            async with db.transaction() as tx:
                await tx.execute("INSERT INTO software (asset_id, name, version, source, source_package, first_seen)"
                                 " VALUES (1, 'mount', '2.38.1', 'dpkg', 'util-linux', ?)", (NOW,))
            return await db.fetchall("SELECT name, source, source_package FROM software ORDER BY name")
        finally:
            await db.close()

    assert asyncio.run(migrate()) == [("bsdutils", "dpkg", ""), ("mount", "dpkg", "util-linux")]
    with sqlite3.connect(path) as conn:
        assert conn.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION
