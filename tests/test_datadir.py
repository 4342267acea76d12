"""The data dir is private whatever the umask, and what a new user gets wrong ends in one line and status 1 (usage: 2)."""

from __future__ import annotations

import os
import socket
import stat
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.conftest import ROOT, Server, free_port, run_cli


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


@pytest.fixture
def umask_022() -> Iterator[None]:
    """The README's way of starting: a shell with the common umask 022 (new files readable by everyone)."""
    previous = os.umask(0o022)
    try:
        yield
    finally:
        os.umask(previous)


def sentrikat(*args: str, timeout: float = 60) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "appliance", *args], cwd=ROOT, capture_output=True, text=True, timeout=timeout)


def one_line_error(result: subprocess.CompletedProcess[str], status: int, *words: str) -> None:
    assert result.returncode == status, (result.returncode, result.stderr)
    lines = result.stderr.strip().splitlines()
    assert "Traceback" not in result.stderr, result.stderr
    assert lines and lines[-1].startswith("sentrikat"), result.stderr
    for word in words:
        assert word in lines[-1], (word, result.stderr)


def test_serve_keeps_the_data_dir_private_under_umask_022(tmp_path: Path, umask_022: None) -> None:
    srv = Server(tmp_path / "data", {"SENTRIKAT_FEED_DIR": str(tmp_path)}).start()
    try:
        with srv.client(srv.create_key()) as agent:  # writes, so the WAL and SHM exist
            assert agent.post("/api/agent/report", json={"hostname": "pc", "software": []}).status_code == 200
        data = srv.data_dir
        assert mode(data) == 0o700
        for name in ("sentrikat.db", "sentrikat.db-wal", "sentrikat.db-shm", "secret.key"):
            assert (data / name).exists(), name
            assert mode(data / name) == 0o600, (name, oct(mode(data / name)))
        backup = run_cli(data, "backup", str(tmp_path / "backup"))
        assert backup.returncode == 0
        assert mode(tmp_path / "backup") == 0o700
        assert {p.name: mode(p) for p in (tmp_path / "backup").iterdir()} == {"sentrikat.db": 0o600, "secret.key": 0o600}
    finally:
        assert srv.stop() == 0
    # After the stop (WAL checkpointed and removed) nothing in the folder is readable by others.
    assert [p.name for p in data.iterdir() if mode(p) & 0o077] == []


def test_serve_warns_about_and_fixes_a_data_dir_others_can_read(tmp_path: Path, umask_022: None) -> None:
    data = tmp_path / "data"
    data.mkdir(mode=0o755)
    os.chmod(data, 0o755)
    (data / "notes.txt").write_text("left here by hand")
    os.chmod(data / "notes.txt", 0o644)
    srv = Server(data, {"SENTRIKAT_FEED_DIR": str(tmp_path)}).start()
    assert srv.stop() == 0
    log = srv.log()
    assert f"{data} was readable by other users (mode 755); changed to 700" in log, log
    assert "notes.txt was readable by other users (mode 644); changed to 600" in log
    assert mode(data) == 0o700 and mode(data / "notes.txt") == 0o600


def test_a_damaged_database_is_refused_at_start(tmp_path: Path) -> None:
    srv = Server(tmp_path / "data", {"SENTRIKAT_FEED_DIR": str(tmp_path)}).start()
    with srv.client(srv.create_key()) as agent:
        software = [{"name": f"program {n}", "version": "1.0"} for n in range(3000)]
        assert agent.post("/api/agent/report", json={"hostname": "pc", "software": software}).status_code == 200
    assert srv.stop() == 0
    database = srv.data_dir / "sentrikat.db"
    pages = database.stat().st_size // 4096
    assert pages > 20
    with open(database, "r+b") as handle:  # one page in the middle overwritten, as a bad sector or a stray write would
        handle.seek(4096 * (pages // 2))
        handle.write(bytes(range(256)) * 16)
    result = sentrikat("serve", "--host", "127.0.0.1", "--port", str(free_port()), "--data-dir", str(srv.data_dir))
    one_line_error(result, 1, "is damaged", "sentrikat backup", "secret.key")
    # The healthy database next to it still starts (so the test above can fail).
    assert Server(tmp_path / "fresh", {"SENTRIKAT_FEED_DIR": str(tmp_path)}).start().stop() == 0


def test_a_port_in_use_is_one_line(tmp_path: Path) -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        result = sentrikat("serve", "--host", "127.0.0.1", "--port", str(port), "--data-dir", str(tmp_path / "data"))
    one_line_error(result, 1, f"127.0.0.1:{port}", "in use", "--port")
    assert not (tmp_path / "data").exists()  # nothing was created


def test_a_data_dir_that_is_a_file_or_unwritable(tmp_path: Path) -> None:
    file = tmp_path / "not-a-folder"
    file.write_text("x")
    port = str(free_port())
    one_line_error(sentrikat("serve", "--host", "127.0.0.1", "--port", port, "--data-dir", str(file)), 1, "is a file")
    one_line_error(sentrikat("keys", "list", "--data-dir", str(file)), 1, "is a file")
    inside = file / "data"  # a path through a file cannot be created
    one_line_error(sentrikat("serve", "--host", "127.0.0.1", "--port", port, "--data-dir", str(inside)), 1, str(inside))
    if os.geteuid() == 0:
        unwritable = Path("/sys")  # root may write anywhere a mode allows; sysfs refuses new files even to root
    else:
        unwritable = tmp_path / "read-only"
        unwritable.mkdir(mode=0o500)
    one_line_error(sentrikat("serve", "--host", "127.0.0.1", "--port", port, "--data-dir", str(unwritable)), 1, "not writable")


def test_a_missing_match_file_is_one_line(tmp_path: Path) -> None:
    one_line_error(sentrikat("match", str(tmp_path / "report.json")), 1, "report.json", "No such file")
    (tmp_path / "folder.json").mkdir()
    one_line_error(sentrikat("match", str(tmp_path / "folder.json")), 1, "folder.json")


@pytest.mark.parametrize("port", ["99999", "0", "-1", "http"])
def test_a_port_out_of_range_is_a_usage_error(tmp_path: Path, port: str) -> None:
    result = sentrikat("serve", "--port", port, "--data-dir", str(tmp_path / "data"))
    assert result.returncode == 2 and "usage: sentrikat serve" in result.stderr and "not a port number" in result.stderr
    assert not (tmp_path / "data").exists()
    env_result = subprocess.run(
        [sys.executable, "-m", "appliance", "serve", "--data-dir", str(tmp_path / "data")], cwd=ROOT, capture_output=True,
        text=True, env={**os.environ, "SENTRIKAT_PORT": "99999"}, timeout=60,
    )
    one_line_error(env_result, 1, "port")


def test_commands_never_create_an_appliance_from_a_typo(tmp_path: Path) -> None:
    typo = tmp_path / "sentrikat-dta"
    for args in (("keys", "list"), ("keys", "create"), ("orgs", "list"), ("orgs", "create", "X"), ("assets", "list"),
                 ("feeds", "status"), ("feeds", "import", str(tmp_path)), ("keys", "revoke", "1")):
        result = run_cli(typo, *args, check=False)
        one_line_error(result, 1, str(typo), "does not exist", "sentrikat serve")
        assert not typo.exists(), args
    # An existing folder without a database: listing refuses, creating a key sets the appliance up in it.
    typo.mkdir()
    one_line_error(run_cli(typo, "keys", "list", check=False), 1, "no appliance database")
    assert not (typo / "sentrikat.db").exists()
    assert run_cli(typo, "keys", "create").returncode == 0
    assert run_cli(typo, "keys", "list").returncode == 0
