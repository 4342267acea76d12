"""Findings over real HTTP: stored per item with first/last seen, and re-evaluated when the feed changes."""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from appliance.matching.bundle import compile_sources, write_bundle
from tests.conftest import FEEDS, Server

WINRAR = {"name": "WinRAR 6.22 (64-bit)", "version": "6.22.0", "vendor": "win.rar GmbH"}
SEVENZIP = {"name": "7-Zip 23.01 (x64)", "version": "23.01", "vendor": "Igor Pavlov"}


def findings(server: Server, hostname: str) -> dict[str, tuple]:
    with server.db() as conn:
        rows = conn.execute(
            "SELECT f.cve, s.name, f.kev, f.kev_date_added, f.kev_due_date, f.cvss, f.severity, f.via, f.first_seen, f.last_seen"
            " FROM findings f JOIN software s ON s.id = f.software_id JOIN assets a ON a.id = f.asset_id WHERE a.hostname = ?",
            (hostname,),
        ).fetchall()
    return {r[0]: r[1:] for r in rows}


def test_findings_are_stored_and_keep_first_seen(server: Server, agent, hostname: str) -> None:
    body = agent.post("/api/agent/report", json={"hostname": hostname, "os": "Windows 11", "software": [WINRAR]}).json()
    assert body["products_matched"] == 1
    assert body["vulnerabilities_found"] == 2  # CVE-2023-38831 (KEV) and CVE-2023-40477
    first = findings(server, hostname)
    name, kev, added, due, cvss, severity, via, first_seen, _ = first["CVE-2023-38831"]
    assert (name, kev, added, due, cvss, severity, via) == (
        "WinRAR 6.22 (64-bit)", 1, "2023-08-24", "2023-09-14", 7.8, "HIGH", "rarlab:winrar < 6.23"
    )
    with server.db() as conn:
        method, evidence = conn.execute(
            "SELECT match_method, match_evidence FROM software s JOIN assets a ON a.id = s.asset_id WHERE a.hostname = ?",
            (hostname,),
        ).fetchone()
    assert method == "alias" and "rarlab" in evidence
    time.sleep(1.1)
    agent.post("/api/agent/report", json={"hostname": hostname, "os": "Windows 11", "software": [WINRAR, SEVENZIP]})
    second = findings(server, hostname)
    assert second["CVE-2023-38831"][7] == first_seen  # first seen is kept
    assert second["CVE-2023-38831"][8] > first_seen  # last seen moves on
    assert {"CVE-2025-0411", "CVE-2024-11477"} <= second.keys()
    # Upgrading WinRAR resolves its findings; 7-Zip's stay.
    body = agent.post(
        "/api/agent/report",
        json={"hostname": hostname, "os": "Windows 11", "software": [{**WINRAR, "version": "6.24.0", "name": "WinRAR 6.24 (64-bit)"}, SEVENZIP]},
    ).json()
    assert set(findings(server, hostname)) == {"CVE-2025-0411", "CVE-2024-11477"}
    assert body["vulnerabilities_found"] == 2


def test_delta_adds_findings(server: Server, agent, hostname: str) -> None:
    agent.post("/api/agent/report", json={"hostname": hostname, "os": "Windows 11", "software": [SEVENZIP]})
    body = agent.post(
        "/api/agent/report", json={"hostname": hostname, "delta": True, "software_added": [WINRAR], "software_removed": [SEVENZIP]}
    ).json()
    assert body["vulnerabilities_found"] == 2
    assert set(findings(server, hostname)) == {"CVE-2023-38831", "CVE-2023-40477"}


@pytest.mark.slow
def test_assets_are_reevaluated_when_the_feed_changes(make_server, tmp_path: Path, feed_dir: Path, hostname: str) -> None:
    # Feed A lacks the NVD 2.0 sample, where the WinRAR CVE lives.
    old_feed = tmp_path / "old-feed"
    bundle, manifest = compile_sources([FEEDS / "nvd" / "nvdcve-1.1-2022.json.gz", FEEDS / "cpe", FEEDS / "kev"])
    write_bundle(bundle, manifest, old_feed)
    srv = make_server(SENTRIKAT_FEED_DIR=str(old_feed))
    key = srv.create_key()
    with srv.client(key) as client:
        body = client.post("/api/agent/report", json={"hostname": hostname, "os": "Windows 11", "software": [WINRAR]}).json()
    assert body["products_matched"] == 1 and body["vulnerabilities_found"] == 0
    assert srv.stop() == 0
    srv.env["SENTRIKAT_FEED_DIR"] = str(feed_dir)
    srv.start()
    deadline = time.monotonic() + 20
    while "CVE-2023-38831" not in findings(srv, hostname) and time.monotonic() < deadline:
        time.sleep(0.2)
    assert "CVE-2023-38831" in findings(srv, hostname), srv.log()
