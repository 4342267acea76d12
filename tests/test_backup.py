"""sentrikat backup: a consistent copy of a live data dir that is itself a data dir, never migrated."""

from __future__ import annotations

import json
import sqlite3
import threading
from pathlib import Path

from tests.conftest import Server, run_cli


def _report(hostname: str, count: int) -> dict:
    return {"hostname": hostname, "software": [{"name": f"app-{i}", "version": "1.0"} for i in range(count)]}


def test_backup_while_the_server_writes_and_serve_from_it(make_server, tmp_path: Path) -> None:
    srv: Server = make_server(SENTRIKAT_RATE_REPORT="0")
    key = srv.create_key()
    with srv.client(key) as client:
        assert client.post("/api/agent/report", json=_report("before-backup", 50)).status_code == 200
        # Keep writing while the backup runs: the copy must still be one consistent snapshot.
        stop = threading.Event()

        def write() -> None:
            n = 0
            while not stop.is_set():
                client.post("/api/agent/report", json=_report(f"during-{n}", 20))
                n += 1

        writer = threading.Thread(target=write)
        writer.start()
        try:
            result = json.loads(srv.cli("backup", str(tmp_path / "backup"), "--json").stdout)
        finally:
            stop.set()
            writer.join()
    assert result["destination"] == str(tmp_path / "backup")
    assert result["secret_key"] is True and result["schema_version"] > 0 and result["database_bytes"] > 0
    backup = tmp_path / "backup"
    assert sorted(p.name for p in backup.iterdir()) == ["secret.key", "sentrikat.db"]
    assert backup.stat().st_mode & 0o777 == 0o700
    assert (backup / "secret.key").stat().st_mode & 0o777 == 0o600
    assert (backup / "secret.key").read_bytes() == (srv.data_dir / "secret.key").read_bytes()
    with sqlite3.connect(backup / "sentrikat.db") as conn:
        assert conn.execute("PRAGMA integrity_check").fetchone() == ("ok",)
        assert conn.execute("PRAGMA journal_mode").fetchone() == ("delete",)
        assert conn.execute("SELECT COUNT(*) FROM assets WHERE hostname = 'before-backup'").fetchone() == (1,)

    # The backup folder is a complete data dir: the server runs on it and the old key works.
    restored = Server(backup, {"SENTRIKAT_FEED_DIR": str(tmp_path / "no-feed")})
    restored.start()
    try:
        with restored.client(key) as client:
            config = client.get("/api/agent/config", params={"hostname": "before-backup"})
            assert config.status_code == 200 and config.json()["force_full_scan"] is False
    finally:
        assert restored.stop() == 0


def test_backup_refuses_a_used_destination_and_a_missing_database(tmp_path: Path) -> None:
    (tmp_path / "data").mkdir()
    run_cli(tmp_path / "data", "orgs", "create", "Backed up")
    (tmp_path / "used").mkdir()
    (tmp_path / "used" / "keep.txt").write_text("mine")
    used = run_cli(tmp_path / "data", "backup", str(tmp_path / "used"), check=False)
    assert used.returncode == 1 and "not an empty folder" in used.stderr
    assert [p.name for p in (tmp_path / "used").iterdir()] == ["keep.txt"]

    missing = run_cli(tmp_path / "nothing", "backup", str(tmp_path / "b"), check=False)
    assert missing.returncode == 1 and "no database" in missing.stderr
    assert not (tmp_path / "b").exists()

    (tmp_path / "empty").mkdir()
    text = run_cli(tmp_path / "data", "backup", str(tmp_path / "empty")).stdout
    assert "Backed up" in text and "To restore" in text
    assert (tmp_path / "empty" / "sentrikat.db").is_file()
    # With the server stopped, the backup leaves no -wal/-shm files (they would belong to
    # whoever ran it, e.g. root, and lock the server's user out).
    assert [p.name for p in (tmp_path / "data").iterdir() if p.name.endswith(("-wal", "-shm"))] == []


def test_backup_does_not_migrate(tmp_path: Path) -> None:
    """A backup taken before an upgrade keeps the old schema, even when the newer program takes it."""
    data = tmp_path / "old"
    data.mkdir()
    with sqlite3.connect(data / "sentrikat.db") as conn:
        conn.execute("CREATE TABLE legacy (x)")
        conn.execute("PRAGMA user_version = 0")
    result = json.loads(run_cli(data, "backup", str(tmp_path / "b"), "--json").stdout)
    assert result["schema_version"] == 0 and result["secret_key"] is False
    with sqlite3.connect(tmp_path / "b" / "sentrikat.db") as conn:
        assert conn.execute("PRAGMA user_version").fetchone() == (0,)
        assert [r[0] for r in conn.execute("SELECT name FROM sqlite_master")] == ["legacy"]
    with sqlite3.connect(data / "sentrikat.db") as conn:
        assert conn.execute("PRAGMA user_version").fetchone() == (0,)
