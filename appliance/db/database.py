"""The Database class: aiosqlite over one SQLite file in WAL mode, with a single serialized write path."""

from __future__ import annotations

import asyncio
import contextlib
import sqlite3
import time
from collections.abc import AsyncIterator, Callable, Iterable, Sequence
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any, TypeVar

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

T = TypeVar("T")

# Group commit bounds: a group is committed once it holds this many transactions or is this
# many seconds old, even while more transactions wait, so no answer waits long for its COMMIT.
GROUP_MAX = 64
GROUP_WINDOW = 0.025


class DatabaseError(ApplianceError):
    """The database could not be opened, migrated or written."""

    code = "database_error"


class Database:
    """One SQLite file: a writer connection behind a lock, and a separate read-only reader.

    Every write goes through ``transaction()``: the caller's statements in a savepoint,
    rolled back on any exception, so a rejected request changes nothing, and committed
    (fsynced) before the block exits, together with the transactions that finished at the
    same time (group commit). Reads use their own connection; with WAL they see the last
    commit and never wait on a writer.
    """

    def __init__(self, path: Path) -> None:
        self.path = Path(path)
        self._writer: aiosqlite.Connection | None = None
        self._reader: aiosqlite.Connection | None = None
        self._write_lock = asyncio.Lock()
        # Group commit: transactions that finish while others wait for the lock share one COMMIT.
        self._waiting = 0  # transactions waiting for the write lock
        self._group: list[asyncio.Future[None]] = []  # finished transactions awaiting the group's COMMIT
        self._group_open = False
        self._group_started = 0.0
        self._later: asyncio.Task[None] | None = None

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
                if self._group_open:
                    await self._commit()
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
        """The single write path: one serialized transaction, committed (and on disk) when the block exits.

        Each block runs in a SAVEPOINT of a shared SQLite transaction. A block that raises is
        rolled back to its savepoint, so it changes nothing. A block that succeeds waits for
        the COMMIT of its group: transactions that finish while others wait for the lock are
        committed together, so one fsync (synchronous=FULL) serves many requests. The group
        is committed as soon as nobody waits, or when it holds GROUP_MAX transactions or is
        GROUP_WINDOW seconds old. Leaving the block means committed; a failed COMMIT raises
        DatabaseError in every block of the group.
        """
        if self._writer is None:
            raise DatabaseError("database is not open")
        self._waiting += 1
        try:
            await self._write_lock.acquire()
        except BaseException:
            self._waiting -= 1
            self._commit_if_abandoned()
            raise
        self._waiting -= 1
        done: asyncio.Future[None] | None = None
        try:
            writer = self._writer
            if writer is None:
                raise DatabaseError("database is not open")
            try:
                if not self._group_open:
                    await writer.execute("BEGIN IMMEDIATE")
                    self._group_open, self._group_started = True, time.monotonic()
                await writer.execute("SAVEPOINT request")
            except sqlite3.Error as exc:
                raise DatabaseError(f"cannot start a transaction: {exc}") from exc
            try:
                yield writer
            except BaseException:
                await self._undo(writer)
                raise
            try:
                await writer.execute("RELEASE request")
            except sqlite3.Error as exc:
                await self._abandon(DatabaseError(f"transaction lost: {exc}"))
                raise DatabaseError(f"transaction lost: {exc}") from exc
            done = asyncio.get_running_loop().create_future()
            self._group.append(done)
        finally:
            if self._group_open and (
                self._waiting == 0
                or len(self._group) >= GROUP_MAX
                or time.monotonic() - self._group_started >= GROUP_WINDOW
            ):
                await self._commit()
            self._write_lock.release()
        await asyncio.shield(done)

    async def run(self, work: Callable[[sqlite3.Connection], T]) -> T:
        """``work(connection)`` as one transaction of the single write path, run in the writer's thread.

        For request paths whose statements need nothing from the event loop in between: the
        whole block costs one hand-over to the database thread, so the write lock is held only
        for the SQL itself, not for the wait between statements while the loop serves others.
        """
        async with self.transaction() as tx:
            return await in_writer(tx, work)

    async def _undo(self, writer: aiosqlite.Connection) -> None:
        """Roll a failed block back to its savepoint; if SQLite ended the whole transaction, fail the group."""
        try:
            await writer.execute("ROLLBACK TO request")
            await writer.execute("RELEASE request")
        except sqlite3.Error as exc:
            await self._abandon(DatabaseError(f"transaction lost: {exc}"))

    async def _commit(self) -> None:
        """COMMIT the open group (ROLLBACK if it holds no finished block) and tell its blocks."""
        assert self._writer is not None
        group, self._group, self._group_open = self._group, [], False
        if not group:
            with contextlib.suppress(sqlite3.Error):
                await self._writer.execute("ROLLBACK")
            return
        try:
            await self._writer.execute("COMMIT")
        except sqlite3.Error as exc:
            with contextlib.suppress(sqlite3.Error):
                await self._writer.execute("ROLLBACK")
            _settle(group, DatabaseError(f"commit failed: {exc}"))
            return
        _settle(group, None)

    async def _abandon(self, error: DatabaseError) -> None:
        assert self._writer is not None
        group, self._group, self._group_open = self._group, [], False
        with contextlib.suppress(sqlite3.Error):
            await self._writer.execute("ROLLBACK")
        _settle(group, error)

    def _commit_if_abandoned(self) -> None:
        """A waiter gave up (cancelled): if it was the one the open group counted on, commit the group."""
        if self._waiting == 0 and self._group_open and (self._later is None or self._later.done()):

            async def commit() -> None:
                async with self._write_lock:
                    if self._group_open and self._writer is not None:
                        await self._commit()

            self._later = asyncio.ensure_future(commit())

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


async def in_writer(tx: aiosqlite.Connection, work: Callable[..., T], *args: Any) -> T:
    """Run ``work(connection, *args)`` in the thread of ``tx`` (a connection ``transaction()`` yielded).

    aiosqlite owns its sqlite3 connection in a thread of its own and queues every call to it;
    this queues one plain function (aiosqlite's ``_execute``), so several statements cost one
    round trip instead of one each.
    """
    return await tx._execute(work, tx._conn, *args)


def _settle(group: list[asyncio.Future[None]], error: DatabaseError | None) -> None:
    for future in group:
        if future.done():
            continue
        if error is None:
            future.set_result(None)
        else:
            future.set_exception(error)


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
