"""The sentrikat command line, run as a real process on a temporary data dir."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import time
from pathlib import Path

import pytest

from appliance.cli import build_parser
from tests.conftest import ROOT, Server, free_port, run_cli


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


def test_version(tmp_path: Path) -> None:
    # In an empty folder: from the checkout, ./sentrikat-data may exist after the quick start,
    # and then `version` adds the database's schema version (tested below).
    from appliance import __version__

    for command in (["version"], ["--version"]):
        result = subprocess.run([sys.executable, "-m", "appliance", *command], cwd=tmp_path, capture_output=True, text=True)
        assert (result.returncode, result.stdout.strip()) == (0, f"sentrikat {__version__}"), result.stderr


def test_version_names_the_schema_of_an_existing_database(tmp_path: Path) -> None:
    run_cli(tmp_path, "orgs", "create", "Branch")  # makes the database in the (existing, empty) data dir
    lines = run_cli(tmp_path, "version").stdout.splitlines()
    assert lines[1].startswith(f"database {tmp_path / 'sentrikat.db'}: schema version ")


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
    assert set(infos[0]) == {
        "id", "organization_id", "organization", "name", "prefix", "scopes", "created_at", "last_used_at", "revoked_at",
        "devices",
    }
    assert (infos[0]["organization"], infos[0]["devices"]) == ("Default", 0)

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
    assert "-m appliance keys create --scope agent" in srv.log()  # the fixture runs python -m appliance
    assert (srv.data_dir / "secret.key").stat().st_mode & 0o777 == 0o600


def test_first_start_hint_is_a_command_that_runs(tmp_path: Path) -> None:
    """Started as the README says (.venv/bin/sentrikat from the checkout), the hint runs as printed."""
    script = Path(sys.executable).parent / "sentrikat"
    typed = os.path.relpath(script, ROOT)
    data = tmp_path / "new data"
    port = str(free_port())
    process = subprocess.Popen(
        [typed, "serve", "--host", "127.0.0.1", "--port", port, "--data-dir", str(data)],
        cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True,
        env={**os.environ, "SENTRIKAT_REFRESH_ENABLED": "false", "SENTRIKAT_FEED_DIR": str(tmp_path)},
    )
    try:
        hint = next(line for line in process.stdout if "keys create" in line)  # type: ignore[union-attr]
    finally:
        process.terminate()
        process.wait(timeout=30)
    command = hint.split("with:", 1)[1].strip()
    assert command.startswith(f"{typed} keys create --scope agent"), command
    created = subprocess.run(command + " --json", shell=True, cwd=ROOT, capture_output=True, text=True)
    assert created.returncode == 0, created.stderr
    assert json.loads(created.stdout)["key"].startswith("sk_agent_")


def test_cli_works_while_the_server_runs(server: Server) -> None:
    key = server.create_key("agent")
    with server.client(key) as client:
        assert client.get("/api/agent/config").status_code == 200


def test_one_log_format_and_no_scheduler_lines_at_info(make_server) -> None:
    srv: Server = make_server(SENTRIKAT_LOG_LEVEL="info", SENTRIKAT_FEED_CHECK_INTERVAL="1")
    with srv.client() as client:
        assert client.get("/healthz").status_code == 200
    time.sleep(2.5)  # the feed check job runs every second meanwhile
    assert srv.stop() == 0
    lines = [line for line in srv.log().splitlines() if line.strip()]
    # What serve prints for the person starting it (first-start hint, certificate, HTTPS port) is
    # plain text on standard output; every log line is in the one format.
    printed = ("First start:", "Create an agent key", "Created a self-signed certificate", "HTTPS on port")
    logged = [line for line in lines if not line.startswith(printed)]
    stamp = re.compile(r"^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d,\d{3} (DEBUG|INFO|WARNING|ERROR|CRITICAL) [\w.]+: ")
    assert logged and all(stamp.match(line) for line in logged), "\n".join(line for line in logged if not stamp.match(line))
    assert any("uvicorn.access" in line and "GET /healthz" in line for line in logged)
    assert not any("apscheduler" in line for line in logged)


@pytest.mark.slow
def test_feeds_import_looks_into_subfolders(tmp_path: Path, feeds_root: Path) -> None:
    """`feeds import ../shared/feeds` finds NVD, CPE and KEV files in subfolders and skips the rest, saying so."""
    result = run_cli(tmp_path, "feeds", "import", str(feeds_root))
    assert "nvdcve-1.1-2022.json.gz:" in result.stderr and "known_exploited_vulnerabilities.json:" in result.stderr
    assert "cpes.csv:" in result.stderr and "official-cpe-dictionary_v2.3-2015.xml.gz:" in result.stderr
    assert re.search(r"skipped \S*debian12-dpkg\.json: not an NVD", result.stderr), result.stderr
    assert "schema.json" not in result.stderr
    assert "feed updated" in result.stdout


def test_feeds_import_of_a_folder_without_feeds_is_an_error(tmp_path: Path) -> None:
    (tmp_path / "in").mkdir()
    (tmp_path / "in" / "notes.json").write_text('{"hello": "world"}')
    (tmp_path / "data").mkdir()
    result = run_cli(tmp_path / "data", "feeds", "import", str(tmp_path / "in"), check=False)
    assert result.returncode == 1
    assert "no feed files found" in result.stderr and "Traceback" not in result.stderr
