"""Migration 5 on a database written by the previous schema: every asset's counts are filled in from its rows."""

from __future__ import annotations

import asyncio
from pathlib import Path

from appliance.db import Database
from tests.db.conftest import database_before

NOW = "2026-01-01T00:00:00Z"


def schema_4_database(path: Path) -> None:
    """A database as the program before migration 5 left it, with a host that has software, host
    findings (one CVE on two items) and container findings (one resolved, one shared with the host)."""
    conn = database_before(path, 4)
    conn.execute(
        "INSERT INTO assets (id, organization_id, hostname, status, first_seen, last_seen) VALUES"
        " (1, 1, 'old-host', 'active', ?, ?), (2, 1, 'empty-host', 'pending', ?, ?)", (NOW,) * 4
    )
    conn.executemany(
        "INSERT INTO software (id, asset_id, name, version, match_cpe, first_seen) VALUES (?, 1, ?, ?, ?, ?)",
        [(1, "libcurl4", "7.88.1", "cpe:2.3:a:haxx:libcurl:7.88.1:*:*:*:*:*:*:*", NOW),
         (2, "curl", "7.88.1", "cpe:2.3:a:haxx:curl:7.88.1:*:*:*:*:*:*:*", NOW),
         (3, "fonts-dejavu", "2.37", None, NOW)],
    )
    conn.executemany(
        "INSERT INTO findings (asset_id, software_id, cve, cvss, kev, first_seen, last_seen) VALUES (1, ?, ?, ?, ?, ?, ?)",
        [(1, "CVE-2023-38545", 9.8, 0, NOW, NOW), (2, "CVE-2023-38545", 9.8, 0, NOW, NOW),
         (2, "CVE-2023-4863", 8.8, 1, NOW, NOW)],
    )
    conn.execute(
        "INSERT INTO container_images (id, asset_id, image_name, scanner, first_seen, last_scan_at)"
        " VALUES (1, 1, 'nginx', 'trivy', ?, ?)", (NOW, NOW)
    )
    conn.executemany(
        "INSERT INTO container_findings (container_image_id, asset_id, vulnerability_id, pkg_name, installed_version,"
        " target, cvss, kev, first_seen, last_seen, resolved_at) VALUES (1, 1, ?, ?, '1', 't', ?, ?, ?, ?, ?)",
        [("CVE-2014-6271", "bash", 10.0, 1, NOW, NOW, NOW),  # resolved: counts for nothing
         ("CVE-2023-4863", "libwebp", 8.8, 1, NOW, NOW, None),  # also on the host: counted once
         ("CVE-2019-18224", "libidn2", 9.8, 0, NOW, NOW, None)],
    )
    conn.commit()
    conn.close()


def test_counts_are_backfilled(tmp_path: Path) -> None:
    path = tmp_path / "old.db"
    schema_4_database(path)

    async def migrate() -> list[tuple]:
        db = Database(path)
        await db.open()
        try:
            return await db.fetchall(
                "SELECT hostname, software_count, matched_count, vulnerability_count, kev_count, max_cvss,"
                " container_image_count FROM assets ORDER BY id"
            )
        finally:
            await db.close()

    assert asyncio.run(migrate()) == [
        # 3 items, 2 identified; CVE-2023-38545, CVE-2023-4863, CVE-2019-18224; KEV: CVE-2023-4863 only.
        ("old-host", 3, 2, 3, 1, 9.8, 1),
        ("empty-host", 0, 0, 0, 0, None, 0),
    ]
