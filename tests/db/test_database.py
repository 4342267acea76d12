"""The Database class on real SQLite files: migrations, WAL, rollback, reads beside writes."""

from __future__ import annotations

import asyncio
import sqlite3
from pathlib import Path

import pytest

from appliance.db import Database, DatabaseError
from appliance.db.migrations import SCHEMA_VERSION


def run(coro):
    return asyncio.run(coro)


def test_new_database_is_migrated_with_default_organization(tmp_path: Path) -> None:
    async def go() -> None:
        db = Database(tmp_path / "x" / "s.db")
        await db.open()
        assert await db.fetchall("SELECT id, name FROM organizations") == [(1, "Default")]
        assert (await db.fetchone("PRAGMA journal_mode"))[0] == "wal"
        await db.close()

    run(go())
    conn = sqlite3.connect(tmp_path / "x" / "s.db")
    assert conn.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION
    # Reopening does not apply migrations twice.
    run(_open_close(tmp_path / "x" / "s.db"))
    assert conn.execute("SELECT COUNT(*) FROM organizations").fetchone()[0] == 1


async def _open_close(path: Path) -> None:
    db = Database(path)
    await db.open()
    await db.close()


def test_failed_transaction_changes_nothing(tmp_path: Path) -> None:
    async def go() -> None:
        db = Database(tmp_path / "s.db")
        await db.open()
        with pytest.raises(RuntimeError):
            async with db.transaction() as tx:
                await tx.execute("INSERT INTO organizations (name, created_at) VALUES ('a', 'now')")
                raise RuntimeError("abort")
        assert await db.fetchall("SELECT name FROM organizations") == [("Default",)]
        await db.close()

    run(go())


def test_reads_do_not_wait_for_an_open_write(tmp_path: Path) -> None:
    async def go() -> None:
        db = Database(tmp_path / "s.db")
        await db.open()
        async with db.transaction() as tx:
            await tx.execute("INSERT INTO organizations (name, created_at) VALUES ('a', 'now')")
            # The write is not committed yet: the reader sees the last commit, at once.
            rows = await asyncio.wait_for(db.fetchall("SELECT name FROM organizations"), timeout=2)
            assert rows == [("Default",)]
        assert len(await db.fetchall("SELECT name FROM organizations")) == 2
        await db.close()

    run(go())


def test_newer_schema_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "s.db"
    run(_open_close(path))
    conn = sqlite3.connect(path)
    conn.execute(f"PRAGMA user_version = {SCHEMA_VERSION + 1}")
    conn.commit()
    conn.close()
    with pytest.raises(DatabaseError, match="newer"):
        run(_open_close(path))


def test_group_commit_keeps_each_transaction_whole(tmp_path: Path) -> None:
    """Many transactions at once share COMMITs; one that fails is rolled back alone, and every
    block that returned is committed (visible to a fresh connection) by the time it returns."""
    path = tmp_path / "s.db"

    async def go() -> None:
        db = Database(path)
        await db.open()
        committed: list[str] = []

        async def write(n: int) -> None:
            async with db.transaction() as tx:
                await tx.execute("INSERT INTO organizations (name, created_at) VALUES (?, 'now')", (f"org-{n}",))
                await asyncio.sleep(0)  # let the others queue up behind the lock
                if n % 5 == 0:
                    raise ValueError(n)
            with sqlite3.connect(path) as other:
                assert other.execute("SELECT 1 FROM organizations WHERE name = ?", (f"org-{n}",)).fetchone()
            committed.append(f"org-{n}")

        outcomes = await asyncio.gather(*(write(n) for n in range(1, 41)), return_exceptions=True)
        assert sorted(str(o) for o in outcomes if isinstance(o, ValueError)) == sorted(str(n) for n in range(5, 41, 5))
        names = {r[0] for r in await db.fetchall("SELECT name FROM organizations")}
        assert names == {"Default", *committed} and len(committed) == 32
        await db.close()

    run(go())


def test_run_executes_a_whole_transaction_in_the_writer_thread(tmp_path: Path) -> None:
    async def go() -> None:
        db = Database(tmp_path / "s.db")
        await db.open()

        def work(conn: sqlite3.Connection) -> int:
            conn.execute("INSERT INTO organizations (name, created_at) VALUES ('a', 'now')")
            return conn.execute("SELECT COUNT(*) FROM organizations").fetchone()[0]

        def fail(conn: sqlite3.Connection) -> None:
            conn.execute("INSERT INTO organizations (name, created_at) VALUES ('b', 'now')")
            raise ValueError("abort")

        assert await db.run(work) == 2
        with pytest.raises(ValueError):
            await db.run(fail)
        assert await db.fetchall("SELECT name FROM organizations ORDER BY id") == [("Default",), ("a",)]
        await db.close()

    run(go())
