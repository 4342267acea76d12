"""The data dir on disk: private permissions (folder 0700, files 0600) and the checks serve runs before it starts."""

from __future__ import annotations

import errno
import os
import socket
import sqlite3
import stat
import tempfile
from pathlib import Path

from appliance.errors import ApplianceError

DIR_MODE = 0o700
FILE_MODE = 0o600
# The process umask for every command: files SQLite creates (the database, its -wal and -shm),
# the key secret, backups and feeds are then private whatever the umask of the shell was.
PRIVATE_UMASK = 0o077


class DataDirError(ApplianceError):
    """The data dir or its database cannot be used; the message says what to do."""

    code = "data_dir_error"


def private_umask() -> None:
    """Make every file and folder this process creates private (0600 / 0700)."""
    os.umask(PRIVATE_UMASK)


def write_private(path: Path, data: bytes) -> None:
    """Write ``path`` as a new 0600 file (atomically: a temporary file renamed over it), whatever the umask."""
    path = Path(path)
    fd, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.")  # mkstemp creates 0600
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.chmod(temporary, FILE_MODE)
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


def prepare_data_dir(data_dir: Path) -> list[str]:
    """Create the data dir (0700) or check it, and make it and everything in it private.

    Raises DataDirError when it is a file or cannot be written. Returns one warning per
    folder or file that other users could read or write: those are fixed (chmod 0700 / 0600),
    not refused, because the fix is what any admin would do and a refusal would keep the
    office's appliance down over a umask. Subfolders (``feed/``, ``tls/``) are fixed too.
    """
    data_dir = Path(data_dir)
    if data_dir.exists() and not data_dir.is_dir():
        raise DataDirError(f"data dir {data_dir} is a file, not a folder; pass --data-dir with a folder")
    try:
        data_dir.mkdir(mode=DIR_MODE, parents=True, exist_ok=True)
    except OSError as exc:
        raise DataDirError(f"cannot create data dir {data_dir}: {exc.strerror or exc}") from exc
    try:
        tempfile.TemporaryFile(dir=data_dir).close()
    except OSError as exc:
        raise DataDirError(f"data dir {data_dir} is not writable by this user: {exc.strerror or exc}") from exc
    warnings: list[str] = []
    for path, wanted in _walk(data_dir):
        try:
            mode = stat.S_IMODE(path.lstat().st_mode)
        except FileNotFoundError:
            continue  # removed meanwhile (a -shm file, say)
        if mode & 0o077:
            try:
                os.chmod(path, wanted)
            except OSError as exc:
                warnings.append(f"{path} is readable by other users (mode {mode:o}) and could not be fixed: {exc.strerror}")
                continue
            warnings.append(f"{path} was readable by other users (mode {mode:o}); changed to {wanted:o}")
    return warnings


def _walk(data_dir: Path) -> list[tuple[Path, int]]:
    found = [(data_dir, DIR_MODE)]
    for root, dirs, files in os.walk(data_dir):
        found += [(Path(root) / name, DIR_MODE) for name in dirs]
        found += [(Path(root) / name, FILE_MODE) for name in files if not (Path(root) / name).is_symlink()]
    return found


def check_database(path: Path) -> None:
    """DataDirError if the database exists but fails SQLite's quick_check (a damaged page, not a database).

    quick_check reads every page and checks the b-tree structure (not index contents, which
    integrity_check would add at several times the cost); https://www.sqlite.org/pragma.html#pragma_quick_check
    """
    if not path.exists():
        return
    problem = ""
    try:
        conn = sqlite3.connect(f"file:{path}?mode=rw", uri=True)
        try:
            conn.execute("PRAGMA busy_timeout = 10000")
            rows = conn.execute("PRAGMA quick_check(5)").fetchall()
        finally:
            conn.close()
        if rows != [("ok",)]:
            problem = "; ".join(str(r[0]) for r in rows)
    except sqlite3.DatabaseError as exc:  # "file is not a database", "database disk image is malformed"
        problem = str(exc)
    if problem:
        raise DataDirError(
            f"database {path} is damaged ({problem[:300]}); the server will not start on it. Restore a backup made"
            f" with `sentrikat backup DEST`: stop here, move {path.name} (and any {path.name}-wal, {path.name}-shm) aside,"
            f" copy the backup folder's {path.name} and secret.key into {path.parent}, then start again"
            " (or start with --data-dir pointing at the backup folder)"
        )


def check_port(host: str, port: int) -> None:
    """PortError when the address cannot be bound (taken, or not this machine's), before anything is opened."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    with socket.socket(family, socket.SOCK_STREAM) as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)  # as uvicorn does: TIME_WAIT is no conflict
        try:
            probe.bind((host, port))
        except OSError as exc:
            raise PortError(f"cannot listen on {host}:{port}: {exc.strerror or exc}"
                            + ("; another program (or another sentrikat serve) uses that port, choose one with --port"
                               if exc.errno == errno.EADDRINUSE else "")) from exc


class PortError(ApplianceError):
    """The server cannot listen on the configured address."""

    code = "port_error"
