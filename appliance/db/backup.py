"""Online backup of a data dir: a consistent copy of the database and the key secret, safe while the server runs."""

from __future__ import annotations

import os
import shutil
import sqlite3
import time
from pathlib import Path

import msgspec

from appliance.errors import ApplianceError

DATABASE_FILE = "sentrikat.db"
SECRET_FILE = "secret.key"


class BackupError(ApplianceError):
    """The backup could not be made; nothing usable was left at the destination."""

    code = "backup_error"


class BackupResult(msgspec.Struct, frozen=True):
    destination: str
    schema_version: int
    database_bytes: int
    secret_key: bool
    seconds: float


def backup_data_dir(data_dir: Path, destination: Path) -> BackupResult:
    """Copy ``data_dir``'s database and key secret into ``destination``, which becomes a data dir itself.

    The database is copied with SQLite's online backup API in one step, inside one read
    transaction: the copy is the database as of one commit, and in WAL mode the server keeps
    writing meanwhile. A plain file copy of a live WAL database can miss commits or tear pages.
    The copy is not migrated (the database is opened with plain sqlite3, not Database), so a
    backup taken before an upgrade keeps the old schema. The key secret is copied too: without
    it the database's API keys cannot be validated.
    """
    started = time.perf_counter()
    source = Path(data_dir) / DATABASE_FILE
    if not source.is_file():
        raise BackupError(f"no database at {source}")
    destination = Path(destination)
    if destination.exists() and (not destination.is_dir() or any(destination.iterdir())):
        raise BackupError(f"{destination} exists and is not an empty folder; choose a new one")
    created = not destination.exists()
    destination.mkdir(mode=0o700, parents=True, exist_ok=True)
    partial = destination / (DATABASE_FILE + ".partial")
    secret = Path(data_dir) / SECRET_FILE
    copied_secret = False
    try:
        schema_version = _copy_database(source, partial)
        _fsync(partial)
        os.replace(partial, destination / DATABASE_FILE)
        if secret.is_file():
            fd = os.open(destination / SECRET_FILE, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
            with os.fdopen(fd, "wb") as handle:
                handle.write(secret.read_bytes())
                handle.flush()
                os.fsync(handle.fileno())
            copied_secret = True
        _fsync(destination)
    except BaseException as exc:
        # Leave nothing that could be mistaken for a good backup.
        for name in (partial.name, DATABASE_FILE, SECRET_FILE):
            (destination / name).unlink(missing_ok=True)
        if created:
            shutil.rmtree(destination, ignore_errors=True)
        if isinstance(exc, (sqlite3.Error, OSError)):
            raise BackupError(f"backup of {source} to {destination} failed: {exc}") from exc
        raise
    return BackupResult(
        str(destination), schema_version, (destination / DATABASE_FILE).stat().st_size, copied_secret,
        round(time.perf_counter() - started, 3),
    )


def _copy_database(source: Path, target: Path) -> int:
    """The online backup itself; returns the copy's schema version after checking its integrity."""
    # Read-write, though nothing is written: when the server is stopped, this is the last
    # connection and SQLite removes the -wal and -shm files it needed when it closes. A read-only
    # connection would leave them behind, owned by whoever ran the backup (root, say), and the
    # server's user could then not open the database. Read-only only where writing is not allowed.
    try:
        src = sqlite3.connect(f"file:{source}?mode=rw", uri=True)
        src.execute("PRAGMA schema_version").fetchone()
    except sqlite3.Error:
        src = sqlite3.connect(f"file:{source}?mode=ro", uri=True)
    try:
        src.execute("PRAGMA busy_timeout = 10000")
        fd = os.open(target, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        os.close(fd)
        dst = sqlite3.connect(target)
        try:
            src.backup(dst)  # pages=-1: the whole database in one step, from one snapshot
            # One self-contained file: rollback journal mode. The server switches it back to
            # WAL when it opens the copy.
            dst.execute("PRAGMA journal_mode = DELETE")
            (check,) = dst.execute("PRAGMA integrity_check").fetchone()
            if check != "ok":
                raise BackupError(f"the copy of {source} fails its integrity check: {check}")
            (schema_version,) = dst.execute("PRAGMA user_version").fetchone()
        finally:
            dst.close()
    finally:
        src.close()
    return int(schema_version)


def _fsync(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)
