"""The read API over real HTTP: who may read what, the values it answers against the database, filters, CSV, errors."""

from __future__ import annotations

import copy
import csv
import io
import json
import sqlite3
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from tests.api.test_agent_errors import assert_refused
from tests.conftest import FEEDS, NO_RATE_LIMITS, Server, debian_software

REPORT = "/api/agent/report"
SCAN = "/api/agent/container-scan"
SHELLSHOCK = "CVE-2014-6271"  # bash, in CISA's KEV catalog
WINRAR_CVE = "CVE-2023-38831"  # WinRAR < 6.23, in CISA's KEV catalog
WINRAR = {"name": "WinRAR 6.22 (64-bit)", "version": "6.22.0", "vendor": "win.rar GmbH"}
SEVEN_ZIP = {"name": "7-Zip 23.01 (x64)", "version": "23.01", "vendor": "Igor Pavlov"}
SLACK = {"name": "Slack", "version": "4.35.126", "vendor": "Salesforce"}
FORMULA_HOST = "=HYPERLINK(evil)"
ENDPOINTS = ["/api/status", "/api/assets", "/api/assets/1", "/api/vulnerabilities", "/api/vulnerabilities.csv",
             "/api/remediation", "/api/remediation.csv"]


def kev_entry(cve: str) -> dict:
    catalog = json.loads((FEEDS / "kev" / "known_exploited_vulnerabilities.json").read_bytes())
    return next(v for v in catalog["vulnerabilities"] if v["cveID"] == cve)


def buster_with_shellshock() -> dict:
    report = json.loads((FEEDS / "trivy" / "debian-buster.json").read_bytes())
    report = copy.deepcopy(report)
    [bash] = [v for v in report["Results"][0]["Vulnerabilities"] if v["PkgName"] == "bash"]
    bash["VulnerabilityID"] = SHELLSHOCK
    return report


class Office:
    """The seeded data: two organizations, their keys, and the asset ids by hostname."""

    def __init__(self, server: Server) -> None:
        self.server = server
        self.branch = json.loads(server.cli("orgs", "create", "Branch", "--json").stdout)["id"]
        self.agent = server.create_key("agent")
        self.branch_agent = server.create_key("agent", org=self.branch)
        self.read = server.create_key("read")
        self.branch_read = server.create_key("read", org=self.branch)
        self.admin = server.create_key("admin")
        self.ids: dict[str, int] = {}

    def report(self, key: str, hostname: str, software: list[dict], os: str = "Windows 11 23H2", **extra: object) -> None:
        with self.server.client(key) as client:
            response = client.post(REPORT, json={"hostname": hostname, "os": os, "software": software, **extra})
            assert response.status_code == 200, response.text
            self.ids[hostname] = response.json()["asset_id"]


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory, feed_dir: Path) -> Iterator[Server]:
    srv = Server(tmp_path_factory.mktemp("read-api") / "data", {"SENTRIKAT_FEED_DIR": str(feed_dir), **NO_RATE_LIMITS}).start()
    yield srv
    assert srv.stop() == 0, srv.log()


@pytest.fixture(scope="module")
def office(server: Server) -> Office:
    office = Office(server)
    office.report(office.agent, "kev-pc", [WINRAR, SEVEN_ZIP, SLACK], tags=["finance"])
    office.report(office.agent, "clean-pc", [SLACK])
    office.report(office.agent, FORMULA_HOST, [WINRAR])
    office.report(office.agent, "srv-1", debian_software(FEEDS), os="Debian GNU/Linux 12 (bookworm)")
    with server.client(office.agent) as client:
        scan = client.post(SCAN, params={"hostname": "srv-1"}, json=buster_with_shellshock())
        assert scan.status_code == 200, scan.text
        beat = client.post("/api/agent/heartbeat", json={"hostname": "new-laptop"})
        office.ids["new-laptop"] = beat.json()["asset_id"]
    office.report(office.branch_agent, "branch-pc", [WINRAR])
    return office


def get(server: Server, key: str | None, path: str, **params: object) -> httpx.Response:
    with server.client(key) as client:
        return client.get(path, params=params)


def rows(server: Server, sql: str, params: tuple = ()) -> list[sqlite3.Row]:
    with server.db() as conn:
        conn.row_factory = sqlite3.Row
        return conn.execute(sql, params).fetchall()


# --- who may read -------------------------------------------------------------------------


@pytest.mark.parametrize("path", ENDPOINTS)
def test_no_credentials_get_401(server: Server, office: Office, path: str) -> None:
    assert_refused(server, lambda: get(server, None, path), 401, "missing_api_key")


@pytest.mark.parametrize("header", ["X-Agent-Key", "Authorization"])
def test_unknown_key_gets_401(server: Server, office: Office, header: str) -> None:
    value = "sk_read_" + "x" * 43
    headers = {header: f"Bearer {value}" if header == "Authorization" else value}
    assert_refused(server, lambda: httpx.get(server.url + "/api/status", headers=headers), 401, "invalid_api_key")


@pytest.mark.parametrize("path", ENDPOINTS)
@pytest.mark.parametrize("header", ["X-Agent-Key", "Authorization"])
def test_agent_keys_get_403(server: Server, office: Office, path: str, header: str) -> None:
    headers = {header: f"Bearer {office.agent}" if header == "Authorization" else office.agent}
    assert_refused(server, lambda: httpx.get(server.url + path, headers=headers), 403, "insufficient_scope")


def test_bearer_header_is_accepted(server: Server, office: Office) -> None:
    response = httpx.get(server.url + "/api/assets", headers={"Authorization": f"Bearer {office.read}"})
    assert response.status_code == 200, response.text
    assert response.headers["cache-control"] == "no-store"


def test_read_key_sees_only_its_organization(server: Server, office: Office) -> None:
    key = office.branch_read
    assets = get(server, key, "/api/assets").json()
    assert [a["hostname"] for a in assets["items"]] == ["branch-pc"] and assets["total"] == 1
    status = get(server, key, "/api/status").json()
    assert status["organization_id"] == office.branch
    assert status["assets"]["total"] == 1
    assert [(o["id"], o["name"]) for o in status["organizations"]] == [(office.branch, "Branch")]
    assert {v["vulnerability_id"] for v in status["top_vulnerabilities"]} >= {WINRAR_CVE}
    vulnerabilities = get(server, key, "/api/vulnerabilities").json()["items"]
    assert vulnerabilities and {v["hostname"] for v in vulnerabilities} == {"branch-pc"}
    exported = list(csv.DictReader(io.StringIO(get(server, key, "/api/vulnerabilities.csv").text)))
    assert {r["hostname"] for r in exported} == {"branch-pc"}
    # Another organization's asset is "not found", and asking for another organization is refused.
    assert_refused(server, lambda: get(server, key, f"/api/assets/{office.ids['kev-pc']}"), 404, "asset_not_found")
    for path in ("/api/assets", "/api/vulnerabilities", "/api/vulnerabilities.csv"):
        assert_refused(server, lambda: get(server, key, path, organization=1), 403, "organization_forbidden", "organization")
    assert get(server, key, "/api/assets", organization=office.branch).json()["total"] == 1


def test_read_key_of_the_default_organization(server: Server, office: Office) -> None:
    hosts = {a["hostname"] for a in get(server, office.read, "/api/assets", limit=500).json()["items"]}
    assert hosts == {"kev-pc", "clean-pc", FORMULA_HOST, "srv-1", "new-laptop"}


def test_admin_keys_see_every_organization(server: Server, office: Office) -> None:
    everything = get(server, office.admin, "/api/assets", limit=500).json()
    assert {a["hostname"] for a in everything["items"]} == set(office.ids)
    assert get(server, office.admin, "/api/status").json()["organization_id"] is None
    branch = get(server, office.admin, "/api/assets", organization=office.branch).json()
    assert [a["hostname"] for a in branch["items"]] == ["branch-pc"]
    detail = get(server, office.admin, f"/api/assets/{office.ids['branch-pc']}").json()
    assert detail["asset"]["organization"] == "Branch"


# --- values against the database ----------------------------------------------------------


def test_status_counts_match_the_database(server: Server, office: Office) -> None:
    status = get(server, office.admin, "/api/status").json()
    [counts] = rows(
        server,
        "SELECT COUNT(*) total, SUM(status = 'pending') pending, SUM(status = 'active' AND presence = 'online') online"
        " FROM assets",
    )
    assert status["assets"] == {"total": counts["total"], "online": counts["online"], "offline": 0, "stale": 0,
                                "pending": counts["pending"]}
    assert status["assets"]["pending"] == 1
    [software] = rows(server, "SELECT COUNT(*) n, COUNT(match_cpe) matched FROM software")
    assert status["data"]["software_items"] == software["n"]
    assert status["data"]["software_matched"] == software["matched"]
    kev_pairs = rows(
        server,
        "SELECT DISTINCT asset_id, cve FROM findings WHERE kev = 1"
        " UNION SELECT DISTINCT asset_id, vulnerability_id FROM container_findings WHERE kev = 1 AND resolved_at IS NULL",
    )
    assert status["data"]["kev_findings"] == len(kev_pairs)
    assert status["data"]["kev_assets"] == len({r["asset_id"] for r in kev_pairs})
    vulnerable = rows(
        server,
        "SELECT asset_id FROM findings UNION SELECT asset_id FROM container_findings WHERE resolved_at IS NULL",
    )
    assert status["data"]["vulnerable_assets"] == len(vulnerable)
    assert status["data"]["container_images"] == 1
    top = status["top_vulnerabilities"]
    assert top[0]["kev"] and [v["kev"] for v in top] == sorted((v["kev"] for v in top), reverse=True)
    winrar = next(v for v in top if v["vulnerability_id"] == WINRAR_CVE)
    assert winrar["assets"] == 3 and winrar["sources"] == ["host"]
    assert winrar["kev_due_date"] == kev_entry(WINRAR_CVE)["dueDate"]
    shellshock = next(v for v in top if v["vulnerability_id"] == SHELLSHOCK)
    assert shellshock["sources"] == ["container"] and shellshock["assets"] == 1
    # Each names what it was found in: the program names of the hosts, the container's package.
    names = {r[0] for r in rows(server, "SELECT s.name FROM findings f JOIN software s ON s.id = f.software_id"
                                        " WHERE f.cve = ?", (WINRAR_CVE,))}
    assert names and winrar["products"] == sorted(names, key=str.lower)
    assert shellshock["products"] == ["bash"]


def test_status_feed_and_jobs(server: Server, office: Office, feed_dir: Path) -> None:
    from appliance import __version__
    from appliance.db.migrations import SCHEMA_VERSION

    status = get(server, office.read, "/api/status").json()
    assert (status["version"], status["schema_version"]) == (__version__, SCHEMA_VERSION)
    manifest = json.loads((feed_dir / "manifest.json").read_text())
    feed = status["feed"]
    assert feed["loaded"] and feed["built_at"] == manifest["built_at"]
    assert (feed["cves"], feed["products"], feed["kev"]) == (manifest["cves"], manifest["products"], manifest["kev"])
    assert [(s["file"], s["format"], s["feed_date"], s["records"]) for s in feed["sources"]] == [
        (s["file"], s["format"], s["feed_date"], s["records"]) for s in manifest["sources"]
    ]
    kinds = {k["kind"]: k for k in feed["kinds"]}
    assert kinds["kev"]["newest"].startswith("2025-08-25") and kinds["kev"]["fresh"] is False  # the sample is old
    assert feed["fresh"] is False
    jobs = {j["name"]: j for j in status["jobs"]}
    assert jobs["expire_agents"]["next_run_at"] and jobs["expire_agents"]["last_outcome"]
    assert jobs["reevaluate"]["last_outcome"] == "ok" and jobs["reevaluate"]["next_run_at"] is None
    assert "feed_import_check" in jobs
    # In words for the page: the jobs a person cares about have a title, housekeeping has none.
    assert jobs["expire_agents"]["title"] and jobs["reevaluate"]["title"]
    assert jobs["feed_import_check"]["title"] is None and jobs["flush_heartbeats"]["title"] is None
    assert all(j["advice"] is None for j in jobs.values() if j["last_outcome"] != "failed")


def test_asset_page_values(server: Server, office: Office) -> None:
    asset_id = office.ids["kev-pc"]
    detail = get(server, office.read, f"/api/assets/{asset_id}").json()
    [stored] = rows(server, "SELECT * FROM assets WHERE id = ?", (asset_id,))
    summary = detail["asset"]
    assert (summary["hostname"], summary["os"], summary["tags"], summary["state"]) == (
        "kev-pc", "Windows 11 23H2", ["finance"], "online")
    assert (detail["status"], detail["presence"], detail["last_full_report_at"]) == (
        "active", "online", stored["last_full_report_at"])
    software = {s["name"]: s for s in detail["software"]}
    for row in rows(server, "SELECT * FROM software WHERE asset_id = ?", (asset_id,)):
        entry = software[row["name"]]
        assert (entry["version"], entry["match_cpe"], entry["match_method"], entry["match_score"],
                entry["unmatched_reason"]) == (row["version"], row["match_cpe"], row["match_method"],
                                               row["match_score"], row["unmatched_reason"])
    assert software[WINRAR["name"]]["match_method"] == "alias"
    assert software[WINRAR["name"]]["vulnerability_count"] == 2
    findings = rows(server, "SELECT * FROM findings WHERE asset_id = ?", (asset_id,))
    assert len(detail["vulnerabilities"]) == len(findings)
    assert summary["vulnerability_count"] == len({f["cve"] for f in findings})
    assert summary["kev_count"] == len({f["cve"] for f in findings if f["kev"]}) == 2
    assert summary["max_cvss"] == max(f["cvss"] for f in findings)
    first = detail["vulnerabilities"][0]
    assert first["kev"] and all(v["kev"] for v in detail["vulnerabilities"][:2])
    winrar = next(v for v in detail["vulnerabilities"] if v["cve"] == WINRAR_CVE)
    entry = kev_entry(WINRAR_CVE)
    assert (winrar["kev_date_added"], winrar["kev_due_date"], winrar["kev_ransomware"]) == (
        entry["dateAdded"], entry["dueDate"], entry["knownRansomwareCampaignUse"])
    stored_winrar = next(f for f in findings if f["cve"] == WINRAR_CVE)
    assert (winrar["cvss"], winrar["severity"], winrar["first_seen"], winrar["via"]) == (
        stored_winrar["cvss"], stored_winrar["severity"], stored_winrar["first_seen"], stored_winrar["via"])
    assert winrar["software_name"] == WINRAR["name"]
    assert detail["containers"] == []


def test_asset_page_containers_kev_first_open_only(server: Server, office: Office) -> None:
    asset_id = office.ids["srv-1"]
    detail = get(server, office.read, f"/api/assets/{asset_id}").json()
    [image] = detail["containers"]
    assert image["findings"][0]["vulnerability_id"] == SHELLSHOCK and image["findings"][0]["kev"]
    assert image["findings"][0]["kev_due_date"] == kev_entry(SHELLSHOCK)["dueDate"]
    assert image["kev_findings"] == 1 and image["open_findings"] == len(image["findings"]) == 2
    assert detail["asset"]["container_image_count"] == 1
    # A rescan without Shellshock resolves it: it leaves the page, the counts and the list.
    with server.client(office.agent) as client:
        rescan = json.loads((FEEDS / "trivy" / "debian-buster.json").read_bytes())
        assert client.post(SCAN, params={"hostname": "srv-1"}, json=rescan).status_code == 200
    try:
        detail = get(server, office.read, f"/api/assets/{asset_id}").json()
        [image] = detail["containers"]
        assert SHELLSHOCK not in {f["vulnerability_id"] for f in image["findings"]}
        assert image["kev_findings"] == 0
        assert get(server, office.read, "/api/vulnerabilities", cve=SHELLSHOCK).json()["total"] == 0
        assert rows(server, "SELECT resolved_at FROM container_findings WHERE vulnerability_id = ?", (SHELLSHOCK,))[0][0]
    finally:
        with server.client(office.agent) as client:
            assert client.post(SCAN, params={"hostname": "srv-1"}, json=buster_with_shellshock()).status_code == 200


def test_counts_follow_a_delta(server: Server, office: Office) -> None:
    with server.client(office.agent) as client:
        assert client.post(REPORT, json={"hostname": "delta-pc", "software": [WINRAR, SLACK]}).status_code == 200
        before = get(server, office.read, "/api/assets", q="delta-pc").json()["items"][0]
        assert (before["software_count"], before["kev_count"]) == (2, 1)
        delta = {"hostname": "delta-pc", "delta": True, "software_removed": [WINRAR], "software_added": [SEVEN_ZIP]}
        assert client.post(REPORT, json=delta).status_code == 200
    after = get(server, office.read, "/api/assets", q="delta-pc").json()["items"][0]
    findings = rows(server, "SELECT cve, kev FROM findings WHERE asset_id = ?", (after["id"],))
    assert after["software_count"] == 2
    assert after["vulnerability_count"] == len({f["cve"] for f in findings})
    assert after["kev_count"] == len({f["cve"] for f in findings if f["kev"]}) == 1
    with server.client(office.agent) as client:  # leave the office as the other tests expect it
        assert client.post(REPORT, json={"hostname": "delta-pc", "software": []}).status_code == 200
    office.ids["delta-pc"] = after["id"]


# --- filters, order, pages ----------------------------------------------------------------


def test_asset_filters(server: Server, office: Office) -> None:
    key = office.read

    def hosts(**params: object) -> list[str]:
        response = get(server, key, "/api/assets", **params)
        assert response.status_code == 200, response.text
        return [a["hostname"] for a in response.json()["items"]]

    assert hosts(state="pending") == ["new-laptop"]
    assert set(hosts(kev="true")) == {"kev-pc", FORMULA_HOST, "srv-1"}
    assert "kev-pc" not in hosts(kev="false")
    assert hosts(q="SRV") == ["srv-1"]
    assert hosts(q="finance") == ["kev-pc"]  # tags
    assert hosts(q="%") == []  # LIKE wildcards are literal
    everything = hosts(sort="hostname")
    assert everything == sorted(everything, key=str.lower)
    assert hosts(sort="-hostname") == everything[::-1]
    default = get(server, key, "/api/assets").json()["items"]
    assert [a["kev_count"] for a in default] == sorted((a["kev_count"] for a in default), reverse=True)
    paged = [h for offset in range(0, len(everything), 2) for h in hosts(sort="hostname", limit=2, offset=offset)]
    assert paged == everything
    page = get(server, key, "/api/assets", limit=2, offset=2).json()
    assert (page["total"], page["limit"], page["offset"], len(page["items"])) == (len(everything), 2, 2, 2)


def test_vulnerability_filters(server: Server, office: Office) -> None:
    key = office.admin
    everything = get(server, key, "/api/vulnerabilities", limit=1000).json()
    # Host findings are listed once per machine and CVE, whatever the number of packages.
    host_findings = rows(server, "SELECT COUNT(*) FROM (SELECT 1 FROM findings GROUP BY asset_id, cve)")[0][0]
    open_container = rows(server, "SELECT COUNT(*) FROM container_findings WHERE resolved_at IS NULL")[0][0]
    assert everything["total"] == len(everything["items"]) == host_findings + open_container
    assert {v["source"] for v in everything["items"]} == {"host", "container"}
    kev_flags = [v["kev"] for v in everything["items"]]
    assert kev_flags == sorted(kev_flags, reverse=True)
    container = next(v for v in everything["items"] if v["source"] == "container")
    assert container["image"] and container["product"] and container["hostname"] == "srv-1"
    kev_only = get(server, key, "/api/vulnerabilities", kev="true", limit=1000).json()["items"]
    assert kev_only and all(v["kev"] for v in kev_only)
    assert {v["vulnerability_id"] for v in kev_only} >= {WINRAR_CVE, SHELLSHOCK}
    critical = get(server, key, "/api/vulnerabilities", min_severity="critical", limit=1000).json()["items"]
    assert critical and all(v["severity"] == "CRITICAL" for v in critical)
    high = get(server, key, "/api/vulnerabilities", min_severity="high", limit=1000).json()["items"]
    assert {v["severity"] for v in high} <= {"HIGH", "CRITICAL"} and len(high) > len(critical)
    only_containers = get(server, key, "/api/vulnerabilities", source="container").json()["items"]
    assert only_containers and {v["source"] for v in only_containers} == {"container"}
    winrar = get(server, key, "/api/vulnerabilities", cve=WINRAR_CVE.lower()).json()
    assert winrar["total"] == 3 and {v["hostname"] for v in winrar["items"]} == {"kev-pc", FORMULA_HOST, "branch-pc"}
    branch = get(server, key, "/api/vulnerabilities", organization=office.branch).json()["items"]
    assert {v["hostname"] for v in branch} == {"branch-pc"}
    one = get(server, key, "/api/vulnerabilities", asset=office.ids["kev-pc"]).json()["items"]
    assert {v["hostname"] for v in one} == {"kev-pc"}


def test_csv_export_is_the_json_list(server: Server, office: Office) -> None:
    listing = get(server, office.admin, "/api/vulnerabilities", kev="true", limit=1000).json()["items"]
    response = get(server, office.admin, "/api/vulnerabilities.csv", kev="true")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/csv")
    assert "attachment" in response.headers["content-disposition"]
    exported = list(csv.DictReader(io.StringIO(response.text)))
    assert list(exported[0]) == list(listing[0])
    assert len(exported) == len(listing)
    for line, item in zip(exported, listing):
        assert line["vulnerability_id"] == item["vulnerability_id"] and line["source"] == item["source"]
        assert line["cvss"] == ("" if item["cvss"] is None else str(item["cvss"]))
        assert line["kev"] == "true"
        expected = item["hostname"] if not item["hostname"].startswith("=") else "'" + item["hostname"]
        assert line["hostname"] == expected
    assert "'" + FORMULA_HOST in {line["hostname"] for line in exported}


BAD_PARAMETERS = [
    ("/api/assets", {"limit": 0}, "limit"),
    ("/api/assets", {"limit": 501}, "limit"),
    ("/api/assets", {"limit": "ten"}, "limit"),
    ("/api/assets", {"offset": -1}, "offset"),
    ("/api/assets", {"sort": "price"}, "sort"),
    ("/api/assets", {"state": "asleep"}, "state"),
    ("/api/assets", {"kev": "maybe"}, "kev"),
    ("/api/assets", {"organization": 0}, "organization"),
    ("/api/assets", {"organization": 2**64}, "organization"),
    ("/api/assets", {"q": "x" * 201}, "q"),
    ("/api/vulnerabilities", {"min_severity": "extreme"}, "min_severity"),
    ("/api/vulnerabilities", {"source": "vm"}, "source"),
    ("/api/vulnerabilities", {"limit": 1001}, "limit"),
    ("/api/vulnerabilities", {"include_stale": "perhaps"}, "include_stale"),
    ("/api/vulnerabilities.csv", {"kev": "2"}, "kev"),
    ("/api/assets/0", {}, "asset_id"),
    (f"/api/assets/{2**64}", {}, "asset_id"),
]


@pytest.mark.parametrize(("path", "params", "field"), BAD_PARAMETERS, ids=[f"{p}-{f}" for p, _, f in BAD_PARAMETERS])
def test_bad_parameters_are_a_clear_400(server: Server, office: Office, path: str, params: dict, field: str) -> None:
    payload = assert_refused(server, lambda: get(server, office.admin, path, **params), 400, "invalid_request", field)
    assert field in payload["message"]


def test_unknown_asset_is_404(server: Server, office: Office) -> None:
    assert_refused(server, lambda: get(server, office.admin, "/api/assets/999999"), 404, "asset_not_found")
    assert_refused(server, lambda: get(server, office.admin, "/api/assets/abc"), 404, "not_found")


def test_read_api_is_in_the_openapi_schema(server: Server) -> None:
    schema = httpx.get(server.url + "/schema/openapi.json").json()
    operations = {op["operationId"]: (path, method, op) for path, item in schema["paths"].items() for method, op in item.items()}
    for name, path in [("getStatus", "/api/status"), ("listAssets", "/api/assets"), ("getAsset", "/api/assets/{asset_id}"),
                       ("listVulnerabilities", "/api/vulnerabilities"), ("exportVulnerabilities", "/api/vulnerabilities.csv"),
                       ("login", "/api/session"), ("getSession", "/api/session"), ("logout", "/api/session")]:
        assert operations[name][0] == path
        assert operations[name][2]["description"]
    _, _, assets = operations["listAssets"]
    assert {p["name"] for p in assets["parameters"]} >= {"organization", "state", "kev", "q", "sort", "limit", "offset"}
    assert "401" in assets["responses"] and "403" in assets["responses"]
    assert "AssetPage" in json.dumps(assets["responses"]["200"])


# --- limits and stale assets (own servers) ------------------------------------------------


def test_read_rate_limit(make_server) -> None:
    srv: Server = make_server(SENTRIKAT_RATE_READ="2")
    key = srv.create_key("read")
    assert get(srv, key, "/api/status").status_code == 200
    assert get(srv, key, "/api/assets").status_code == 200
    response = get(srv, key, "/api/assets")
    assert response.status_code == 429 and response.json()["error"] == "rate_limited"
    assert int(response.headers["Retry-After"]) >= 1


def test_stale_assets_leave_the_counts(make_server) -> None:
    srv: Server = make_server(SENTRIKAT_OFFLINE_AFTER="1", SENTRIKAT_STALE_AFTER="2", SENTRIKAT_EXPIRY_INTERVAL="1")
    agent, read = srv.create_key("agent"), srv.create_key("read")
    cpe = "cpe:2.3:a:rarlab:winrar:6.22:*:*:*:*:*:*:*"
    with srv.client(agent) as client:
        assert client.post(REPORT, json={"hostname": "quiet-pc", "software": [dict(WINRAR, cpe=cpe)]}).status_code == 200
    assert get(srv, read, "/api/status").json()["data"]["software_items"] == 1
    deadline = time.monotonic() + 15
    while get(srv, read, "/api/status").json()["assets"]["stale"] != 1:
        assert time.monotonic() < deadline, "the asset did not become stale"
        time.sleep(0.3)
    status = get(srv, read, "/api/status").json()
    assert status["assets"] == {"total": 1, "online": 0, "offline": 0, "stale": 1, "pending": 0}
    assert status["data"]["software_items"] == 0
    assert [a["hostname"] for a in get(srv, read, "/api/assets", state="stale").json()["items"]] == ["quiet-pc"]


def test_one_row_per_machine_and_cve_with_its_packages(server: Server, feeds_root) -> None:
    """A Debian machine has a curl CVE in curl, libcurl4 and libcurl3-gnutls: one row names all three."""
    key = server.create_key("agent")
    read = server.create_key("read")
    software = debian_software(feeds_root)
    with server.client(key) as client:
        asset = client.post("/api/agent/report", json={
            "hostname": "deb-grouped", "os": "Debian GNU/Linux 12 (bookworm)", "software": software,
        }).json()["asset_id"]
    listing = get(server, read, "/api/vulnerabilities", asset=asset, limit=1000).json()
    pairs = [(v["hostname"], v["vulnerability_id"]) for v in listing["items"]]
    assert listing["total"] == len(pairs) == len(set(pairs)) > 0
    findings = rows(server, "SELECT cve, COUNT(*) FROM findings WHERE asset_id = ? GROUP BY cve", (asset,))
    assert {cve for cve, _ in findings} == {cve for _, cve in pairs}
    several = {cve for cve, count in findings if count > 1}
    assert several, "the Debian inventory has CVEs in several packages"
    for item in listing["items"]:
        packages = item["product"].split(", ")
        names = {r[0] for r in rows(server, "SELECT s.name FROM findings f JOIN software s ON s.id = f.software_id"
                                            " WHERE f.asset_id = ? AND f.cve = ?", (asset, item["vulnerability_id"]))}
        assert set(packages) == names, item
    exported = list(csv.DictReader(io.StringIO(get(server, read, "/api/vulnerabilities.csv", asset=asset).text)))
    assert [(r["vulnerability_id"], r["product"]) for r in exported] == [
        (v["vulnerability_id"], v["product"]) for v in listing["items"]
    ]
