"""sentrikat admin set-password, run as a real process: creates, changes, refuses, stores only a salted scrypt hash."""

from __future__ import annotations

import sqlite3
import subprocess
import sys
from pathlib import Path

from appliance.auth.admin import hash_password, verify_password
from tests.conftest import ROOT

PASSWORD = "correct horse battery staple"


def set_password(data_dir: Path, *args: str, stdin: str | None = PASSWORD + "\n") -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "appliance", "admin", "set-password", *args, "--data-dir", str(data_dir)],
        input=stdin, capture_output=True, text=True, timeout=60, cwd=ROOT,
        stdin=subprocess.DEVNULL if stdin is None else None,
    )


def admins(data_dir: Path) -> list[tuple[str, str]]:
    with sqlite3.connect(f"file:{data_dir / 'sentrikat.db'}?mode=ro", uri=True) as conn:
        return conn.execute("SELECT username, password_hash FROM admin_users ORDER BY id").fetchall()


def test_create_then_change(tmp_path: Path) -> None:
    created = set_password(tmp_path, "--password-stdin")
    assert created.returncode == 0, created.stderr
    assert created.stdout.strip() == "Created admin admin."
    [(user, first)] = admins(tmp_path)
    assert user == "admin" and first.startswith("scrypt$32768$8$1$")
    assert PASSWORD not in first and verify_password(PASSWORD, first)
    assert PASSWORD.encode() not in (tmp_path / "sentrikat.db").read_bytes()
    changed = set_password(tmp_path, "--password-stdin", stdin="a different passphrase\n")
    assert changed.returncode == 0 and "Changed the password of admin" in changed.stdout
    [(_, second)] = admins(tmp_path)
    assert verify_password("a different passphrase", second) and not verify_password(PASSWORD, second)
    other = set_password(tmp_path, "--user", "it.support@office", "--password-stdin")
    assert other.returncode == 0 and [u for u, _ in admins(tmp_path)] == ["admin", "it.support@office"]


def test_salts_differ() -> None:
    assert hash_password(PASSWORD) != hash_password(PASSWORD)
    assert not verify_password(PASSWORD, "md5$whatever") and not verify_password(PASSWORD, "scrypt$1$2")


def test_refusals_change_nothing(tmp_path: Path) -> None:
    assert set_password(tmp_path, "--password-stdin").returncode == 0
    before = admins(tmp_path)
    for args, stdin, message in [
        (["--password-stdin"], "short\n", "at least 12 characters"),
        (["--password-stdin"], "", "at least 12 characters"),
        (["--password-stdin"], "elevenchars\n", "at least 12 characters"),
        # In zxcvbn's list of common passwords, whatever the case.
        (["--password-stdin"], "qwerty123456\n", "common passwords"),
        (["--password-stdin"], "SonyEricsson\n", "common passwords"),
        # Long enough and in no list, but a repeat or a keyboard walk: easy to guess.
        (["--password-stdin"], "aaaaaaaaaaaaaaaa\n", "too easy to guess"),
        (["--password-stdin"], "abcabcabcabcabc\n", "too easy to guess"),
        (["--user", "bad name", "--password-stdin"], PASSWORD + "\n", "a username has"),
        ([], None, "--password-stdin"),  # standard input is not a terminal: no silent prompt
    ]:
        result = set_password(tmp_path, *args, stdin=stdin)
        assert result.returncode == 1, result.stdout
        assert result.stderr.startswith("sentrikat: error:") and message in result.stderr
    assert admins(tmp_path) == before
