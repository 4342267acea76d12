"""POST /api/agent/container-scan over real HTTP, with the real Trivy reports in ../shared/feeds/trivy."""

from __future__ import annotations

import copy
import gzip
import json
import sqlite3
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from tests.api.test_agent_errors import assert_refused
from tests.conftest import FEEDS, NO_RATE_LIMITS, Server

SCAN = "/api/agent/container-scan"
REPORT = "/api/agent/report"
# The vulnerability count shared/feeds/trivy/README.md states for each file.
FILES = {"alpine-310.json": 4, "debian-buster.json": 2, "centos-7.json": 3, "pip.json": 2}
SHELLSHOCK = "CVE-2014-6271"  # bash, in CISA's KEV catalog


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory, feed_dir: Path) -> Iterator[Server]:
    """This module's own server with the real feed: it sends more scans a minute than the
    default limit allows one key, so request limits are off here."""
    srv = Server(tmp_path_factory.mktemp("container-scan-server") / "data",
                 {"SENTRIKAT_FEED_DIR": str(feed_dir), **NO_RATE_LIMITS}).start()
    yield srv
    assert srv.stop() == 0, srv.log()


@pytest.fixture(scope="module")
def scan_key(server: Server) -> str:
    return server.create_key("agent")


@pytest.fixture
def agent(server: Server, scan_key: str) -> Iterator[httpx.Client]:
    with server.client(scan_key) as client:
        yield client


def trivy(name: str) -> dict:
    if not FEEDS.is_dir():
        pytest.skip(f"shared feeds not found at {FEEDS}")
    return json.loads((FEEDS / "trivy" / name).read_bytes())


def kev_entries() -> dict[str, dict]:
    catalog = json.loads((FEEDS / "kev" / "known_exploited_vulnerabilities.json").read_bytes())
    return {v["cveID"]: v for v in catalog["vulnerabilities"]}


def keys_of(report: dict) -> set[tuple[str, str, str, str]]:
    """The distinct findings of a report, computed from the JSON itself."""
    return {
        (v["VulnerabilityID"], v["PkgName"], v.get("InstalledVersion", ""), result["Target"])
        for result in report.get("Results") or []
        for v in result.get("Vulnerabilities") or []
    }


def envelope(hostname: str, *images: tuple[str, str, dict], **extra: object) -> dict:
    return {
        "hostname": hostname,
        "scanner": "trivy",
        "scanner_version": "0.50.1",
        "images": [{"image_name": n, "image_tag": t, "trivy_output": r} for n, t, r in images],
        **extra,
    }


def with_shellshock(report: dict) -> dict:
    """The Debian report with bash's CVE replaced by Shellshock, which is in the KEV catalog."""
    report = copy.deepcopy(report)
    [bash] = [v for v in report["Results"][0]["Vulnerabilities"] if v["PkgName"] == "bash"]
    bash["VulnerabilityID"] = SHELLSHOCK
    return report


def stored(server: Server, hostname: str, image: str | None = None) -> dict[tuple, dict]:
    """Every container finding of a host (or one of its images by name), by identity."""
    with server.db() as conn:
        conn.row_factory = sqlite3.Row
        rows = conn.execute(
            "SELECT f.*, i.image_name FROM container_findings f JOIN container_images i ON i.id = f.container_image_id"
            " JOIN assets a ON a.id = f.asset_id WHERE a.hostname = ? AND (? IS NULL OR i.image_name = ?)",
            (hostname, image, image),
        ).fetchall()
    return {(r["vulnerability_id"], r["pkg_name"], r["installed_version"], r["target"]): dict(r) for r in rows}


def images(server: Server, hostname: str) -> list[dict]:
    with server.db() as conn:
        conn.row_factory = sqlite3.Row
        rows = conn.execute(
            "SELECT i.* FROM container_images i JOIN assets a ON a.id = i.asset_id WHERE a.hostname = ? ORDER BY i.id",
            (hostname,),
        ).fetchall()
    return [dict(r) for r in rows]


def post_bare(client: httpx.Client, hostname: str, report: dict) -> httpx.Response:
    return client.post(SCAN, params={"hostname": hostname}, json=report)


# --- every real file, in both forms ----------------------------------------------------------


@pytest.mark.parametrize("form", ["envelope", "bare"])
@pytest.mark.parametrize("name", sorted(FILES))
def test_each_file_is_stored_as_its_findings(server: Server, agent, hostname: str, name: str, form: str) -> None:
    report = trivy(name)
    expected = keys_of(report)
    assert len(expected) == FILES[name]
    if form == "envelope":
        image_name, image_tag = f"registry.local/{name.removesuffix('.json')}", "1.0"
        response = agent.post(SCAN, json=envelope(hostname, (image_name, image_tag, report)))
    else:
        # A bare report is named by its ArtifactName (here a --input tarball or a repo path: no tag).
        image_name, image_tag = report["ArtifactName"], ""
        response = post_bare(agent, hostname, report)
    assert response.status_code == 200, response.text
    kev = {key for key in expected if key[0] in kev_entries()}
    assert response.json() == {
        "status": "accepted",
        "asset_id": response.json()["asset_id"],
        "hostname": hostname,
        "images_processed": 1,
        "images_created": 1,
        "images_updated": 0,
        "findings": len(expected),
        "findings_kev": len(kev),
        "findings_new": len(expected),
        "findings_resolved": 0,
    }
    [image] = images(server, hostname)
    metadata = report.get("Metadata", {})
    assert (image["image_name"], image["image_tag"], image["artifact_name"], image["artifact_type"]) == (
        image_name, image_tag, report["ArtifactName"], report["ArtifactType"]
    )
    assert image["image_id"] == metadata.get("ImageID", "")
    assert (image["os_family"], image["os_name"]) == (
        metadata.get("OS", {}).get("Family"), metadata.get("OS", {}).get("Name")
    )
    assert image["scanner"] == "trivy"
    rows = stored(server, hostname)
    assert set(rows) == expected
    for result in report["Results"]:
        for v in result["Vulnerabilities"]:
            row = rows[(v["VulnerabilityID"], v["PkgName"], v["InstalledVersion"], result["Target"])]
            assert (row["severity"], row["fixed_version"], row["status"], row["purl"], row["title"]) == (
                v["Severity"], v.get("FixedVersion"), v["Status"], v["PkgIdentifier"]["PURL"], v["Title"]
            )
            assert (row["target_class"], row["target_type"]) == (result["Class"], result["Type"])
            assert row["cvss"] == v["CVSS"]["nvd"]["V3Score"]
            assert (row["triage"], row["resolved_at"], row["kev"]) == ("open", None, 0)
            assert row["first_seen"] == row["last_seen"] == image["last_scan_at"]


def test_both_forms_name_the_same_image(server: Server, agent, hostname: str) -> None:
    report = trivy("alpine-310.json")
    first = agent.post(SCAN, json=envelope(hostname, (report["ArtifactName"], "", report))).json()
    again = post_bare(agent, hostname, report).json()
    assert (first["images_created"], again["images_created"], again["images_updated"]) == (1, 0, 1)
    assert (again["findings"], again["findings_new"], again["findings_resolved"]) == (4, 0, 0)
    assert len(images(server, hostname)) == 1 and len(stored(server, hostname)) == 4


def test_envelope_image_id_is_kept(server: Server, agent, hostname: str) -> None:
    body = envelope(hostname, ("nginx", "1.25", trivy("debian-buster.json")))
    body["images"][0]["image_id"] = "sha256:" + "ab" * 32
    assert agent.post(SCAN, json=body).status_code == 200
    assert images(server, hostname)[0]["image_id"] == "sha256:" + "ab" * 32


# --- rescans ---------------------------------------------------------------------------------


def test_rescan_resolves_what_vanished_and_keeps_first_seen_and_triage(server: Server, agent, hostname: str) -> None:
    report = trivy("alpine-310.json")
    agent.post(SCAN, json=envelope(hostname, ("alpine", "3.10", report)))
    first = stored(server, hostname)
    target = report["Results"][0]["Target"]
    gone = ("CVE-2019-1549", "libcrypto1.1", "1.1.1c-r0", target)
    triaged = ("CVE-2019-1551", "libssl1.1", "1.1.1c-r0", target)
    # The admin's verdict (tests/api/test_triage.py covers the endpoint itself).
    with server.client(server.create_key("admin")) as admin:
        answer = admin.put(f"/api/container-findings/{first[triaged]['id']}/triage", json={"triage": "accepted_risk"})
    assert answer.status_code == 200, answer.text
    time.sleep(1.1)
    rescan = copy.deepcopy(report)
    rescan["Metadata"]["ImageID"] = "sha256:" + "01" * 32  # the tag was pulled anew
    rescan["Results"][0]["Vulnerabilities"] = [
        v for v in rescan["Results"][0]["Vulnerabilities"] if (v["VulnerabilityID"], v["PkgName"]) != gone[:2]
    ]
    body = agent.post(SCAN, json=envelope(hostname, ("alpine", "3.10", rescan))).json()
    assert (body["images_updated"], body["findings"], body["findings_new"], body["findings_resolved"]) == (1, 3, 0, 1)
    second = stored(server, hostname)
    [image] = images(server, hostname)
    assert image["image_id"] == "sha256:" + "01" * 32
    assert second[gone]["resolved_at"] == image["last_scan_at"]
    assert second[gone]["last_seen"] == first[gone]["last_seen"]
    for key in first.keys() - {gone}:
        assert second[key]["resolved_at"] is None
        assert second[key]["first_seen"] == first[key]["first_seen"]
        assert second[key]["last_seen"] == image["last_scan_at"] > first[key]["first_seen"]
    assert second[triaged]["triage"] == "accepted_risk"
    assert {second[k]["triage"] for k in second.keys() - {triaged}} == {"open"}
    # The vulnerability comes back: the same finding is open again, with its first sighting.
    body = agent.post(SCAN, json=envelope(hostname, ("alpine", "3.10", report))).json()
    assert (body["findings"], body["findings_new"], body["findings_resolved"]) == (4, 1, 0)
    third = stored(server, hostname)
    assert third[gone]["resolved_at"] is None and third[gone]["first_seen"] == first[gone]["first_seen"]
    assert third[triaged]["triage"] == "accepted_risk"


@pytest.mark.parametrize(
    "change",
    [lambda r: r.pop("Results"), lambda r: r.update(Results=[]), lambda r: r["Results"][0].pop("Vulnerabilities")],
    ids=["no Results", "empty Results", "no Vulnerabilities"],
)
def test_a_clean_rescan_resolves_everything(server: Server, agent, hostname: str, change) -> None:
    report = trivy("centos-7.json")
    agent.post(SCAN, json=envelope(hostname, ("centos", "7", report)))
    clean = copy.deepcopy(report)
    change(clean)
    body = agent.post(SCAN, json=envelope(hostname, ("centos", "7", clean))).json()
    assert (body["findings"], body["findings_resolved"]) == (0, 3)
    assert all(row["resolved_at"] is not None for row in stored(server, hostname).values())


def test_images_a_scan_does_not_list_are_left_alone(server: Server, agent, hostname: str) -> None:
    alpine, debian = trivy("alpine-310.json"), trivy("debian-buster.json")
    body = agent.post(SCAN, json=envelope(hostname, ("alpine", "3.10", alpine), ("debian", "10", debian))).json()
    assert (body["images_processed"], body["images_created"], body["findings"]) == (2, 2, 6)
    body = agent.post(SCAN, json=envelope(hostname, ("alpine", "3.10", alpine))).json()
    assert (body["images_processed"], body["images_updated"], body["findings_resolved"]) == (1, 1, 0)
    assert len(images(server, hostname)) == 2
    assert all(row["resolved_at"] is None for row in stored(server, hostname, "debian").values())


def test_duplicates_are_one_finding_and_one_image(server: Server, agent, hostname: str) -> None:
    report = trivy("alpine-310.json")
    doubled = copy.deepcopy(report)
    vulnerabilities = doubled["Results"][0]["Vulnerabilities"]
    vulnerabilities.append({**vulnerabilities[0], "PkgPath": "usr/lib/other-copy", "Severity": "HIGH"})
    body = agent.post(SCAN, json=envelope(hostname, ("alpine", "3.10", doubled), ("alpine", "3.10", trivy("pip.json")))).json()
    assert (body["images_processed"], body["findings"]) == (1, 4)
    # The first entry of each wins: the first image, and the first listing of the vulnerability.
    rows = stored(server, hostname)
    assert set(rows) == keys_of(report)
    first = vulnerabilities[0]
    assert rows[(first["VulnerabilityID"], first["PkgName"], first["InstalledVersion"], doubled["Results"][0]["Target"])]["severity"] == "MEDIUM"


# --- KEV -------------------------------------------------------------------------------------


def test_a_kev_cve_is_flagged(server: Server, agent, hostname: str) -> None:
    body = agent.post(SCAN, json=envelope(hostname, ("debian", "buster", with_shellshock(trivy("debian-buster.json"))))).json()
    assert (body["findings"], body["findings_kev"]) == (2, 1)
    rows = {key[0]: row for key, row in stored(server, hostname).items()}
    entry = kev_entries()[SHELLSHOCK]
    assert (rows[SHELLSHOCK]["kev"], rows[SHELLSHOCK]["kev_date_added"], rows[SHELLSHOCK]["kev_due_date"], rows[SHELLSHOCK]["kev_ransomware"]) == (
        1, entry["dateAdded"], entry["dueDate"], entry["knownRansomwareCampaignUse"]
    )
    assert (rows["CVE-2019-18224"]["kev"], rows["CVE-2019-18224"]["kev_date_added"]) == (0, None)


def wait_for(condition, server: Server, seconds: float = 20) -> None:
    deadline = time.monotonic() + seconds
    while not condition() and time.monotonic() < deadline:
        time.sleep(0.2)
    assert condition(), server.log()


def test_findings_stored_without_a_feed_are_flagged_when_one_loads(make_server, feed_dir: Path, hostname: str) -> None:
    srv = make_server()
    key = srv.create_key()
    with srv.client(key) as client:
        body = client.post(SCAN, json=envelope(hostname, ("debian", "buster", with_shellshock(trivy("debian-buster.json"))))).json()
    assert (body["findings"], body["findings_kev"]) == (2, 0)
    assert {row["kev"] for row in stored(srv, hostname).values()} == {0}
    assert srv.stop() == 0
    srv.env["SENTRIKAT_FEED_DIR"] = str(feed_dir)
    srv.start()
    wait_for(lambda: {k[0]: r["kev"] for k, r in stored(srv, hostname).items()} == {SHELLSHOCK: 1, "CVE-2019-18224": 0}, srv)
    [shellshock] = [row for key, row in stored(srv, hostname).items() if key[0] == SHELLSHOCK]
    assert shellshock["kev_date_added"] == kev_entries()[SHELLSHOCK]["dateAdded"]


def test_findings_stored_while_the_feed_was_missing_are_flagged_when_it_returns(
    make_server, feed_dir: Path, tmp_path: Path, hostname: str
) -> None:
    def evaluated_feed(srv: Server) -> str | None:
        with srv.db() as conn:
            row = conn.execute("SELECT value FROM appliance_state WHERE key = 'evaluated_feed'").fetchone()
        return row[0] if row else None

    srv = make_server(SENTRIKAT_FEED_DIR=str(feed_dir))
    key = srv.create_key()
    wait_for(lambda: evaluated_feed(srv) is not None, srv)
    assert srv.stop() == 0
    (tmp_path / "empty").mkdir()
    srv.env["SENTRIKAT_FEED_DIR"] = str(tmp_path / "empty")
    srv.start()
    with srv.client(key) as client:
        body = client.post(SCAN, json=envelope(hostname, ("debian", "buster", with_shellshock(trivy("debian-buster.json"))))).json()
    assert body["findings_kev"] == 0
    # Forgotten (at startup, in the background), so the same feed counts as new when it is back.
    wait_for(lambda: evaluated_feed(srv) is None, srv)
    assert srv.stop() == 0
    srv.env["SENTRIKAT_FEED_DIR"] = str(feed_dir)
    srv.start()
    wait_for(lambda: {k[0]: r["kev"] for k, r in stored(srv, hostname).items()} == {SHELLSHOCK: 1, "CVE-2019-18224": 0}, srv)


# --- assets ----------------------------------------------------------------------------------


def test_unknown_hostname_is_registered_as_pending(server: Server, agent, hostname: str) -> None:
    body = agent.post(SCAN, json=envelope(hostname, ("alpine", "3.10", trivy("alpine-310.json")), agent_version="1.2.0")).json()
    with server.db() as conn:
        row = conn.execute("SELECT id, status, force_full_scan, agent_version FROM assets WHERE hostname = ?", (hostname,)).fetchone()
    assert row == (body["asset_id"], "pending", 1, "1.2.0")
    assert agent.get("/api/agent/config", params={"hostname": hostname}).json()["force_full_scan"] is True
    # The full report that follows makes it active and keeps its container findings.
    report = agent.post(REPORT, json={"hostname": hostname, "software": [{"name": "curl", "version": "7.88.1"}]}).json()
    assert report["asset_id"] == body["asset_id"]
    assert len(stored(server, hostname)) == 4


def test_scan_of_a_known_asset_updates_last_seen(server: Server, agent, hostname: str) -> None:
    asset_id = agent.post(REPORT, json={"hostname": hostname, "software": []}).json()["asset_id"]
    with server.db() as conn:
        before = conn.execute("SELECT last_seen, status FROM assets WHERE id = ?", (asset_id,)).fetchone()
    time.sleep(1.1)
    body = agent.post(SCAN, json=envelope(hostname.upper(), ("alpine", "3.10", trivy("alpine-310.json")))).json()
    assert body["asset_id"] == asset_id  # hostnames are compared without case
    with server.db() as conn:
        after = conn.execute("SELECT last_seen, status FROM assets WHERE id = ?", (asset_id,)).fetchone()
    assert after[0] > before[0] and after[1] == before[1] == "active"


# --- refused requests change nothing ---------------------------------------------------------


def changed(name: str, change) -> dict:
    """A real report with one change."""
    report = trivy(name)
    change(report)
    return report


def one_image(report: object, **extra: object) -> dict:
    return {"hostname": "h", "images": [{"image_name": "img", "image_tag": "1", "trivy_output": report}], **extra}


# (case, a function building the body, the field the answer must name); built at test time,
# since the reports come from ../shared/feeds.
BAD_ENVELOPES = [
    ("missing images", lambda: {"hostname": "h"}, "images"),
    ("images not a list", lambda: {"hostname": "h", "images": {"a": 1}}, "images"),
    ("missing hostname", lambda: {"images": []}, "hostname"),
    ("missing trivy_output", lambda: {"hostname": "h", "images": [{"image_name": "a"}]}, "images[0].trivy_output"),
    ("empty image_name", lambda: {"hostname": "h", "images": [{"image_name": "", "trivy_output": trivy("pip.json")}]}, "images[0].image_name"),
    ("report is a list", lambda: one_image([]), "images[0].trivy_output"),
    ("schema version 1", lambda: one_image(changed("alpine-310.json", lambda r: r.update(SchemaVersion=1))), "images[0].trivy_output.SchemaVersion"),
    (
        "missing VulnerabilityID deep inside",
        lambda: envelope(
            "h",
            ("a", "1", trivy("alpine-310.json")),
            ("b", "1", changed("centos-7.json", lambda r: r["Results"][0]["Vulnerabilities"][2].pop("VulnerabilityID"))),
        ),
        "images[1].trivy_output.Results[0].Vulnerabilities[2].VulnerabilityID",
    ),
    (
        "numeric InstalledVersion",
        lambda: one_image(changed("alpine-310.json", lambda r: r["Results"][0]["Vulnerabilities"][3].update(InstalledVersion=1.1))),
        "images[0].trivy_output.Results[0].Vulnerabilities[3].InstalledVersion",
    ),
    (
        "score as text",
        lambda: one_image(changed("alpine-310.json", lambda r: r["Results"][0]["Vulnerabilities"][0]["CVSS"]["nvd"].update(V3Score="5.3"))),
        "images[0].trivy_output.Results[0].Vulnerabilities[0].CVSS[...].V3Score",
    ),
    ("other scanner", lambda: one_image(trivy("pip.json"), scanner="grype"), "scanner"),
    ("string organization", lambda: one_image(trivy("pip.json"), organization_id="1"), "organization_id"),
]

BAD_BARE_REPORTS = [
    ("no SchemaVersion", lambda: changed("alpine-310.json", lambda r: r.pop("SchemaVersion")), "SchemaVersion"),
    (
        "NUL in PkgName",
        lambda: changed("alpine-310.json", lambda r: r["Results"][0]["Vulnerabilities"][1].update(PkgName="libssl\u0000")),
        "Results[0].Vulnerabilities[1].PkgName",
    ),
    ("no Target", lambda: changed("alpine-310.json", lambda r: r["Results"][0].pop("Target")), "Results[0].Target"),
    ("no ArtifactName", lambda: changed("alpine-310.json", lambda r: r.pop("ArtifactName")), "ArtifactName"),
    ("the envelope sent with ?hostname=", lambda: one_image(trivy("alpine-310.json")), "SchemaVersion"),
]


@pytest.mark.parametrize(("case", "build", "field"), BAD_ENVELOPES, ids=[c[0] for c in BAD_ENVELOPES])
def test_invalid_envelope_names_the_field(server: Server, agent, case: str, build, field: str) -> None:
    payload = build()
    assert_refused(server, lambda: agent.post(SCAN, json=payload), 400, "invalid_request", field)


@pytest.mark.parametrize(("case", "build", "field"), BAD_BARE_REPORTS, ids=[c[0] for c in BAD_BARE_REPORTS])
def test_invalid_bare_report_names_the_field(server: Server, agent, hostname: str, case: str, build, field: str) -> None:
    payload = build()
    assert_refused(server, lambda: post_bare(agent, hostname, payload), 400, "invalid_request", field)


@pytest.mark.parametrize("query", ["", "pc\u0001", "x" * 256], ids=["empty", "control character", "too long"])
def test_invalid_hostname_query(server: Server, agent, query: str) -> None:
    report = trivy("alpine-310.json")
    assert_refused(server, lambda: agent.post(SCAN, params={"hostname": query}, json=report), 400, "invalid_request", "hostname")


@pytest.mark.parametrize("form", ["envelope", "bare"])
def test_malformed_json(server: Server, agent, hostname: str, form: str) -> None:
    params = {"hostname": hostname} if form == "bare" else {}
    truncated = (FEEDS / "trivy" / "centos-7.json").read_bytes()[:-40]
    headers = {"Content-Type": "application/json"}
    for raw in (truncated, b"[]", b"null", b"", b"\xff{}"):
        assert_refused(server, lambda: agent.post(SCAN, params=params, content=raw, headers=headers), 400, "invalid_request")


def test_oversized_requests(make_server, hostname: str) -> None:
    srv = make_server(SENTRIKAT_MAX_BODY_BYTES="12000", SENTRIKAT_MAX_IMAGES="2")
    key = srv.create_key()
    alpine = trivy("alpine-310.json")  # about 18 KB
    empty = {"SchemaVersion": 2, "ArtifactName": "scratch", "ArtifactType": "container_image"}
    with srv.client(key) as client:
        assert_refused(srv, lambda: client.post(SCAN, json=envelope(hostname, ("alpine", "3.10", alpine))), 413, "payload_too_large")
        assert_refused(srv, lambda: post_bare(client, hostname, alpine), 413, "payload_too_large")
        three = envelope(hostname, ("a", "1", empty), ("b", "1", empty), ("c", "1", empty))
        payload = assert_refused(srv, lambda: client.post(SCAN, json=three), 413, "payload_too_large")
        assert "3 images" in payload["message"]
        # Compressed, the same report fits; two images are within the limit.
        raw = gzip.compress(json.dumps(alpine).encode())
        response = client.post(
            SCAN, params={"hostname": hostname}, content=raw, headers={"Content-Type": "application/json", "Content-Encoding": "gzip"}
        )
        assert response.status_code == 200 and response.json()["findings"] == 4
        assert client.post(SCAN, json=envelope(hostname, ("a", "1", empty), ("b", "1", empty))).json()["images_created"] == 2


def test_unsupported_media_type(server: Server, agent, hostname: str) -> None:
    raw = json.dumps(trivy("pip.json")).encode()
    assert_refused(
        server, lambda: agent.post(SCAN, params={"hostname": hostname}, content=raw, headers={"Content-Type": "text/plain"}), 415, "unsupported_media_type"
    )


def test_keys_and_scopes(server: Server, hostname: str) -> None:
    body = envelope(hostname, ("alpine", "3.10", trivy("alpine-310.json")))
    with httpx.Client(base_url=server.url) as anonymous:
        assert_refused(server, lambda: anonymous.post(SCAN, json=body), 401, "missing_api_key")
    with server.client(server.create_key("read")) as reader:
        assert_refused(server, lambda: reader.post(SCAN, json=body), 403, "insufficient_scope")


def test_organization_and_hostname_conflicts(server: Server, agent, hostname: str) -> None:
    report = trivy("pip.json")
    assert_refused(server, lambda: agent.post(SCAN, json=envelope(hostname, ("app", "1", report), organization_id=2)), 403, "organization_forbidden", "organization_id")
    org = json.loads(server.cli("orgs", "create", f"Containers {hostname}", "--json").stdout)["id"]
    with server.client(server.create_key("agent", org=org)) as other:
        assert other.post(SCAN, json=envelope(hostname, ("app", "1", report))).status_code == 200
        # A container scan leaves the host pending, which claims nothing (tests/api/test_hostname_claims.py);
        # the other organization's full report claims it.
        assert other.post("/api/agent/report", json={"hostname": hostname, "software": []}).status_code == 200
    assert_refused(server, lambda: agent.post(SCAN, json=envelope(hostname, ("app", "1", report))), 409, "hostname_conflict", "hostname")
    assert_refused(server, lambda: post_bare(agent, hostname.upper(), report), 409, "hostname_conflict", "hostname")


def test_rate_limit_has_its_own_bucket(make_server, hostname: str) -> None:
    srv = make_server(SENTRIKAT_RATE_CONTAINER_SCAN="2", SENTRIKAT_RATE_REPORT="1")
    key = srv.create_key()
    body = envelope(hostname, ("app", "1", trivy("pip.json")))
    with srv.client(key) as client:
        assert [client.post(SCAN, json=body).status_code for _ in range(2)] == [200, 200]
        payload = assert_refused(srv, lambda: client.post(SCAN, json=body), 429, "rate_limited")
        assert payload["retry_after"] >= 1
        # Reports are counted apart from container scans.
        assert client.post(REPORT, json={"hostname": hostname, "software": []}).status_code == 200


def test_openapi_documents_both_forms(server: Server) -> None:
    schema = httpx.get(server.url + "/schema/openapi.json").json()
    operation = schema["paths"]["/api/agent/container-scan"]["post"]
    assert operation["operationId"] == "submitContainerScan"
    forms = operation["requestBody"]["content"]["application/json"]["schema"]["anyOf"]
    assert [sorted(form["required"]) for form in forms] == [["hostname", "images"], ["SchemaVersion"]]
    assert "413" in operation["description"]
