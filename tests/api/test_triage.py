"""The admin's triage of container findings over real HTTP: PUT /api/container-findings/{id}/triage and
PUT /api/container-images/{id}/triage, the counts that follow it, what a rescan does, and every refusal."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from tests.api.test_agent_errors import assert_refused
from tests.api.test_container_scan import SHELLSHOCK, envelope, trivy, with_shellshock
from tests.api.test_session import PASSWORD, set_password
from tests.conftest import NO_RATE_LIMITS, Server

SCAN = "/api/agent/container-scan"
LIBIDN2 = "CVE-2019-18224"  # libidn2-0 in the Debian report, CVSS 9.8
FINDING = "/api/container-findings/{}/triage"
IMAGE = "/api/container-images/{}/triage"


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory, feed_dir: Path) -> Iterator[Server]:
    srv = Server(tmp_path_factory.mktemp("triage-server") / "data",
                 {"SENTRIKAT_FEED_DIR": str(feed_dir), **NO_RATE_LIMITS}).start()
    set_password(srv)
    yield srv
    assert srv.stop() == 0, srv.log()


@pytest.fixture(scope="module")
def keys(server: Server) -> dict[str, str]:
    return {scope: server.create_key(scope) for scope in ("agent", "read", "admin")}


@pytest.fixture
def admin(server: Server, keys: dict[str, str]) -> Iterator[httpx.Client]:
    with server.client(keys["admin"]) as client:
        yield client


@pytest.fixture
def page(server: Server) -> Iterator[tuple[httpx.Client, str]]:
    """The status page's admin session: its cookie and its CSRF token."""
    login = httpx.post(server.url + "/api/session", json={"username": "admin", "password": PASSWORD})
    assert login.status_code == 200, login.text
    with httpx.Client(base_url=server.url, cookies={"sentrikat_session": login.cookies["sentrikat_session"]}) as client:
        yield client, login.json()["csrf_token"]


def scan(server: Server, keys: dict[str, str], hostname: str, *images: tuple[str, str, dict]) -> dict:
    with server.client(keys["agent"]) as agent:
        response = agent.post(SCAN, json=envelope(hostname, *images))
    assert response.status_code == 200, response.text
    return response.json()


def asset(admin: httpx.Client, asset_id: int) -> dict:
    response = admin.get(f"/api/assets/{asset_id}")
    assert response.status_code == 200, response.text
    return response.json()


def findings(detail: dict) -> dict[tuple[str, str], dict]:
    """The asset's open container findings by (vulnerability id, package)."""
    return {(f["vulnerability_id"], f["pkg_name"]): f for image in detail["containers"] for f in image["findings"]}


def counts(admin: httpx.Client, asset_id: int) -> dict:
    """Every count of the asset that means "needs action", from the read API."""
    detail = asset(admin, asset_id)
    [image] = detail["containers"]
    listed = admin.get("/api/vulnerabilities", params={"asset": asset_id, "source": "container"}).json()
    status = admin.get("/api/status").json()
    return {
        "vulnerability_count": detail["asset"]["vulnerability_count"],
        "kev_count": detail["asset"]["kev_count"],
        "max_cvss": detail["asset"]["max_cvss"],
        "open_findings": image["open_findings"],
        "kev_findings": image["kev_findings"],
        "listed": sorted(item["vulnerability_id"] for item in listed["items"]),
        "status_kev_findings": status["data"]["kev_findings"],
        "top": {v["vulnerability_id"]: v["assets"] for v in status["top_vulnerabilities"]},
    }


def stored_triage(server: Server, finding_id: int) -> tuple:
    with server.db() as conn:
        return conn.execute(
            "SELECT triage, triage_comment, triage_by, triage_at, resolved_at FROM container_findings WHERE id = ?",
            (finding_id,),
        ).fetchone()


def test_triage_of_one_finding_leaves_and_rejoins_the_counts(server: Server, keys, admin, page, hostname: str) -> None:
    asset_id = scan(server, keys, hostname, ("registry.office/web", "2.1", with_shellshock(trivy("debian-buster.json"))))["asset_id"]
    before = counts(admin, asset_id)
    assert (before["vulnerability_count"], before["kev_count"], before["max_cvss"]) == (2, 1, 9.8)
    assert (before["open_findings"], before["kev_findings"], before["listed"]) == (2, 1, sorted([SHELLSHOCK, LIBIDN2]))
    shellshock = findings(asset(admin, asset_id))[(SHELLSHOCK, "bash")]
    assert (shellshock["triage"], shellshock["triage_comment"], shellshock["triage_by"], shellshock["triage_at"]) == ("open", "", None, None)

    # An admin key accepts the risk: the finding stays listed on the asset with its triage, and leaves every count.
    response = admin.put(FINDING.format(shellshock["id"]), json={"triage": "accepted_risk", "comment": "bash is never run; image retired in May"})
    assert response.status_code == 200, response.text
    answer = response.json()
    assert answer["id"] == shellshock["id"] and answer["asset_id"] == asset_id and answer["hostname"] == hostname
    assert (answer["vulnerability_id"], answer["pkg_name"], answer["image"], answer["kev"]) == (SHELLSHOCK, "bash", "registry.office/web:2.1", True)
    assert (answer["triage"], answer["triage_comment"]) == ("accepted_risk", "bash is never run; image retired in May")
    assert answer["triage_by"].startswith("key:") and answer["triage_at"].endswith("Z") and answer["resolved_at"] is None
    after = counts(admin, asset_id)
    assert (after["vulnerability_count"], after["kev_count"], after["max_cvss"]) == (1, 0, 9.8)
    assert (after["open_findings"], after["kev_findings"], after["listed"]) == (1, 0, [LIBIDN2])
    assert after["status_kev_findings"] == before["status_kev_findings"] - 1
    assert after["top"].get(SHELLSHOCK, 0) == before["top"][SHELLSHOCK] - 1
    listed = findings(asset(admin, asset_id))
    assert listed[(SHELLSHOCK, "bash")]["triage"] == "accepted_risk"
    # Listed after what still needs action, although it is the KEV one (KEV first otherwise).
    [image] = asset(admin, asset_id)["containers"]
    assert [f["vulnerability_id"] for f in image["findings"]] == [LIBIDN2, SHELLSHOCK]
    assert listed[(SHELLSHOCK, "bash")]["triage_comment"] == "bash is never run; image retired in May"

    # The page's session marks libidn2 a false positive (with its CSRF token): nothing is left to do.
    client, csrf = page
    libidn2 = listed[(LIBIDN2, "libidn2-0")]
    response = client.put(FINDING.format(libidn2["id"]), json={"triage": "false_positive"}, headers={"X-CSRF-Token": csrf})
    assert response.status_code == 200, response.text
    assert (response.json()["triage"], response.json()["triage_by"], response.json()["triage_comment"]) == ("false_positive", "session:admin", "")
    none = counts(admin, asset_id)
    assert (none["vulnerability_count"], none["kev_count"], none["max_cvss"], none["open_findings"], none["listed"]) == (0, 0, None, 0, [])
    assert len(findings(asset(admin, asset_id))) == 2  # still shown, with their triage

    # A rescan keeps the verdicts, and an identical one changes no count.
    scan(server, keys, hostname, ("registry.office/web", "2.1", with_shellshock(trivy("debian-buster.json"))))
    assert counts(admin, asset_id) == none
    assert stored_triage(server, shellshock["id"])[:3] == ("accepted_risk", "bash is never run; image retired in May", answer["triage_by"])

    # Back to open: it counts again.
    for finding in (shellshock, libidn2):
        assert admin.put(FINDING.format(finding["id"]), json={"triage": "open"}).json()["triage"] == "open"
    assert counts(admin, asset_id) == before


def test_fixed_counts_until_a_rescan_confirms_it_and_is_reopened_when_the_scan_still_finds_it(
    server: Server, keys, admin, hostname: str
) -> None:
    report = with_shellshock(trivy("debian-buster.json"))
    asset_id = scan(server, keys, hostname, ("web", "2.1", report))["asset_id"]
    before = counts(admin, asset_id)
    bash = findings(asset(admin, asset_id))[(SHELLSHOCK, "bash")]
    assert admin.put(FINDING.format(bash["id"]), json={"triage": "fixed", "comment": "rebuilt on bookworm"}).status_code == 200
    # A claim the next scan checks: until then it needs action as before.
    assert counts(admin, asset_id) == before

    # The scan still reports it: open again, recorded as the scan's doing, and the comment kept.
    scan(server, keys, hostname, ("web", "2.1", report))
    triage, comment, by, at, resolved = stored_triage(server, bash["id"])
    assert (triage, comment, by, resolved) == ("open", "rebuilt on bookworm", "scan", None) and at
    assert findings(asset(admin, asset_id))[(SHELLSHOCK, "bash")]["triage_by"] == "scan"

    # Fixed again, and this time the scan no longer reports it: resolved, and it stays fixed.
    assert admin.put(FINDING.format(bash["id"]), json={"triage": "fixed"}).status_code == 200
    without_bash = {**report, "Results": [{**report["Results"][0], "Vulnerabilities": [
        v for v in report["Results"][0]["Vulnerabilities"] if v["PkgName"] != "bash"]}]}
    assert scan(server, keys, hostname, ("web", "2.1", without_bash))["findings_resolved"] == 1
    triage, _, by, _, resolved = stored_triage(server, bash["id"])
    assert (triage, by) == ("fixed", "key:" + by.split(":")[1]) and resolved
    after = counts(admin, asset_id)
    assert (after["kev_count"], after["open_findings"]) == (0, 1)
    # It comes back: the fix did not hold, so it is open and counted again.
    scan(server, keys, hostname, ("web", "2.1", report))
    assert stored_triage(server, bash["id"])[0:3:2] == ("open", "scan")
    assert counts(admin, asset_id)["kev_count"] == 1


def test_one_vulnerability_in_every_package_of_an_image(server: Server, keys, admin, hostname: str) -> None:
    asset_id = scan(server, keys, hostname, ("alpine", "3.10", trivy("alpine-310.json")))["asset_id"]
    [image] = asset(admin, asset_id)["containers"]
    assert (image["open_findings"], asset(admin, asset_id)["asset"]["vulnerability_count"]) == (4, 2)
    # Case does not matter: the id is as Trivy wrote it, upper case.
    response = admin.put(IMAGE.format(image["id"]), json={"vulnerability_id": "cve-2019-1551", "triage": "accepted_risk",
                                                        "comment": "no TLS server in this image"})
    assert response.status_code == 200, response.text
    answer = response.json()
    assert (answer["container_image_id"], answer["vulnerability_id"]) == (image["id"], "CVE-2019-1551")
    assert [(f["pkg_name"], f["triage"], f["triage_comment"]) for f in answer["items"]] == [
        ("libcrypto1.1", "accepted_risk", "no TLS server in this image"),
        ("libssl1.1", "accepted_risk", "no TLS server in this image"),
    ]
    detail = asset(admin, asset_id)
    assert (detail["containers"][0]["open_findings"], detail["asset"]["vulnerability_count"]) == (2, 1)
    assert {k: f["triage"] for k, f in findings(detail).items()} == {
        ("CVE-2019-1549", "libcrypto1.1"): "open", ("CVE-2019-1549", "libssl1.1"): "open",
        ("CVE-2019-1551", "libcrypto1.1"): "accepted_risk", ("CVE-2019-1551", "libssl1.1"): "accepted_risk",
    }
    assert admin.put(IMAGE.format(image["id"]), json={"vulnerability_id": "CVE-2019-1551", "triage": "open"}).status_code == 200
    assert asset(admin, asset_id)["asset"]["vulnerability_count"] == 2


def test_every_refusal_names_its_cause_and_changes_nothing(server: Server, keys, admin, page, hostname: str) -> None:
    asset_id = scan(server, keys, hostname, ("alpine", "3.10", trivy("alpine-310.json")))["asset_id"]
    [image] = asset(admin, asset_id)["containers"]
    finding = image["findings"][0]["id"]
    url, image_url = FINDING.format(finding), IMAGE.format(image["id"])
    good = {"triage": "accepted_risk"}

    # Who: no credentials, an agent key, a read key; the page's session without (or with a wrong) CSRF token.
    assert_refused(server, lambda: httpx.put(server.url + url, json=good), 401, "missing_api_key")
    for scope in ("agent", "read"):
        with server.client(keys[scope]) as other:
            assert_refused(server, lambda: other.put(url, json=good), 403, "insufficient_scope")
            assert_refused(server, lambda: other.put(image_url, json={"vulnerability_id": "CVE-2019-1551", **good}), 403,
                           "insufficient_scope")
    client, csrf = page
    assert_refused(server, lambda: client.put(url, json=good), 403, "csrf_failed")
    assert_refused(server, lambda: client.put(url, json=good, headers={"X-CSRF-Token": "x" * 43}), 403, "csrf_failed")
    assert_refused(server, lambda: client.put(url, json=good, headers={"X-CSRF-Token": csrf, "Origin": "http://evil.example"}),
                   403, "csrf_failed")

    # What: unknown ids, and an image without that vulnerability.
    assert_refused(server, lambda: admin.put(FINDING.format(2**62), json=good), 404, "finding_not_found", "finding_id")
    assert_refused(server, lambda: admin.put(IMAGE.format(2**62), json={"vulnerability_id": "CVE-2019-1551", **good}),
                   404, "image_not_found", "image_id")
    assert_refused(server, lambda: admin.put(image_url, json={"vulnerability_id": SHELLSHOCK, **good}),
                   404, "finding_not_found", "vulnerability_id")
    assert_refused(server, lambda: admin.put(FINDING.format(0), json=good), 400, "invalid_request", "finding_id")
    assert_refused(server, lambda: admin.put("/api/container-findings/x/triage", json=good), 404, "not_found")

    # Bad bodies: each names its field.
    for body, field in [
        ({"triage": "wontfix"}, "triage"),
        ({"triage": "Accepted_Risk"}, "triage"),
        ({"triage": 1}, "triage"),
        ({"triage": None}, "triage"),
        ({}, "triage"),
        ({"comment": "why"}, "triage"),
        ({"triage": "fixed", "comment": "x" * 501}, "comment"),
        ({"triage": "fixed", "comment": "two\nlines"}, "comment"),
        ({"triage": "fixed", "comment": 5}, "comment"),
        ({"triage": "fixed", "reason": "typo of comment"}, "reason"),
    ]:
        assert_refused(server, lambda: admin.put(url, json=body), 400, "invalid_request", field)
    for body, field in [
        ({"triage": "fixed"}, "vulnerability_id"),
        ({"vulnerability_id": "", "triage": "fixed"}, "vulnerability_id"),
        ({"vulnerability_id": "CVE-1\u0000", "triage": "fixed"}, "vulnerability_id"),
        ({"vulnerability_id": "CVE-2019-1551", "triage": "closed"}, "triage"),
    ]:
        assert_refused(server, lambda: admin.put(image_url, json=body), 400, "invalid_request", field)
    assert_refused(server, lambda: admin.put(url, content=b"accepted_risk", headers={"Content-Type": "application/json"}),
                   400, "invalid_request")
    assert_refused(server, lambda: admin.put(url, json=["accepted_risk"]), 400, "invalid_request")
    assert_refused(server, lambda: admin.put(url, content=b'{"triage": "fixed", "triage": "open"}',
                                             headers={"Content-Type": "application/json"}), 400, "invalid_request")
    assert_refused(server, lambda: admin.put(url, content=b"triage=fixed", headers={"Content-Type": "text/plain"}),
                   415, "unsupported_media_type")
    assert_refused(server, lambda: admin.put(url, json={"triage": "fixed", "comment": "x" * 5000}), 413, "payload_too_large")
    # The right method only.
    assert_refused(server, lambda: admin.post(url, json=good), 405, "method_not_allowed")
    with server.db() as conn:
        assert conn.execute("SELECT COUNT(*) FROM container_findings WHERE triage != 'open' AND asset_id = ?",
                            (asset_id,)).fetchone() == (0,)


def test_the_operations_are_in_the_openapi_document(server: Server) -> None:
    with server.client() as client:
        paths = client.get("/schema/openapi.json").json()["paths"]
    one, image = paths["/api/container-findings/{finding_id}/triage"]["put"], paths["/api/container-images/{image_id}/triage"]["put"]
    assert (one["operationId"], image["operationId"]) == ("setContainerFindingTriage", "setContainerImageTriage")
    for operation in (one, image):
        assert {"200", "400", "401", "403", "404", "413", "415", "429"} <= set(operation["responses"])
        assert operation["requestBody"]["required"] is True
