"""The scheduler in the real server: refreshes swap the feed and existing assets gain CVEs without a report."""

from __future__ import annotations

import subprocess
import sys
import time
from pathlib import Path

import pytest

from appliance.matching.bundle import compile_sources, write_bundle
from tests.conftest import FEEDS, ROOT, Server
from tests.refresh.conftest import FakeNvd

WINRAR = {"name": "WinRAR 6.22 (64-bit)", "version": "6.22.0", "vendor": "win.rar GmbH"}


def cves_of(server: Server, hostname: str) -> set[str]:
    with server.db() as conn:
        return {r[0] for r in conn.execute(
            "SELECT f.cve FROM findings f JOIN assets a ON a.id = f.asset_id WHERE a.hostname = ?", (hostname,)
        )}


def wait_for(condition, seconds: float = 60) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.25)
    return condition()


@pytest.fixture(scope="module")
def old_feed(tmp_path_factory: pytest.TempPathFactory, feeds_root: Path) -> Path:
    """A feed without the NVD sample, where the WinRAR CVE lives (skipped without ../shared, via feeds_root)."""
    out = tmp_path_factory.mktemp("old-feed")
    bundle, manifest = compile_sources([FEEDS / "nvd" / "nvdcve-1.1-2022.json.gz", FEEDS / "cpe" / "cpes.csv", FEEDS / "kev"])
    write_bundle(bundle, manifest, out)
    return out


@pytest.mark.slow
def test_scheduled_refresh_gives_an_existing_asset_a_new_cve(make_server, fake_nvd: FakeNvd, old_feed: Path, hostname: str) -> None:
    srv: Server = make_server(
        SENTRIKAT_FEED_DIR=str(old_feed),
        SENTRIKAT_REFRESH_ENABLED="true",
        SENTRIKAT_REFRESH_START_DELAY="3",
        SENTRIKAT_CVE_REFRESH_INTERVAL="2",
        SENTRIKAT_CPE_REFRESH_INTERVAL="3600",
        SENTRIKAT_KEV_REFRESH_INTERVAL="3600",
        SENTRIKAT_NVD_CVE_URL=fake_nvd.url + "/rest/json/cves/2.0",
        SENTRIKAT_NVD_CPE_URL=fake_nvd.url + "/rest/json/cpes/2.0",
        SENTRIKAT_KEV_URL=fake_nvd.url + "/kev.json",
        SENTRIKAT_NVD_RATE_WINDOW="1",
        SENTRIKAT_RETRY_BASE_DELAY="0.1",
    )
    with srv.client(srv.create_key()) as client:
        body = client.post("/api/agent/report", json={"hostname": hostname, "os": "Windows 11", "software": [WINRAR]}).json()
    assert body["vulnerabilities_found"] == 0  # the 2022 feed predates the WinRAR CVE
    assert wait_for(lambda: "CVE-2023-38831" in cves_of(srv, hostname)), srv.log()
    # The refresh ran through the NVD API, incrementally from the 2022 feed's date.
    assert any(q.get("lastModStartDate") == "2022-11-04T07:00:00.000Z" for q in fake_nvd.paths("/rest/json/cves/2.0"))
    status = subprocess.run(
        [sys.executable, "-m", "appliance", "feeds", "status", "--json", "--data-dir", str(srv.data_dir)],
        cwd=ROOT, capture_output=True, text=True, check=True,
    ).stdout
    assert '"refresh_cve"' in status and '"last_error":null' in status.replace(" ", "")


@pytest.mark.slow
def test_offline_import_reaches_a_running_server(make_server, old_feed: Path, hostname: str) -> None:
    srv: Server = make_server(SENTRIKAT_FEED_DIR=str(old_feed), SENTRIKAT_FEED_CHECK_INTERVAL="1")
    with srv.client(srv.create_key()) as client:
        client.post("/api/agent/report", json={"hostname": hostname, "os": "Windows 11", "software": [WINRAR]})
    assert cves_of(srv, hostname) == set()
    result = srv.cli("feeds", "import", str(FEEDS / "nvd" / "nvdcve-2.0-sample.json"))
    assert "feed updated" in result.stdout and "nvdcve-2.0-sample.json: 48 records" in result.stderr
    assert wait_for(lambda: "CVE-2023-38831" in cves_of(srv, hostname)), srv.log()


def test_import_of_a_corrupt_file_changes_nothing(tmp_path: Path, feeds_root: Path) -> None:
    data = tmp_path / "data"
    data.mkdir()
    broken = tmp_path / "nvdcve-2.0-2025.json"
    broken.write_text('{"format": "NVD_CVE", "vulnerabilities": [')
    result = subprocess.run(
        [sys.executable, "-m", "appliance", "feeds", "import", str(feeds_root / "kev"), str(broken), "--data-dir", str(data)],
        cwd=ROOT, capture_output=True, text=True,
    )
    assert result.returncode == 1 and "nvdcve-2.0-2025.json" in result.stderr
    assert not (data / "feed" / "bundle.msgpack").exists()
