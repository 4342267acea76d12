"""--install and --uninstall of the sh agent under SENTRIKAT_AGENT_ROOT: files, modes, schedules, first run."""

from __future__ import annotations

import plistlib
import stat
from pathlib import Path

import pytest

from tests.agents.conftest import AGENT_SH, DATA, asset_software, make_stub, run_agent
from tests.agents.test_sh_collect import uname_stub


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def files_under(root: Path) -> list[str]:
    return sorted(str(p.relative_to(root)) for p in root.rglob("*") if not p.is_dir())


@pytest.mark.parametrize("init", ["systemd", "cron"])
def test_install_and_uninstall_on_linux(shared_server, tmp_path: Path, init: str) -> None:
    server = shared_server
    key = server.create_key("agent")
    root = tmp_path / "root"
    env = {"SENTRIKAT_AGENT_ROOT": str(root), "SENTRIKAT_AGENT_INIT": init}
    result = run_agent("--install", "--server", server.url + "/", "--key", key, "--allow-http", "--hostname", f"inst-{init}", env=env)
    assert result.returncode == 0, result.stderr
    assert f"installed ({init})" in result.stdout and "full report accepted" in result.stdout

    script = root / "usr/local/bin/sentrikat-agent"
    assert script.read_bytes() == AGENT_SH.read_bytes() and mode(script) == 0o755
    conf_dir, state = root / "etc/sentrikat-agent", root / "var/lib/sentrikat-agent"
    assert mode(conf_dir) == 0o700 and mode(state) == 0o700
    conf = conf_dir / "agent.conf"
    assert mode(conf) == 0o600
    lines = conf.read_text().splitlines()
    assert lines[1:] == [f"server={server.url}", f"key={key}", "allow_http=1", f"hostname=inst-{init}",
                         "state_dir=/var/lib/sentrikat-agent"]
    for name in ("inventory.tsv", "agent.state", "agent.log"):
        assert mode(state / name) == 0o600, name
    assert asset_software(server, f"inst-{init}")["software"]

    command = "/bin/sh /usr/local/bin/sentrikat-agent --config /etc/sentrikat-agent/agent.conf --scheduled"
    if init == "systemd":
        service = (root / "etc/systemd/system/sentrikat-agent.service").read_text()
        timer = (root / "etc/systemd/system/sentrikat-agent.timer").read_text()
        assert "Type=oneshot\n" in service and f"ExecStart={command}\n" in service
        assert "OnActiveSec=10min\nOnUnitActiveSec=10min\n" in timer and "WantedBy=timers.target\n" in timer
        assert not (root / "etc/cron.d").exists()
    else:
        cron = (root / "etc/cron.d/sentrikat-agent").read_text().splitlines()
        assert cron[1] == f"*/10 * * * * root {command} --random-delay 60 >/dev/null 2>&1"
        assert mode(root / "etc/cron.d/sentrikat-agent") == 0o644
        assert not (root / "etc/systemd").exists()

    # What the schedule runs works from the installed files (the state dir given, since the
    # config names the live path).
    scheduled = run_agent("--config", str(conf), "--state-dir", str(state), "--scheduled", env=env, shell="sh")
    assert scheduled.returncode == 0, scheduled.stderr
    assert "heartbeat ok" in (state / "agent.log").read_text()

    result = run_agent("--uninstall", env=env)
    assert result.returncode == 0, result.stderr
    assert files_under(root) == []


def test_install_keeps_other_crontab_lines_on_alpine(shared_server, tmp_path: Path) -> None:
    """Without /etc/cron.d (busybox crond) the line goes into root's crontab, and leaves with --uninstall."""
    server = shared_server
    root = tmp_path / "root"
    tab = root / "etc/crontabs/root"
    tab.parent.mkdir(parents=True)
    tab.write_text("# min hour day month weekday command\n*/15 * * * * run-parts /etc/periodic/15min\n")
    env = {"SENTRIKAT_AGENT_ROOT": str(root), "SENTRIKAT_AGENT_INIT": "cron"}
    result = run_agent("--install", "--server", server.url, "--key", server.create_key("agent"), "--allow-http",
                       "--hostname", "alpine-inst", env=env)
    assert result.returncode == 0, result.stderr
    lines = tab.read_text().splitlines()
    assert lines[:2] == ["# min hour day month weekday command", "*/15 * * * * run-parts /etc/periodic/15min"]
    assert lines[2] == ("*/10 * * * * /bin/sh /usr/local/bin/sentrikat-agent --config /etc/sentrikat-agent/agent.conf "
                        "--scheduled --random-delay 60 >/dev/null 2>&1 # sentrikat-agent")
    assert mode(tab) == 0o600
    assert run_agent("--uninstall", env=env).returncode == 0
    assert tab.read_text() == "# min hour day month weekday command\n*/15 * * * * run-parts /etc/periodic/15min\n"


def test_install_on_macos_writes_a_launch_daemon(shared_server, tmp_path: Path) -> None:
    stubs = tmp_path / "stubs"
    uname_stub(stubs, "Darwin")
    make_stub(stubs, "sw_vers", f"""
import sys
values = {{l.split(":")[0]: l.split(":", 1)[1].strip() for l in open({str(DATA / 'sw_vers.txt')!r})}}
print(values[{{"-productName": "ProductName", "-productVersion": "ProductVersion", "-buildVersion": "BuildVersion"}}[sys.argv[1]]])
""")
    server = shared_server
    root = tmp_path / "root"
    env = {"SENTRIKAT_AGENT_ROOT": str(root), "SENTRIKAT_AGENT_SCAN_ROOT": str(tmp_path / "empty")}
    result = run_agent("--install", "--server", server.url, "--key", server.create_key("agent"), "--allow-http",
                       "--hostname", "mac-inst", env=env, stubs=stubs)
    assert result.returncode == 0, result.stderr
    assert "installed (launchd)" in result.stdout
    plist_path = root / "Library/LaunchDaemons/com.sentrikat.agent.plist"
    assert mode(plist_path) == 0o644
    daemon = plistlib.loads(plist_path.read_bytes())
    support = "/Library/Application Support/SentriKat"
    assert daemon["Label"] == "com.sentrikat.agent"
    assert daemon["ProgramArguments"] == ["/bin/sh", "/usr/local/bin/sentrikat-agent", "--config", f"{support}/agent.conf", "--scheduled"]
    assert daemon["StartInterval"] == 600
    conf = root / support.lstrip("/") / "agent.conf"
    assert mode(conf) == 0o600 and mode(conf.parent) == 0o700
    assert mode(root / support.lstrip("/") / "state") == 0o700
    asset = asset_software(server, "mac-inst")
    assert asset["asset"]["os"] == "macOS 14.2.1 (23C71)"
    assert run_agent("--uninstall", env=env, stubs=stubs).returncode == 0
    assert files_under(root) == []


def test_install_reports_a_failed_first_run(tmp_path: Path) -> None:
    from tests.conftest import free_port

    root = tmp_path / "root"
    env = {"SENTRIKAT_AGENT_ROOT": str(root), "SENTRIKAT_AGENT_INIT": "cron", "SENTRIKAT_AGENT_RETRIES": "1"}
    result = run_agent("--install", "--server", f"http://127.0.0.1:{free_port()}", "--key", "sk_agent_" + "x" * 43,
                       "--allow-http", env=env)
    assert result.returncode == 1
    assert "no answer" in result.stderr and "installed, but the first run failed" in result.stderr
    assert (root / "etc/cron.d/sentrikat-agent").exists()  # the schedule retries later


def test_install_refuses_http_without_allow_http(tmp_path: Path) -> None:
    root = tmp_path / "root"
    result = run_agent("--install", "--server", "http://127.0.0.1:1", "--key", "sk_agent_abc",
                       env={"SENTRIKAT_AGENT_ROOT": str(root), "SENTRIKAT_AGENT_INIT": "cron"})
    assert result.returncode == 2 and "--allow-http" in result.stderr
    assert not root.exists()
