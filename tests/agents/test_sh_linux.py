"""The sh agent on this Linux machine against a real server: full report, delta, recovery, 429, failures, scheduling."""

from __future__ import annotations

import json
import shutil
import subprocess
import time
from pathlib import Path

import pytest

from tests.agents.conftest import (
    asset_software,
    captured_dpkg,
    dpkg_installed,
    dpkg_stub,
    run_agent,
    sent_source_package,
    state_bytes,
    upstream_version,
)
from tests.conftest import FEEDS

pytestmark = pytest.mark.skipif(shutil.which("dpkg-query") is None, reason="needs dpkg-query (a Debian machine)")


def software_pairs(asset: dict) -> set[tuple[str, str]]:
    return {(item["name"], item["version"]) for item in asset["software"]}


def test_once_reports_every_dpkg_package(shared_server, make_relay, tmp_path: Path) -> None:
    server = shared_server
    relay = make_relay(server.url)
    key = server.create_key("agent")
    result = run_agent("--server", relay.url, "--key", key, "--state-dir", str(tmp_path / "state"), "--once",
                       "--allow-http", "--hostname", "dpkg-host")
    assert result.returncode == 0, result.stderr
    assert "full report accepted" in result.stdout

    installed = {(r["Package"], r["Version"]) for r in captured_dpkg() if r["db:Status-Abbrev"][1:2] == "i"}
    listed = dpkg_installed()
    assert installed == listed  # every package dpkg-query -W lists here is installed
    asset = asset_software(server, "dpkg-host")
    assert software_pairs(asset) == listed
    assert asset["asset"]["os"] == next(
        line.split("=", 1)[1].strip('"') for line in Path("/etc/os-release").read_text().splitlines() if line.startswith("PRETTY_NAME="))

    report, heartbeat = relay.requests
    assert (report.path, heartbeat.path) == ("/api/agent/report", "/api/agent/heartbeat")
    assert report.headers["Content-Encoding"] == "gzip" and report.headers["Content-Type"] == "application/json"
    assert report.headers["User-Agent"].startswith("SentriKat-Appliance-Agent/1.0.0 (Linux)")
    body = report.json()
    assert body["hostname"] == "dpkg-host" and "delta" not in body
    assert {item["source"] for item in body["software"]} == {"dpkg"}
    maintainers = {r["Package"]: r["Maintainer"] for r in captured_dpkg()}
    for item in body["software"]:
        assert maintainers[item["name"]].startswith(item["vendor"]) and "<" not in item["vendor"]
    # Our source_package hint: dpkg's source:Package, sent when it is not the package's own name
    # and the package has its source's upstream version.
    installed = [r for r in captured_dpkg() if r["db:Status-Abbrev"][1:2] == "i"]
    built_from = {r["Package"]: sent_source_package(r) for r in installed if sent_source_package(r)}
    assert built_from  # every Debian system has some (libc6 from glibc)
    assert {i["name"]: i["source_package"] for i in body["software"] if "source_package" in i} == built_from
    own_versions = [r["Package"] for r in installed if r["source:Package"] != r["Package"] and not sent_source_package(r)]
    assert not {i["name"] for i in body["software"] if "source_package" in i} & set(own_versions)
    assert heartbeat.json() == {"hostname": "dpkg-host", "agent_version": "1.0.0"}


def not_installed_package(records: list[dict[str, str]], feeds_root: Path) -> dict[str, str]:
    """A real Debian package (name, version, maintainer, arch) that is not in ``records``.

    From apt's package index when the machine has one (the first such name in sorted order);
    else a (name, version) of the other real Debian machine in ../shared/feeds/inventories
    that this machine does not have.
    """
    here = {(r["Package"], r["Version"]) for r in records}
    names = {name for name, _ in here}
    listing = subprocess.run(["apt-cache", "pkgnames"], capture_output=True, text=True) if shutil.which("apt-cache") else None
    for name in sorted(listing.stdout.split() if listing else []):
        if name in names:
            continue
        shown = subprocess.run(["apt-cache", "show", "--no-all-versions", name], capture_output=True, text=True).stdout
        fields = dict(line.split(": ", 1) for line in shown.splitlines() if ": " in line and not line.startswith(" "))
        if {"Package", "Version", "Maintainer", "Architecture"} <= fields.keys():
            return {"name": fields["Package"], "version": fields["Version"], "maintainer": fields["Maintainer"],
                    "arch": fields["Architecture"]}
    other = json.loads((feeds_root / "inventories" / "debian12-dpkg.json").read_text())["software"]
    for package in other:
        if (package["name"], package["version"]) not in here:
            return {"name": package["name"], "version": package["version"], "maintainer": package["vendor"],
                    "arch": package["arch"]}
    pytest.skip("no real package that this machine lacks (no apt index, and it has every package of the sample)")


def test_delta_sends_exactly_the_change(shared_server, make_relay, tmp_path: Path, feeds_root: Path) -> None:
    server = shared_server
    relay = make_relay(server.url)
    key = server.create_key("agent")
    state = tmp_path / "state"
    args = ("--server", relay.url, "--key", key, "--state-dir", str(state), "--once", "--allow-http", "--hostname", "delta-host")
    assert run_agent(*args).returncode == 0

    # The real list with one package removed and one real package added that this machine
    # does not have (from apt's index of the Debian archive, see not_installed_package).
    records = captured_dpkg()
    removed = records.pop(len(records) // 2)
    new = not_installed_package(records + [removed], feeds_root)
    records.append({"Package": new["name"], "binary:Package": new["name"], "Version": new["version"],
                    "Maintainer": new["maintainer"], "db:Status-Abbrev": "ii ",
                    "Architecture": new["arch"], "source:Package": new["name"], "Source": "", "source:Version": new["version"]})
    new["vendor"] = new["maintainer"].split(" <")[0]
    stubs = tmp_path / "stubs"
    dpkg_stub(stubs, records)
    result = run_agent(*args, stubs=stubs)
    assert result.returncode == 0, result.stderr
    assert "delta report accepted: 1 added, 1 removed" in result.stdout

    delta = relay.reports()[-1].json()
    assert delta["delta"] is True and "software" not in delta
    assert delta["software_added"] == [{"name": new["name"], "version": new["version"], "vendor": new["vendor"], "source": "dpkg"}]
    removed_vendor = removed["Maintainer"].split(" <")[0]
    hint = {"source_package": sent_source_package(removed)} if sent_source_package(removed) else {}
    assert delta["software_removed"] == [
        {"name": removed["Package"], "version": removed["Version"], "vendor": removed_vendor, "source": "dpkg", **hint}]
    assert relay.requests[-2].status == 200
    answer = json.loads(server.client(key).get("/api/agent/config", params={"hostname": "delta-host"}).content)
    assert answer["force_full_scan"] is False  # the server's picture matches the agent's
    expected = (dpkg_installed() - {(removed["Package"], removed["Version"])}) | {(new["name"], new["version"])}
    assert software_pairs(asset_software(server, "delta-host")) == expected


def test_recovers_through_full_report_required(make_server, make_relay, tmp_path: Path) -> None:
    server = make_server()
    relay = make_relay(server.url)
    state = tmp_path / "state"
    common = ("--state-dir", str(state), "--once", "--allow-http", "--hostname", "lost-host")
    assert run_agent("--server", relay.url, "--key", server.create_key("agent"), *common).returncode == 0

    # The appliance's database is replaced by an empty one (say, a reinstall): the agent's
    # state says "send a delta", the server knows nothing of the host.
    server.stop()
    for path in server.data_dir.glob("sentrikat.db*"):
        path.unlink()
    server.start()
    relay.upstream = server.url
    relay.requests.clear()
    result = run_agent("--server", relay.url, "--key", server.create_key("agent"), *common)
    assert result.returncode == 0, result.stderr
    first, second, heartbeat = relay.requests
    assert first.json()["delta"] is True and first.status == 400
    assert second.json()["software"] and second.status == 200 and "delta" not in second.json()
    assert heartbeat.path == "/api/agent/heartbeat"
    asset = asset_software(server, "lost-host")
    assert software_pairs(asset) == dpkg_installed()
    assert asset["force_full_scan"] is False


def test_waits_out_429_as_retry_after_says(shared_server, make_relay, tmp_path: Path) -> None:
    server = shared_server
    relay = make_relay(server.url)
    relay.answer_next("/api/agent/report", 429, {"Retry-After": "3"},
                      {"error": "rate_limited", "message": "too many requests", "retry_after": 3})
    result = run_agent("--server", relay.url, "--key", server.create_key("agent"), "--state-dir", str(tmp_path / "s"),
                       "--once", "--allow-http", "--hostname", "busy-host")
    assert result.returncode == 0, result.stderr
    limited, accepted = relay.reports()
    assert (limited.status, accepted.status) == (429, 200)
    waited = accepted.at - limited.at
    # Retry-After, plus the agent's jitter of at most a tenth more and one second.
    assert 3.0 <= waited < 3.0 + 1.3 + 1.5, waited
    assert accepted.body == limited.body
    assert "rate limited; waiting Retry-After 3 s" in (tmp_path / "s" / "agent.log").read_text()


def test_server_down_or_failing_leaves_state_unchanged(make_server, make_relay, tmp_path: Path) -> None:
    server = make_server()
    key = server.create_key("agent")
    state = tmp_path / "state"
    common = ("--key", key, "--state-dir", str(state), "--once", "--allow-http", "--hostname", "down-host")
    assert run_agent("--server", server.url, *common).returncode == 0
    before = state_bytes(state)
    assert set(before) == {"inventory.tsv", "agent.state"}

    # The package list changed, so the run would have a delta to send.
    records = captured_dpkg()[1:]
    stubs = tmp_path / "stubs"
    dpkg_stub(stubs, records)

    # 5xx: retried SENTRIKAT_AGENT_RETRIES times, then given up.
    relay = make_relay(server.url)
    for _ in range(3):
        relay.answer_next("/api/agent/report", 503, body={"error": "database_error", "message": "database is locked"})
    result = run_agent("--server", relay.url, *common, stubs=stubs, env={"SENTRIKAT_AGENT_RETRIES": "3"})
    assert result.returncode == 1
    assert "HTTP 503" in result.stderr and result.stderr.count("\n") == 1
    assert [r.status for r in relay.requests] == [503, 503, 503]
    assert state_bytes(state) == before

    # Down: nothing listens.
    server.stop()
    result = run_agent("--server", server.url, *common, stubs=stubs, env={"SENTRIKAT_AGENT_RETRIES": "2"})
    assert result.returncode == 1
    assert "no answer" in result.stderr
    assert state_bytes(state) == before
    assert not list(state.glob("*.tmp"))


def test_refuses_plain_http_without_allow_http(shared_server, make_relay, tmp_path: Path) -> None:
    server = shared_server
    relay = make_relay(server.url)
    result = run_agent("--server", relay.url, "--key", server.create_key("agent"), "--state-dir", str(tmp_path / "s"), "--once")
    assert result.returncode == 2
    assert "refusing plain http://" in result.stderr and "--allow-http" in result.stderr
    assert relay.requests == []


def test_bad_usage_is_one_line_and_status_2(tmp_path: Path) -> None:
    for args, message in [((), "--server URL is required"),
                          (("--server", "https://h:8443"), "--key KEY is required"),
                          (("--server", "ftp://h", "--key", "sk_agent_x"), "must start with https://"),
                          (("--server", "https://h", "--key", "sk_agent_x", "--fingerprint", "zz"), "must be hex"),
                          (("--frobnicate",), "unknown option --frobnicate")]:
        result = run_agent(*args, "--once", "--state-dir", str(tmp_path))
        assert result.returncode == 2, (args, result.stderr)
        assert message in result.stderr and result.stderr.count("\n") == 1, result.stderr


def test_help_lists_the_contract_options() -> None:
    result = run_agent("--help")
    assert result.returncode == 0
    for option in ("--server URL", "--key KEY", "--once", "--state-dir DIR", "--fingerprint HEX", "--ca-file FILE",
                   "--allow-http", "--install", "--uninstall", "--help", "--scheduled", "--config FILE"):
        assert option in result.stdout, option


def test_key_is_not_on_any_command_line(shared_server, make_relay, tmp_path: Path) -> None:
    """curl reads the key from a config file, so ps never shows it; the agent accepts it from the environment too."""
    server = shared_server
    relay = make_relay(server.url)
    key = server.create_key("agent")
    stubs = tmp_path / "stubs"
    real_curl = shutil.which("curl")
    log = tmp_path / "curl-args"
    from tests.agents.conftest import make_stub
    make_stub(stubs, "curl", f"""
import os, sys
open({str(log)!r}, "a").write(" ".join(sys.argv[1:]) + "\\n")
os.execv({real_curl!r}, [{real_curl!r}] + sys.argv[1:])
""")
    result = run_agent("--server", relay.url, "--state-dir", str(tmp_path / "s"), "--once", "--allow-http",
                       "--hostname", "env-key-host", stubs=stubs, env={"SENTRIKAT_AGENT_KEY": key})
    assert result.returncode == 0, result.stderr
    assert log.read_text().count("\n") == 2 and key not in log.read_text()
    assert all(r.headers["X-Agent-Key"] == key for r in relay.requests)


def test_scheduled_runs_heartbeat_and_report_when_due(make_server, make_relay, tmp_path: Path) -> None:
    server = make_server(SENTRIKAT_SCAN_INTERVAL="3")
    relay = make_relay(server.url)
    common = ("--server", relay.url, "--key", server.create_key("agent"), "--state-dir", str(tmp_path / "s"),
              "--scheduled", "--allow-http", "--hostname", "timer-host")
    # First run: the heartbeat registers the host, whose config asks for a full scan.
    assert run_agent(*common).returncode == 0
    assert [(r.path, r.status) for r in relay.requests] == [("/api/agent/heartbeat", 200), ("/api/agent/report", 200)]
    assert "software" in relay.requests[1].json()
    assert "scan_interval=3\n" in (tmp_path / "s" / "agent.state").read_text()
    # At once again: only a heartbeat, the scan interval has not passed.
    relay.requests.clear()
    assert run_agent(*common).returncode == 0
    assert [r.path for r in relay.requests] == ["/api/agent/heartbeat"]
    # After the interval: heartbeat, the config re-read, a delta.
    time.sleep(3.2)
    relay.requests.clear()
    assert run_agent(*common).returncode == 0
    assert [r.path for r in relay.requests] == ["/api/agent/heartbeat", "/api/agent/config", "/api/agent/report"]
    assert relay.requests[2].json()["delta"] is True


def test_heartbeat_asking_for_full_scan_gets_one(shared_server, make_relay, tmp_path: Path) -> None:
    server = shared_server
    relay = make_relay(server.url)
    common = ("--server", relay.url, "--key", server.create_key("agent"), "--state-dir", str(tmp_path / "s"),
              "--allow-http", "--hostname", "forced-host")
    assert run_agent(*common, "--once").returncode == 0
    relay.requests.clear()
    relay.answer_next("/api/agent/heartbeat", 200, body={"status": "ok", "asset_id": 1, "server_time": "2026-01-01T00:00:00Z",
                                                        "config": {"scan_interval": 86400, "include_updates": False,
                                                                   "force_full_scan": True}})
    assert run_agent(*common, "--scheduled").returncode == 0
    assert [r.path for r in relay.requests] == ["/api/agent/heartbeat", "/api/agent/report"]
    assert "software" in relay.requests[1].json() and "delta" not in relay.requests[1].json()


def test_log_is_rotated(shared_server, tmp_path: Path) -> None:
    server = shared_server
    state = tmp_path / "s"
    state.mkdir()
    (state / "agent.log").write_text("x" * (1024 * 1024 + 10))
    (state / "agent.log.1").write_text("older\n")
    result = run_agent("--server", server.url, "--key", server.create_key("agent"), "--state-dir", str(state), "--once",
                       "--allow-http", "--hostname", "log-host")
    assert result.returncode == 0, result.stderr
    assert (state / "agent.log.2").read_text() == "older\n"
    assert (state / "agent.log.1").stat().st_size == 1024 * 1024 + 10
    assert "full report accepted" in (state / "agent.log").read_text()
    assert (state / "agent.log").stat().st_size < 4096


def test_delta_answer_saying_the_lists_diverged_gets_a_full_report(shared_server, make_relay, tmp_path: Path) -> None:
    server = shared_server
    relay = make_relay(server.url)
    common = ("--server", relay.url, "--key", server.create_key("agent"), "--state-dir", str(tmp_path / "s"),
              "--allow-http", "--hostname", "diverged-host", "--once")
    assert run_agent(*common).returncode == 0
    relay.requests.clear()
    relay.answer_next("/api/agent/report", 200, body={"status": "accepted", "asset_id": 1, "products_added": 0,
                                                     "products_removed": 0, "vulnerabilities_found": 0,
                                                     "products_already_present": 3, "products_not_found": 0,
                                                     "force_full_scan": True})
    result = run_agent(*common)
    assert result.returncode == 0, result.stderr
    assert [r.path for r in relay.requests] == ["/api/agent/report", "/api/agent/report", "/api/agent/heartbeat"]
    assert relay.requests[0].json()["delta"] is True
    assert "software" in relay.requests[1].json() and relay.requests[1].status == 200
    assert "full report accepted" in result.stdout


def test_source_package_from_an_older_dpkg_or_none(shared_server, make_relay, tmp_path: Path) -> None:
    """dpkg before 1.16.2 prints nothing for ${source:Package}: the Source field is read instead
    (empty when it is the package's own name, with " (VERSION)" after a binNMU); a package with
    neither sends no hint. Real records of this machine, with those fields blanked."""
    records = [r for r in captured_dpkg() if r["db:Status-Abbrev"][1:2] == "i"]
    binnmu = next(r for r in records if "(" in r["Source"] and sent_source_package(r))
    plain = next(r for r in records if r["Source"] and "(" not in r["Source"] and r["source:Package"] != r["Package"])
    own = next(r for r in records if not r["Source"])
    # A package with a version of its own (dmsetup from lvm2), where this machine has one.
    versioned = [r for r in records if r["source:Package"] != r["Package"] and not sent_source_package(r)][:1]
    old = [{**r, "source:Package": "", "source:Version": ""} for r in (binnmu, plain, own, *versioned)]
    missing = {**plain, "Package": plain["Package"] + "-local", "binary:Package": plain["Package"] + "-local",
               "source:Package": "", "Source": "", "source:Version": ""}
    stubs = tmp_path / "stubs"
    dpkg_stub(stubs, old + [missing])
    server = shared_server
    relay = make_relay(server.url)
    result = run_agent("--server", relay.url, "--key", server.create_key("agent"), "--state-dir", str(tmp_path / "s"),
                       "--once", "--allow-http", "--hostname", "old-dpkg-host", stubs=stubs)
    assert result.returncode == 0, result.stderr
    sent = {i["name"]: i.get("source_package") for i in relay.reports()[0].json()["software"]}
    assert sent == {binnmu["Package"]: binnmu["source:Package"], plain["Package"]: plain["source:Package"],
                    own["Package"]: None, missing["Package"]: None, **{r["Package"]: None for r in versioned}}
    assert binnmu["Source"].startswith(binnmu["source:Package"] + " (")
    for r in versioned:  # the Source field's version is the source's, not the package's
        assert upstream_version(r["Source"].split(" (")[1].rstrip(")")) != upstream_version(r["Version"])


def test_an_older_agents_state_gets_a_full_report_not_a_delta(shared_server, make_relay, tmp_path: Path) -> None:
    """Agents before the source package field kept inventory lines without it. Their next run
    with this agent sends a full report, which updates each item in place: a delta would remove
    and re-add every package built from a source of another name, and their findings with them."""
    server = shared_server
    relay = make_relay(server.url)
    key = server.create_key("agent")
    state = tmp_path / "state"
    args = ("--server", relay.url, "--key", key, "--state-dir", str(state), "--once", "--allow-http", "--hostname", "upgraded-host")
    records = [r for r in captured_dpkg() if r["db:Status-Abbrev"][1:2] == "i"]
    stubs = tmp_path / "stubs"
    # What the older agent knew: no source package, so every line had five fields.
    dpkg_stub(stubs, [{**r, "source:Package": "", "Source": "", "source:Version": ""} for r in records])
    assert run_agent(*args, stubs=stubs).returncode == 0
    lines = (state / "inventory.tsv").read_text().splitlines()
    assert lines and all(line.count("\t") == 4 for line in lines)
    older = "".join(line + "\n" for line in (state / "agent.state").read_text().splitlines() if not line.startswith("inventory_format="))
    (state / "agent.state").write_text(older)
    with server.db() as conn:
        before = dict(conn.execute("SELECT s.name, s.id FROM software s JOIN assets a ON a.id = s.asset_id WHERE a.hostname = ?",
                                   ("upgraded-host",)).fetchall())

    dpkg_stub(stubs, records)
    result = run_agent(*args, stubs=stubs)
    assert result.returncode == 0, result.stderr
    body = relay.reports()[-1].json()
    assert "delta" not in body and len(body["software"]) == len(lines)
    assert "inventory_format=2" in (state / "agent.state").read_text()
    with server.db() as conn:
        rows = conn.execute("SELECT s.name, s.id, s.source_package FROM software s JOIN assets a ON a.id = s.asset_id"
                            " WHERE a.hostname = ?", ("upgraded-host",)).fetchall()
        changes = conn.execute("SELECT COUNT(*) FROM software_changes c JOIN assets a ON a.id = c.asset_id WHERE a.hostname = ?",
                               ("upgraded-host",)).fetchone()[0]
    assert {name: row_id for name, row_id, _ in rows} == before  # the same rows, updated in place
    assert changes == 0
    assert {name: source for name, _, source in rows if source} == {
        r["Package"]: sent_source_package(r) for r in records if sent_source_package(r)}

    # From then on, deltas again: nothing changed, nothing sent but an empty delta.
    assert run_agent(*args, stubs=stubs).returncode == 0
    delta = relay.reports()[-1].json()
    assert delta["delta"] is True and delta["software_added"] == [] and delta["software_removed"] == []
