"""sentrikat match: explain identification and CVEs for a report file, without a server."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from tests.conftest import ROOT

REPORT = {
    "hostname": "pc-1",
    "os": "Windows 11 23H2",
    "software": [
        {"name": "WinRAR 6.22 (64-bit)", "version": "6.22.0", "vendor": "win.rar GmbH"},
        {"name": "Git Extensions", "version": "4.2.1", "vendor": "Git Extensions Team"},
        {"name": "Google Chrome", "version": "116.0.5845.96", "vendor": "Google LLC",
         "cpe": "cpe:2.3:a:google:chrome:116.0.5845.96:*:*:*:*:*:*:*"},
    ],
}


def run(tmp_path: Path, feed_dir: Path, *args: str) -> subprocess.CompletedProcess[str]:
    report = tmp_path / "report.json"
    report.write_text(json.dumps(REPORT))
    return subprocess.run(
        [sys.executable, "-m", "appliance", "match", "--feed-dir", str(feed_dir), *args, str(report)],
        cwd=ROOT, capture_output=True, text=True,
    )


def test_json_output(tmp_path: Path, feed_dir: Path) -> None:
    result = run(tmp_path, feed_dir, "--json")
    assert result.returncode == 0, result.stderr
    items = json.loads(result.stdout)["items"]
    assert [i["index"] for i in items] == [0, 1, 2]
    assert [i["name"] for i in items] == [s["name"] for s in REPORT["software"]]
    winrar, extensions, chrome = items
    assert winrar["match"]["cpe"] == "cpe:2.3:a:rarlab:winrar:6.22.0:*:*:*:*:*:*:*"
    assert (winrar["match"]["method"], winrar["match"]["score"]) == ("alias", 1.0)
    assert winrar["reason"] is None
    assert {"cve": "CVE-2023-38831", "kev": True, "cvss": 7.8, "severity": "HIGH", "fixed_version": "6.23",
            "fix_kind": "fixed_in", "version_unknown": False}.items() <= next(
        v for v in winrar["vulnerabilities"] if v["cve"] == "CVE-2023-38831"
    ).items()
    assert extensions["match"] is None and "look-alike" in extensions["reason"]
    assert chrome["match"]["method"] == "agent_cpe"
    assert "CVE-2023-4863" in {v["cve"] for v in chrome["vulnerabilities"]}


def test_text_output_and_os_override(tmp_path: Path, feed_dir: Path) -> None:
    result = run(tmp_path, feed_dir, "--os", "macOS 14")
    assert result.returncode == 0, result.stderr
    assert "CVE-2023-38831" in result.stdout and "KEV" in result.stdout
    assert "fixed in 6.23" in result.stdout
    assert "unmatched:" in result.stdout


def test_bad_report_is_a_clear_error(tmp_path: Path, feed_dir: Path) -> None:
    report = tmp_path / "bad.json"
    report.write_text('{"hostname": "x", "software": [{"name": "a"}]}')
    result = subprocess.run(
        [sys.executable, "-m", "appliance", "match", "--feed-dir", str(feed_dir), str(report)], cwd=ROOT, capture_output=True, text=True
    )
    assert result.returncode == 1 and "software[0].version" in result.stderr


def test_source_package_hints_in_the_input(tmp_path: Path, feed_dir: Path) -> None:
    report = tmp_path / "debian.json"
    report.write_text(json.dumps({"hostname": "deb-1", "os": "Debian GNU/Linux 12 (bookworm)", "software": [
        {"name": "logsave", "version": "1.47.0-2", "source": "dpkg", "source_package": "e2fsprogs"},
        {"name": "logsave", "version": "1.47.0-1", "source": "dpkg"},
    ]}))
    command = [sys.executable, "-m", "appliance", "match", "--feed-dir", str(feed_dir), "--json", str(report)]
    result = subprocess.run(command, cwd=ROOT, capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    hinted, plain = json.loads(result.stdout)["items"]
    assert hinted["match"]["cpe"] == "cpe:2.3:a:e2fsprogs_project:e2fsprogs:1.47.0:*:*:*:*:*:*:*"
    assert "built from source package 'e2fsprogs'" in hinted["match"]["evidence"]
    assert plain["match"] is None
    # A bad hint is refused with the field named, as the API does.
    report.write_text(json.dumps({"hostname": "deb-1", "software": [{"name": "a", "version": "1", "source_package": "a b"}]}))
    result = subprocess.run(command, cwd=ROOT, capture_output=True, text=True)
    assert result.returncode == 1 and "software[0].source_package" in result.stderr and "package name" in result.stderr
