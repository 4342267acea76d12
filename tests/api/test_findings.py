"""Findings over real HTTP: stored per item with first/last seen, and re-evaluated when the feed changes."""

from __future__ import annotations

import csv
import io

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
    # Re-evaluation writes the fixed version of the range that matched.
    with srv.db() as conn:
        fixed = conn.execute(
            "SELECT fixed_version, fix_kind, version_unknown FROM findings WHERE cve = 'CVE-2023-38831'"
        ).fetchone()
    assert fixed == ("6.23", "fixed_in", 0)


def test_an_empty_version_answers_200_and_its_cves_are_not_counted_as_certain(server: Server, agent) -> None:
    # Issue 11's repro: dpkg cannot read "" (it used to raise UnknownVersion and answer 500).
    report = {"hostname": "repro-2", "os": "Debian GNU/Linux 12 (bookworm)",
              "software": [{"name": "openssl", "version": "", "vendor": "Debian"}]}
    response = agent.post("/api/agent/report", json=report)
    assert response.status_code == 200, response.text
    assert response.json()["products_matched"] == 1
    assert response.json()["vulnerabilities_found"] == 0  # none is certain
    read = server.create_key("read")
    with server.client(read) as client:
        asset = client.get(f"/api/assets/{response.json()['asset_id']}").json()
        listed = client.get("/api/vulnerabilities", params={"asset": asset["asset"]["id"]}).json()
        csv_text = client.get("/api/vulnerabilities.csv", params={"asset": asset["asset"]["id"]}).text
    assert asset["asset"]["vulnerability_count"] == 0 and asset["asset"]["kev_count"] == 0
    assert asset["software"][0]["match_cpe"] and "unknown" in asset["software"][0]["unmatched_reason"]
    assert asset["vulnerabilities"] and all(v["version_unknown"] for v in asset["vulnerabilities"])
    assert listed["items"] and all(v["version_unknown"] for v in listed["items"])
    rows = list(csv.DictReader(io.StringIO(csv_text)))
    assert rows and all(row["version_unknown"] == "true" for row in rows)


def test_fixed_versions_in_the_read_api_and_csv(server: Server, agent, hostname: str) -> None:
    # Issue 14's acceptance: 7-Zip 23.01 on Windows, each CVE with its fixed version from the shared feed.
    response = agent.post("/api/agent/report", json={"hostname": hostname, "os": "Windows 11", "software": [SEVENZIP]})
    assert response.status_code == 200, response.text
    answer = response.json()
    expected = {"CVE-2025-0411": ("24.09", "fixed_in", False), "CVE-2024-11477": ("24.07", "fixed_in", False)}
    read = server.create_key("read")
    with server.client(read) as client:
        asset = client.get(f"/api/assets/{answer['asset_id']}").json()
        listed = client.get("/api/vulnerabilities", params={"asset": answer["asset_id"]}).json()
        csv_text = client.get("/api/vulnerabilities.csv", params={"asset": answer["asset_id"]}).text
    assert {v["cve"]: (v["fixed_version"], v["fix_kind"], v["version_unknown"]) for v in asset["vulnerabilities"]} == expected
    assert {v["vulnerability_id"]: (v["fixed_version"], v["fix_kind"], v["version_unknown"]) for v in listed["items"]} == expected
    rows = {r["vulnerability_id"]: r for r in csv.DictReader(io.StringIO(csv_text))}
    assert {cve: (r["fixed_version"], r["fix_kind"], r["version_unknown"])
            for cve, r in rows.items()} == {cve: (f, k, "false") for cve, (f, k, _) in expected.items()}


@pytest.mark.slow
def test_reevaluation_reads_the_stored_source_package(make_server, feed_dir: Path, hostname: str) -> None:
    # Reported while the appliance had no feed: nothing is identified, but the hint is stored.
    srv = make_server()
    item = {"name": "logsave", "version": "1.47.0-2", "source": "dpkg", "source_package": "e2fsprogs"}
    with srv.client(srv.create_key()) as client:
        report = {"hostname": hostname, "os": "Debian GNU/Linux 12 (bookworm)", "software": [item]}
        assert client.post("/api/agent/report", json=report).json()["products_matched"] == 0
    assert srv.stop() == 0
    srv.env["SENTRIKAT_FEED_DIR"] = str(feed_dir)
    srv.start()

    def row() -> tuple:
        with srv.db() as conn:
            return conn.execute("SELECT source_package, match_cpe, match_evidence FROM software WHERE name = ?",
                                (item["name"],)).fetchone()

    deadline = time.monotonic() + 20
    while row()[1] is None and time.monotonic() < deadline:
        time.sleep(0.2)
    source_package, cpe, evidence = row()
    assert (source_package, cpe) == ("e2fsprogs", "cpe:2.3:a:e2fsprogs_project:e2fsprogs:1.47.0:*:*:*:*:*:*:*"), srv.log()
    assert "built from source package 'e2fsprogs'" in evidence
