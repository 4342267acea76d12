"""The Database class: aiosqlite over one SQLite file in WAL mode, with a single serialized write path."""

from __future__ import annotations

import asyncio
import sqlite3
from collections.abc import AsyncIterator, Iterable, Sequence
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

import aiosqlite

from appliance.db.migrations import MIGRATIONS, SCHEMA_VERSION
from appliance.errors import ApplianceError

# synchronous=FULL: in WAL mode, NORMAL may lose the last commits on power loss (not on a
# crash of the process). Agents are told "200 means stored", and a small office box may lose
# power, so every commit is fsynced. See https://www.sqlite.org/pragma.html#pragma_synchronous
_PRAGMAS = (
    "PRAGMA journal_mode = WAL",
    "PRAGMA synchronous = FULL",
    "PRAGMA foreign_keys = ON",
    "PRAGMA busy_timeout = 10000",
)


class DatabaseError(ApplianceError):
    """The database could not be opened, migrated or written."""

    code = "database_error"


class Database:
    """One SQLite file: a writer connection behind a lock, and a separate read-only reader.

    Every write goes through ``transaction()``: BEGIN IMMEDIATE, the caller's statements,
    COMMIT, or ROLLBACK on any exception, so a rejected request changes nothing. Reads use
    their own connection; with WAL they see the last commit and never wait on a writer.
    """

    def __init__(self, path: Path) -> None:
        self.path = Path(path)
        self._writer: aiosqlite.Connection | None = None
        self._reader: aiosqlite.Connection | None = None
        self._write_lock = asyncio.Lock()

    async def open(self) -> None:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        try:
            self._writer = await aiosqlite.connect(self.path, isolation_level=None)
            for pragma in _PRAGMAS:
                await self._writer.execute(pragma)
            await self._migrate(self._writer)
            self._reader = await aiosqlite.connect(f"file:{self.path}?mode=ro", uri=True, isolation_level=None)
            await self._reader.execute("PRAGMA busy_timeout = 10000")
            await self._reader.execute("PRAGMA query_only = ON")
        except sqlite3.Error as exc:
            await self.close()
            raise DatabaseError(f"cannot open database {self.path}: {exc}") from exc

    async def close(self) -> None:
        """Checkpoint the WAL into the main file and close both connections."""
        if self._reader is not None:
            await self._reader.close()
            self._reader = None
        if self._writer is not None:
            async with self._write_lock:
                try:
                    await self._writer.execute("PRAGMA wal_checkpoint(TRUNCATE)")
                except sqlite3.Error:
                    pass  # the data is safe in the WAL; the next open checkpoints it
                await self._writer.close()
                self._writer = None

    async def _migrate(self, conn: aiosqlite.Connection) -> None:
        # The version is read inside the write transaction, so a CLI command and the server
        # starting together cannot both apply the same migration.
        await conn.execute("BEGIN IMMEDIATE")
        try:
            (version,) = await (await conn.execute("PRAGMA user_version")).fetchone()  # type: ignore[misc]
            if version > SCHEMA_VERSION:
                raise DatabaseError(
                    f"database {self.path} has schema version {version}, newer than this program's {SCHEMA_VERSION}"
                )
            for number in range(version, SCHEMA_VERSION):
                for statement in _statements(MIGRATIONS[number]):
                    await conn.execute(statement)
                await conn.execute(f"PRAGMA user_version = {number + 1}")
            await conn.execute("COMMIT")
        except BaseException:
            await conn.execute("ROLLBACK")
            raise

    @property
    def schema_version(self) -> int:
        return SCHEMA_VERSION

    @asynccontextmanager
    async def transaction(self) -> AsyncIterator[aiosqlite.Connection]:
        """The single write path: one serialized transaction, committed only if the block succeeds."""
        if self._writer is None:
            raise DatabaseError("database is not open")
        async with self._write_lock:
            await self._writer.execute("BEGIN IMMEDIATE")
            try:
                yield self._writer
            except BaseException:
                await self._writer.execute("ROLLBACK")
                raise
            try:
                await self._writer.execute("COMMIT")
            except sqlite3.Error as exc:
                await self._writer.execute("ROLLBACK")
                raise DatabaseError(f"commit failed: {exc}") from exc

    async def fetchall(self, sql: str, params: Sequence[Any] | dict[str, Any] = ()) -> list[sqlite3.Row | tuple]:
        """Run a read-only query on the reader connection."""
        if self._reader is None:
            raise DatabaseError("database is not open")
        cursor = await self._reader.execute(sql, params)
        try:
            return list(await cursor.fetchall())
        finally:
            await cursor.close()

    async def fetchone(self, sql: str, params: Sequence[Any] | dict[str, Any] = ()) -> tuple | None:
        rows = await self.fetchall(sql, params)
        return rows[0] if rows else None


def _statements(script: str) -> Iterable[str]:
    """Split a migration script into statements, using SQLite's own completeness check."""
    buffer = ""
    for line in script.splitlines(keepends=True):
        buffer += line
        if sqlite3.complete_statement(buffer):
            if buffer.strip():
                yield buffer.strip()
            buffer = ""
    if buffer.strip():
        raise DatabaseError(f"incomplete statement in migration: {buffer.strip()[:80]}")
