"""What the sh agent collects on RPM, Alpine and macOS systems, from recorded command outputs behind PATH stubs.

PATH holds only the stubs and links to the tools the agent may use (TOOLS), so these tests
also show that the agent needs nothing else. Each test asserts the exact items the server received.
"""

from __future__ import annotations

import json
import os
import plistlib
import re
import shutil
import subprocess
from pathlib import Path

import pytest

from tests.agents.conftest import DATA, asset_software, make_stub, run_agent

# What the agent may call, besides the package tools: POSIX utilities plus curl, gzip, logger,
# mktemp and timeout (present on Linux, macOS and busybox; the agent copes without timeout).
TOOLS = ("sh", "dash", "awk", "sed", "sort", "tr", "wc", "date", "mkdir", "mktemp", "mv", "cp", "rm", "cat",
         "head", "tail", "id", "logger", "chmod", "find", "ls", "sleep", "kill", "od", "gzip", "curl", "touch", "grep")


BUSYBOX = shutil.which("busybox")


def toolbox(folder: Path, kind: str = "system") -> Path:
    """A folder of links to TOOLS only: with the stubs, the agent's whole PATH.

    ``busybox``: every tool but curl is a busybox applet (as on Alpine, where the agent runs
    under busybox sh with busybox awk, sed, od...).
    """
    folder.mkdir(parents=True, exist_ok=True)
    applets = set(subprocess.run([BUSYBOX, "--list"], capture_output=True, text=True).stdout.split()) if kind == "busybox" else set()
    for tool in TOOLS:
        if (folder / tool).is_symlink():
            continue
        if tool in applets:
            (folder / tool).symlink_to(BUSYBOX)
        elif kind == "busybox" and tool not in ("curl", "dash"):
            raise AssertionError(f"busybox has no {tool}")
        elif real := shutil.which(tool):
            (folder / tool).symlink_to(real)
    return folder


def isolated_env(tmp_path: Path, stubs: Path, kind: str = "system", **extra: str) -> dict[str, str]:
    return {"PATH": f"{stubs}:{toolbox(tmp_path / 'tools', kind)}", "HOME": str(tmp_path / "home"), **extra}


TOOLBOXES = [pytest.param("system", id="system"),
             pytest.param("busybox", id="busybox", marks=pytest.mark.skipif(BUSYBOX is None, reason="busybox is not installed"))]


def uname_stub(stubs: Path, system: str, host: str = "stub-host") -> None:
    make_stub(stubs, "uname", f"""
import sys
answers = {{"-s": {system!r}, "-n": {host!r}, "-r": "23.2.0" if {system!r} == "Darwin" else "6.1.0-18-amd64"}}
print(answers.get(sys.argv[1] if len(sys.argv) > 1 else "-s", {system!r}))
""")


def rpm_stub(stubs: Path) -> None:
    """``rpm -qa --qf FORMAT`` rendered over data/rpm-packages.tsv (tags as rpm prints them, "(none)" when unset)."""
    make_stub(stubs, "rpm", f"""
import re, sys
args = sys.argv[1:]
if "-qa" not in args or not ("--qf" in args or "--queryformat" in args):
    sys.exit("stub rpm: only -qa --qf FORMAT")
fmt = args[args.index("--qf" if "--qf" in args else "--queryformat") + 1]
fmt = fmt.replace("\\\\t", "\\t").replace("\\\\n", "\\n")
names = ("NAME", "EPOCH", "VERSION", "RELEASE", "VENDOR", "ARCH", "SOURCERPM")
for line in open({str(DATA / 'rpm-packages.tsv')!r}, encoding="utf-8"):
    if line.startswith("#"):
        continue
    tags = dict(zip(names, line.rstrip("\\n").split("\\t")))
    def tag(m):
        if m.group(1).upper() not in tags:
            sys.exit("stub rpm: unknown tag " + m.group(1))
        return tags[m.group(1).upper()]
    sys.stdout.write(re.sub(r"%\\{{([A-Za-z]+)\\}}", tag, fmt))
""")


def test_rpm_items(shared_server, make_relay, tmp_path: Path) -> None:
    stubs = tmp_path / "stubs"
    rpm_stub(stubs)
    uname_stub(stubs, "Linux", "rpm-host")
    root = tmp_path / "root"
    (root / "etc").mkdir(parents=True)
    (root / "etc" / "os-release").write_text('NAME="Rocky Linux"\nVERSION_ID="9.3"\nPRETTY_NAME="Rocky Linux 9.3 (Blue Onyx)"\n')
    server = shared_server
    relay = make_relay(server.url)
    result = run_agent("--server", relay.url, "--key", server.create_key("agent"), "--state-dir", str(tmp_path / "s"),
                       "--once", "--allow-http", env=isolated_env(tmp_path, stubs, SENTRIKAT_AGENT_SCAN_ROOT=str(root)))
    assert result.returncode == 0, result.stderr
    body = relay.reports()[0].json()
    assert body["hostname"] == "rpm-host" and body["os"] == "Rocky Linux 9.3 (Blue Onyx)"
    rocky = "Rocky Enterprise Software Foundation"
    assert sorted(body["software"], key=lambda i: i["name"]) == [
        {"name": "bash", "version": "4.2.46-31.el7", "vendor": "CentOS", "source": "rpm"},
        {"name": "libstdc++", "version": "11.4.1-2.1.el9", "vendor": rocky, "source": "rpm", "source_package": "gcc"},
        {"name": "local-tool", "version": "2.0-1", "vendor": "", "source": "rpm"},  # SOURCERPM (none)
        {"name": "openssl-libs", "version": "1:1.0.2k-16.el7", "vendor": "CentOS", "source": "rpm", "source_package": "openssl"},
        # Built from perl, but with a version of its own: perl's CVE ranges say nothing about 1.30.
        {"name": "perl-Errno", "version": "1.30-481.el9", "vendor": rocky, "source": "rpm"},
        {"name": "perl-Pod-Escapes", "version": "1:1.07-460.el9", "vendor": rocky, "source": "rpm"},
        # Dashes in both names: the source's name is what precedes its last two dashes.
        {"name": "python3-dnf-plugin-versionlock", "version": "4.3.0-11.el9_0", "vendor": rocky, "source": "rpm",
         "source_package": "dnf-plugins-core"},
        {"name": "tzdata", "version": "2024a-1.el9", "vendor": rocky, "source": "rpm"},
    ]
    assert len(asset_software(server, "rpm-host")["software"]) == 8


# Where apk's installed database is (or nothing: the agent sends no source packages then), and
# whether its records have origins ("o:" lines).
APK_DATABASES = [pytest.param("lib/apk/db/installed", True, id="lib"),
                 pytest.param("usr/lib/apk/db/installed", True, id="usr-lib"),
                 pytest.param("lib/apk/db/installed", False, id="no-origins"),
                 pytest.param(None, False, id="no-database")]
# What Alpine builds each package of apk-info-v.txt from (data/apk-installed.txt).
APK_ORIGINS = {"libcrypto1.1": "openssl", "libssl1.1": "openssl", "ca-certificates-cacert": "ca-certificates",
               "ssl_client": "busybox", "scanelf": "pax-utils", "musl-utils": "musl", "libc-utils": "libc-dev"}


@pytest.mark.parametrize(("database", "origins"), APK_DATABASES)
@pytest.mark.parametrize("kind", TOOLBOXES)
def test_apk_items(shared_server, make_relay, tmp_path: Path, kind: str, database: str | None, origins: bool) -> None:
    root = tmp_path / "root"
    installed = (DATA / "apk-installed.txt").read_text()
    if database is not None:
        (root / database).parent.mkdir(parents=True)
        (root / database).write_text(installed if origins else re.sub(r"(?m)^o:.*\n", "", installed))
    hints = APK_ORIGINS if origins else {}

    def item(name: str, version: str) -> dict:
        return {"name": name, "version": version, "vendor": "", "source": "apk",
                **({"source_package": hints[name]} if name in hints else {})}

    stubs = tmp_path / "stubs"
    listing = tmp_path / "apk-info-v.txt"
    listing.write_text((DATA / "apk-info-v.txt").read_text())
    make_stub(stubs, "apk", f"""
import sys
if sys.argv[1:] != ["info", "-v"]:
    sys.exit("stub apk: only info -v")
sys.stderr.write("WARNING: opening /var/cache/apk: No such file or directory\\n")
sys.stdout.write(open({str(listing)!r}).read())
""")
    uname_stub(stubs, "Linux", f"apk-host-{kind}-{database}-{origins}")
    (root / "usr" / "lib").mkdir(parents=True, exist_ok=True)  # only /usr/lib/os-release, the fallback
    (root / "usr" / "lib" / "os-release").write_text("NAME='Alpine Linux'\nPRETTY_NAME='Alpine Linux v3.10'\n")
    server = shared_server
    relay = make_relay(server.url)
    result = run_agent("--server", relay.url, "--key", server.create_key("agent"), "--state-dir", str(tmp_path / "s"),
                       "--once", "--allow-http", env=isolated_env(tmp_path, stubs, kind, SENTRIKAT_AGENT_SCAN_ROOT=str(root)), shell="sh")
    assert result.returncode == 0, result.stderr
    body = relay.reports()[0].json()
    assert body["os"] == "Alpine Linux v3.10"
    expected = [("alpine-baselayout", "3.1.2-r0"), ("apk-tools", "2.10.4-r2"), ("busybox", "1.30.1-r2"),
                ("ca-certificates-cacert", "20190108-r0"), ("libc-utils", "0.7.1-r0"), ("libcrypto1.1", "1.1.1c-r0"),
                ("libssl1.1", "1.1.1c-r0"), ("libtls-standalone", "2.9.1-r0"), ("musl", "1.1.22-r3"),
                ("musl-utils", "1.1.22-r3"), ("py3-setuptools", "70.3.0-r0"), ("scanelf", "1.2.3-r0"),
                ("ssl_client", "1.30.1-r2"), ("zlib", "1.2.11-r1")]
    assert sorted(body["software"], key=lambda i: i["name"]) == [item(name, version) for name, version in expected]

    # An upgrade (busybox) and a removal (zlib): the second run sends exactly that delta.
    listing.write_text(listing.read_text().replace("busybox-1.30.1-r2", "busybox-1.30.1-r5").replace("zlib-1.2.11-r1\n", ""))
    result = run_agent("--server", relay.url, "--key", server.create_key("agent"), "--state-dir", str(tmp_path / "s"),
                       "--once", "--allow-http", env=isolated_env(tmp_path, stubs, kind, SENTRIKAT_AGENT_SCAN_ROOT=str(root)),
                       shell="sh")
    assert result.returncode == 0, result.stderr
    delta = relay.reports()[-1].json()
    assert delta["software_added"] == [item("busybox", "1.30.1-r5")]
    assert sorted(delta["software_removed"], key=lambda i: i["name"]) == [item("busybox", "1.30.1-r2"), item("zlib", "1.2.11-r1")]


def macos_stubs(stubs: Path, with_plutil: bool, host: str = "stub-host") -> None:
    uname_stub(stubs, "Darwin", host)
    make_stub(stubs, "sw_vers", f"""
import sys
values = dict(line.split(":", 1) for line in open({str(DATA / 'sw_vers.txt')!r}) if ":" in line)
values = {{k: v.strip() for k, v in values.items()}}
flags = {{"-productName": "ProductName", "-productVersion": "ProductVersion", "-buildVersion": "BuildVersion"}}
if len(sys.argv) > 1:
    print(values[flags[sys.argv[1]]])
else:
    sys.stdout.write(open({str(DATA / 'sw_vers.txt')!r}).read())
""")
    # plutil -extract KEY raw -o - FILE (macOS 12+) and defaults read PATH_WITHOUT_.plist KEY, over
    # real plist files (XML or binary) read with plistlib.
    if with_plutil:
        make_stub(stubs, "plutil", """
import plistlib, sys
a = sys.argv[1:]
if len(a) != 6 or a[0] != "-extract" or a[2:5] != ["raw", "-o", "-"]:
    sys.exit("stub plutil: only -extract KEY raw -o - FILE")
value = plistlib.load(open(a[5], "rb")).get(a[1])
if value is None:
    sys.exit(f"{a[5]}: Could not extract value, error: No value at that key path or invalid key path: {a[1]}")
print(value)
""")
    make_stub(stubs, "defaults", """
import plistlib, sys
a = sys.argv[1:]
if len(a) != 3 or a[0] != "read":
    sys.exit("stub defaults: only read DOMAIN KEY")
value = plistlib.load(open(a[1] + ".plist", "rb")).get(a[2])
if value is None:
    sys.exit(f"The domain/default pair of ({a[1]}, {a[2]}) does not exist")
print(value)
""")
    make_stub(stubs, "brew", f"""
import sys
a = sys.argv[1:]
if a == ["--prefix"]:
    print({str(stubs)!r})
elif a[:2] == ["list", "--versions"] and a[2:] in (["--formula"], ["--cask"]):
    sys.stdout.write(open({str(DATA)!r} + ("/brew-formula.txt" if a[2] == "--formula" else "/brew-cask.txt")).read())
else:
    sys.exit("stub brew: unsupported " + " ".join(a))
""")


def app(folder: Path, plist: str, binary: bool = False) -> None:
    (folder / "Contents").mkdir(parents=True)
    source = (DATA / "macos" / plist).read_bytes()
    if binary:
        source = plistlib.dumps(plistlib.loads(source), fmt=plistlib.FMT_BINARY)
    (folder / "Contents" / "Info.plist").write_bytes(source)


@pytest.mark.parametrize("with_plutil", [True, False], ids=["plutil", "defaults"])
def test_macos_items(shared_server, make_relay, tmp_path: Path, with_plutil: bool) -> None:
    stubs = tmp_path / "stubs"
    host = f"mac-{'plutil' if with_plutil else 'defaults'}"
    macos_stubs(stubs, with_plutil, host)
    root = tmp_path / "root"
    apps = root / "Applications"
    app(apps / "DockIntellihide.app", "DockIntellihide.Info.plist")
    app(apps / "Burp Suite Community Edition.app", "BurpOSXApp.Info.plist")  # no version, no bundle id
    app(apps / "Utilities" / "Café Ünïcode.app", "DockIntellihide.Info.plist", binary=True)
    app(apps / "Outer.app" / "Contents" / "Helpers" / "Inner Helper.app", "DockIntellihide.Info.plist")
    (apps / "Outer.app" / "Contents" / "Info.plist").write_bytes(
        plistlib.dumps({"CFBundleShortVersionString": "2.5", "CFBundleVersion": "250", "CFBundleIdentifier": "com.example.outer"},
                       fmt=plistlib.FMT_BINARY))
    (apps / "Broken.app").mkdir()  # no Contents/Info.plist: skipped
    app(root / "Users" / "alice" / "Applications" / "Alice Tool.app", "DockIntellihide.Info.plist", binary=True)
    (tmp_path / "home").mkdir()
    server = shared_server
    relay = make_relay(server.url)
    result = run_agent("--server", relay.url, "--key", server.create_key("agent"), "--state-dir", str(tmp_path / "s"),
                       "--once", "--allow-http", env=isolated_env(tmp_path, stubs, SENTRIKAT_AGENT_SCAN_ROOT=str(root)))
    assert result.returncode == 0, result.stderr
    report = relay.reports()[0]
    assert report.headers["User-Agent"].startswith("SentriKat-Appliance-Agent/1.0.0 (macOS)")
    body = report.json()
    assert body["hostname"] == host and body["os"] == "macOS 14.2.1 (23C71)"
    intelihide = "com.apple.ScriptEditor.id.Intelihide"
    expected = [
        {"name": "Alice Tool", "version": "1.0", "vendor": "", "source": "macos_app", "bundle_id": intelihide},
        {"name": "Burp Suite Community Edition", "version": "", "vendor": "", "source": "macos_app"},
        {"name": "Café Ünïcode", "version": "1.0", "vendor": "", "source": "macos_app", "bundle_id": intelihide},
        {"name": "DockIntellihide", "version": "1.0", "vendor": "", "source": "macos_app", "bundle_id": intelihide},
        {"name": "Outer", "version": "2.5", "vendor": "", "source": "macos_app", "bundle_id": "com.example.outer"},
        {"name": "ca-certificates", "version": "2023-12-12", "vendor": "", "source": "homebrew"},
        {"name": "firefox", "version": "121.0", "vendor": "", "source": "homebrew"},
        {"name": "openssl@3", "version": "3.2.0_1", "vendor": "", "source": "homebrew"},
        {"name": "python@3.12", "version": "3.12.0", "vendor": "", "source": "homebrew"},
        {"name": "python@3.12", "version": "3.12.1_1", "vendor": "", "source": "homebrew"},
        {"name": "sqlite", "version": "3.44.2", "vendor": "", "source": "homebrew"},
        {"name": "visual-studio-code", "version": "1.85.1", "vendor": "", "source": "homebrew"},
    ]
    assert sorted(body["software"], key=lambda i: (i["name"], i["version"])) == expected
    # The body is pure ASCII: non-ASCII names travel as \\u escapes.
    assert b"\\u00e9" in report.body and report.body.isascii()
    assert {(s["name"], s["version"]) for s in asset_software(server, host)["software"]} == {
        (i["name"], i["version"]) for i in expected}


@pytest.mark.parametrize("kind", TOOLBOXES)
def test_escaping_of_hostile_names(shared_server, make_relay, tmp_path: Path, kind: str) -> None:
    """Quotes, backslashes, control characters, UTF-8 (BMP and beyond) and bytes that are not UTF-8."""
    stubs = tmp_path / "stubs"
    uname_stub(stubs, "Linux")
    listing = tmp_path / "apk-listing"
    listing.write_bytes(
        b'say "hi"\\there-1.0-r0\n'           # quote and backslash
        b"ctl\x01\x1b[31mred\x7f-2.0-r0\n"    # control characters and DEL
        b"caf\xc3\xa9-\xe6\x97\xa5\xe6\x9c\xac-3.0-r0\n"  # UTF-8: cafe-nihon
        b"emoji\xf0\x9f\x98\x80-4.0-r0\n"     # beyond the BMP: a surrogate pair
        b"latin\xe9\xff-5.0-r0\n"             # not UTF-8: read as Latin-1
        b"overlong\xc0\xaf\xed\xa0\x80-6.0-r0\n"  # overlong and surrogate encodings are not UTF-8 either
    )
    make_stub(stubs, "apk", f"import sys; sys.stdout.buffer.write(open({str(listing)!r}, 'rb').read())")
    server = shared_server
    relay = make_relay(server.url)
    result = run_agent("--server", relay.url, "--key", server.create_key("agent"), "--state-dir", str(tmp_path / "s"),
                       "--once", "--allow-http", "--hostname", f'h"\\ö-{kind}',
                       env=isolated_env(tmp_path, stubs, kind, SENTRIKAT_AGENT_SCAN_ROOT=str(tmp_path)), shell="sh")
    assert result.returncode == 0, result.stderr
    body = relay.reports()[0].json()
    assert body["hostname"] == f'h"\\ö-{kind}'
    assert sorted((i["name"], i["version"]) for i in body["software"]) == sorted([
        ('say "hi"\\there', "1.0-r0"),
        ("ctl  [31mred ", "2.0-r0"),
        ("café-日本", "3.0-r0"),
        ("emoji😀", "4.0-r0"),
        ("latinéÿ", "5.0-r0"),
        ("overlong\u00c0\u00af\u00ed\u00a0\u0080", "6.0-r0"),
    ])
    stored = {s["name"] for s in asset_software(server, f'h"\\ö-{kind}')["software"]}
    assert "emoji😀" in stored and 'say "hi"\\there' in stored and "latinéÿ" in stored


def test_no_package_tools_sends_an_empty_list(shared_server, make_relay, tmp_path: Path) -> None:
    """Also: every log line goes to the system log through logger, with the tag and a priority."""
    stubs = tmp_path / "stubs"
    uname_stub(stubs, "Linux", "bare-host")
    syslog = tmp_path / "syslog"
    make_stub(stubs, "logger", f"import json, sys; open({str(syslog)!r}, 'a').write(json.dumps(sys.argv[1:]) + '\\n')")
    server = shared_server
    relay = make_relay(server.url)
    result = run_agent("--server", relay.url, "--key", server.create_key("agent"), "--state-dir", str(tmp_path / "s"),
                       "--once", "--allow-http", env=isolated_env(tmp_path, stubs, SENTRIKAT_AGENT_SCAN_ROOT=str(tmp_path)))
    assert result.returncode == 0, result.stderr
    body = relay.reports()[0].json()
    assert body["software"] == [] and body["os"] == "Linux 6.1.0-18-amd64"
    assert "no installed software found" in (tmp_path / "s" / "agent.log").read_text()
    calls = [json.loads(line) for line in syslog.read_text().splitlines()]
    assert ["-t", "sentrikat-agent", "-p", "user.warning", "--",
            "no installed software found (no dpkg-query, rpm, apk or apps)"] in calls
    assert any(c[:4] == ["-t", "sentrikat-agent", "-p", "user.info"] and c[5].startswith("full report accepted: 0 items")
               for c in calls)
    assert len(calls) == len((tmp_path / "s" / "agent.log").read_text().splitlines())
    assert os.environ.get("PATH")  # the test's own PATH is untouched
