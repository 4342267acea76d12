"""The sentrikat command line, run as a real process on a temporary data dir."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from appliance.cli import build_parser
from tests.conftest import ROOT, Server, run_cli


def subcommands() -> list[list[str]]:
    """Every command path of the CLI, e.g. ["keys", "create"]."""
    found: list[list[str]] = []

    def walk(parser, prefix: list[str]) -> None:
        for action in parser._actions:
            if action.__class__.__name__ == "_SubParsersAction":
                for name, sub in action.choices.items():
                    found.append(prefix + [name])
                    walk(sub, prefix + [name])

    walk(build_parser(), [])
    return found


@pytest.mark.parametrize("command", [[]] + subcommands(), ids=lambda c: " ".join(c) or "sentrikat")
def test_every_command_has_help(command: list[str]) -> None:
    result = subprocess.run([sys.executable, "-m", "appliance", *command, "--help"], cwd=ROOT, capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("usage: sentrikat")


def test_version() -> None:
    result = subprocess.run([sys.executable, "-m", "appliance", "version"], cwd=ROOT, capture_output=True, text=True)
    from appliance import __version__

    assert result.stdout.strip() == f"sentrikat {__version__}"


def test_keys_lifecycle(tmp_path: Path) -> None:
    created = json.loads(run_cli(tmp_path, "keys", "create", "--json", "--name", "office pcs").stdout)
    assert set(created) == {"id", "key", "organization_id", "scopes"}
    assert created["key"].startswith("sk_agent_") and len(created["key"]) >= len("sk_agent_") + 43
    assert (created["organization_id"], created["scopes"]) == (1, ["agent"])
    both = json.loads(run_cli(tmp_path, "keys", "create", "--json", "--scope", "read", "--scope", "admin").stdout)
    assert both["scopes"] == ["read", "admin"] and both["key"].startswith("sk_admin_")

    listing = run_cli(tmp_path, "keys", "list").stdout + run_cli(tmp_path, "keys", "list", "--json").stdout
    assert created["key"] not in listing and both["key"] not in listing
    infos = json.loads(run_cli(tmp_path, "keys", "list", "--json").stdout)
    assert [(k["id"], k["name"], k["prefix"]) for k in infos] == [
        (created["id"], "office pcs", created["key"][:12]),
        (both["id"], "", both["key"][:12]),
    ]
    assert set(infos[0]) == {"id", "organization_id", "name", "prefix", "scopes", "created_at", "last_used_at", "revoked_at"}

    run_cli(tmp_path, "keys", "revoke", str(created["id"]))
    assert json.loads(run_cli(tmp_path, "keys", "list", "--json").stdout)[0]["revoked_at"] is not None
    again = run_cli(tmp_path, "keys", "revoke", str(created["id"]), check=False)
    assert again.returncode == 1 and "already revoked" in again.stderr
    missing = run_cli(tmp_path, "keys", "revoke", "999", check=False)
    assert missing.returncode == 1 and "does not exist" in missing.stderr


def test_key_for_missing_organization(tmp_path: Path) -> None:
    result = run_cli(tmp_path, "keys", "create", "--org", "42", check=False)
    assert result.returncode == 1 and "organization 42 does not exist" in result.stderr


def test_orgs(tmp_path: Path) -> None:
    assert json.loads(run_cli(tmp_path, "orgs", "create", "Branch Office", "--json").stdout)["id"] == 2
    duplicate = run_cli(tmp_path, "orgs", "create", "branch office", check=False)
    assert duplicate.returncode == 1 and "already exists" in duplicate.stderr
    assert [(o["id"], o["name"]) for o in json.loads(run_cli(tmp_path, "orgs", "list", "--json").stdout)] == [
        (1, "Default"),
        (2, "Branch Office"),
    ]


def test_data_dir_from_environment(tmp_path: Path) -> None:
    (tmp_path / "env").mkdir()
    result = subprocess.run(
        [sys.executable, "-m", "appliance", "orgs", "create", "From the environment", "--json"],
        cwd=ROOT, capture_output=True, text=True, env={**os.environ, "SENTRIKAT_DATA_DIR": str(tmp_path / "env")},
    )
    assert result.returncode == 0, result.stderr
    assert (tmp_path / "env" / "sentrikat.db").exists()


def test_bad_setting_is_a_clear_error(tmp_path: Path) -> None:
    result = subprocess.run(
        [sys.executable, "-m", "appliance", "orgs", "list", "--data-dir", str(tmp_path)],
        cwd=ROOT, capture_output=True, text=True, env={**os.environ, "SENTRIKAT_RATE_REPORT": "lots"},
    )
    assert result.returncode == 1
    assert "SENTRIKAT_RATE_REPORT" in result.stderr


def test_first_start_says_how_to_create_a_key(make_server) -> None:
    srv: Server = make_server()
    assert "sentrikat keys create --scope agent" in srv.log()
    assert (srv.data_dir / "secret.key").stat().st_mode & 0o777 == 0o600


def test_cli_works_while_the_server_runs(server: Server) -> None:
    key = server.create_key("agent")
    with server.client(key) as client:
        assert client.get("/api/agent/config").status_code == 200
