"""Container (Trivy) findings through the alert rules of host findings: real scans in, real email and webhook out."""

from __future__ import annotations

import copy
import json
from pathlib import Path

import msgspec
import pytest

from tests.alerts.conftest import SmtpReceiver, WebhookReceiver, fast, import_feed_without, kev_catalog, wait_for
from tests.conftest import FEEDS, Server

SCAN = "/api/agent/container-scan"
SHELLSHOCK = "CVE-2014-6271"  # bash, in CISA's KEV catalog
LIBIDN2 = "CVE-2019-18224"  # libidn2-0 2.0.5-1 in the Debian report, NVD CVSS 9.8


def trivy(name: str) -> dict:
    if not FEEDS.is_dir():
        pytest.skip(f"shared feeds not found at {FEEDS}")
    return json.loads((FEEDS / "trivy" / name).read_bytes())


def debian_with_shellshock(without: str | None = None) -> dict:
    """The real Debian buster report with bash's CVE replaced by Shellshock (in KEV), optionally without a package."""
    report = copy.deepcopy(trivy("debian-buster.json"))
    vulnerabilities = report["Results"][0]["Vulnerabilities"]
    [bash] = [v for v in vulnerabilities if v["PkgName"] == "bash"]
    bash["VulnerabilityID"] = SHELLSHOCK
    report["Results"][0]["Vulnerabilities"] = [v for v in vulnerabilities if v["PkgName"] != without]
    return report


def scan(server: Server, key: str, hostname: str, *images: tuple[str, str, dict]) -> dict:
    body = {"hostname": hostname, "scanner": "trivy", "scanner_version": "0.50.1",
            "images": [{"image_name": n, "image_tag": t, "trivy_output": r} for n, t, r in images]}
    with server.client(key) as client:
        response = client.post(SCAN, json=body)
    assert response.status_code == 200, response.text
    return response.json()


def subject(mail) -> str:
    """The Subject as written, unfolded (long headers are folded on the wire, RFC 5322 2.2.3)."""
    return str(mail["Subject"]).replace("\r", "").replace("\n", "")


def text_of(mail) -> str:
    """The plain-text body, decoded (quoted-printable on the wire) with its line ends as written."""
    return mail.get_payload(decode=True).decode().replace("\r\n", "\n")


def events(server: Server) -> list[tuple[str, str, str, str]]:
    with server.db() as conn:
        rows = conn.execute("SELECT kind, hostname, cve, detail FROM alert_events ORDER BY id").fetchall()
    return [(kind, host, cve, json.loads(detail).get("image")) for kind, host, cve, detail in rows]


def test_new_container_findings_are_alerted_once_naming_image_package_and_cve(
    make_server, alert_feed: Path, smtp: SmtpReceiver, webhook: WebhookReceiver
) -> None:
    srv: Server = make_server(**fast(SENTRIKAT_FEED_DIR=str(alert_feed), SENTRIKAT_WEBHOOK_URL=webhook.url, **smtp.env()))
    key = srv.create_key()
    # Debian: Shellshock (KEV) and libidn2 (CVSS 9.8). Alpine (5.3) and CentOS (7.8 at most): below 9.0, not KEV.
    images = [("registry.office/web", "2.1", debian_with_shellshock()), ("alpine", "3.10", trivy("alpine-310.json")),
              ("centos", "7", trivy("centos-7.json"))]
    first = scan(srv, key, "docker-1", *images)
    assert first["findings_kev"] == 1
    assert sorted(events(srv)) == [("cvss_finding", "docker-1", LIBIDN2, "registry.office/web:2.1"),
                                   ("kev_finding", "docker-1", SHELLSHOCK, "registry.office/web:2.1")]
    assert wait_for(lambda: len(smtp.messages) == 1 and len(webhook.bodies) == 1), srv.log()

    mail = smtp.messages[0]
    assert subject(mail) == "SentriKat: 1 known-exploited vulnerability on 1 machine; 1 new vulnerability with CVSS 9 or more"
    text = text_of(mail)
    assert f"- {SHELLSHOCK} (CVSS 7.8, CISA due date 2022-07-28) on 1 machine: docker-1" in text, text
    assert "in bash 5.0-4 in container image registry.office/web:2.1; https://nvd.nist.gov/vuln/detail/CVE-2014-6271" in text
    assert f"- {LIBIDN2} (CVSS 9.8) on 1 machine: docker-1" in text
    assert "in libidn2-0 2.0.5-1 in container image registry.office/web:2.1" in text
    assert "alpine" not in text and "centos" not in text
    by_cve = {e["cve"]: e for e in webhook.bodies[0]["events"]}
    assert set(by_cve) == {SHELLSHOCK, LIBIDN2}
    assert by_cve[SHELLSHOCK]["kind"] == "kev_finding" and by_cve[SHELLSHOCK]["hostname"] == "docker-1"
    assert by_cve[SHELLSHOCK]["detail"]["image"] == "registry.office/web:2.1"
    assert by_cve[SHELLSHOCK]["detail"]["packages"] == ["bash 5.0-4"]
    assert by_cve[LIBIDN2]["kind"] == "cvss_finding" and by_cve[LIBIDN2]["cvss"] == 9.8
    assert "registry.office/web:2.1" in webhook.bodies[0]["text"]

    # The next identical scan: nothing new, so no event and no message.
    again = scan(srv, key, "docker-1", *images)
    assert again["findings_new"] == 0
    wait_for(lambda: False, 3)
    assert len(events(srv)) == 2 and len(smtp.messages) == 1 and len(webhook.bodies) == 1

    # A rescan without libidn2 resolves its finding (no alert); when it comes back it is news again.
    fixed = scan(srv, key, "docker-1", ("registry.office/web", "2.1", debian_with_shellshock(without="libidn2-0")))
    assert fixed["findings_resolved"] == 1
    wait_for(lambda: False, 2)
    assert len(events(srv)) == 2
    back = scan(srv, key, "docker-1", ("registry.office/web", "2.1", debian_with_shellshock()))
    assert back["findings_new"] == 1
    assert events(srv)[2:] == [("cvss_finding", "docker-1", LIBIDN2, "registry.office/web:2.1")]
    assert wait_for(lambda: len(smtp.messages) == 2 and len(webhook.bodies) == 2), srv.log()
    assert subject(smtp.messages[1]) == "SentriKat: 1 new vulnerability with CVSS 9 or more"
    assert [e["cve"] for e in webhook.bodies[1]["events"]] == [LIBIDN2]

    # The same image on another machine, and the same CVE in another image of this one: each its own event.
    scan(srv, key, "docker-2", ("registry.office/web", "2.1", debian_with_shellshock()))
    scan(srv, key, "docker-1", ("registry.office/db", "5", debian_with_shellshock(without="libidn2-0")))
    assert sorted(events(srv)[3:]) == [("cvss_finding", "docker-2", LIBIDN2, "registry.office/web:2.1"),
                                      ("kev_finding", "docker-1", SHELLSHOCK, "registry.office/db:5"),
                                      ("kev_finding", "docker-2", SHELLSHOCK, "registry.office/web:2.1")]


def test_the_cvss_threshold_applies_to_container_findings(make_server, alert_feed: Path, webhook: WebhookReceiver) -> None:
    srv: Server = make_server(**fast(SENTRIKAT_FEED_DIR=str(alert_feed), SENTRIKAT_WEBHOOK_URL=webhook.url,
                                     SENTRIKAT_ALERT_CVSS_THRESHOLD="7.0"))
    scan(srv, srv.create_key(), "docker-3", ("alpine", "3.10", trivy("alpine-310.json")), ("centos", "7", trivy("centos-7.json")))
    # CentOS's bash (CVE-2019-18276, 7.8) crosses 7.0; its openssl (5.9) and Alpine's OpenSSL (5.3) do not.
    assert events(srv) == [("cvss_finding", "docker-3", "CVE-2019-18276", "centos:7")]
    assert wait_for(lambda: len(webhook.bodies) == 1, 30), srv.log()
    assert "bash 4.2.46-31.el7 in container image centos:7" in webhook.bodies[0]["text"]


def test_a_kev_update_alerts_the_container_findings_it_flags(
    make_server, tmp_path: Path, feeds_root: Path, smtp: SmtpReceiver, webhook: WebhookReceiver
) -> None:
    # The data dir's own feed without Shellshock in KEV; the import of the full catalog then flags it.
    import_feed_without(tmp_path / "data0", SHELLSHOCK)
    srv: Server = make_server(**fast(
        SENTRIKAT_FEED_DIR="", SENTRIKAT_FEED_CHECK_INTERVAL="1", SENTRIKAT_WEBHOOK_URL=webhook.url,
        SENTRIKAT_ALERT_CVSS_THRESHOLD="10", **smtp.env(),
    ))
    key = srv.create_key()
    for host in ("docker-a", "docker-b"):
        assert scan(srv, key, host, ("registry.office/web", "2.1", debian_with_shellshock()))["findings_kev"] == 0
    wait_for(lambda: False, 2)
    assert events(srv) == []  # nothing at or above 10, nothing in KEV yet

    kev = tmp_path / "kev-update" / "known_exploited_vulnerabilities.json"
    kev.parent.mkdir()
    kev.write_text(json.dumps(kev_catalog()))
    srv.cli("feeds", "import", str(kev))
    assert wait_for(lambda: len(smtp.messages) == 1 and len(webhook.bodies) == 1, 90), srv.log()
    assert sorted(events(srv)) == [("kev_finding", "docker-a", SHELLSHOCK, "registry.office/web:2.1"),
                                   ("kev_finding", "docker-b", SHELLSHOCK, "registry.office/web:2.1")]
    mail = smtp.messages[0]
    assert subject(mail) == "SentriKat: 1 known-exploited vulnerability on 2 machines"
    assert "on 2 machines: docker-a, docker-b" in text_of(mail)
    assert "in bash 5.0-4 in container image registry.office/web:2.1" in text_of(mail)
    # Flagged now: the next scan of the same images is no news.
    scan(srv, key, "docker-a", ("registry.office/web", "2.1", debian_with_shellshock()))
    wait_for(lambda: False, 3)
    assert len(events(srv)) == 2 and len(smtp.messages) == 1


def test_an_id_that_is_not_a_cve_links_to_the_scanners_page() -> None:
    """Trivy also reports advisory ids (GHSA-…, DLA-…) that NVD has no page for: the message links the report's PrimaryURL."""
    from appliance.alerts.base import AlertEvent
    from appliance.alerts.message import render

    advisory = "GHSA-0000-0000-0000"  # the shape of a GitHub advisory id, not a real one
    url = f"https://github.com/advisories/{advisory}"
    event = AlertEvent(1, "cvss_finding", "2026-01-01T00:00:00Z", 1, 1, "docker-1", advisory, 9.1,
                       {"software": "werkzeug 0.11", "packages": ["werkzeug 0.11"], "image": "app:1", "url": url})
    text = render([event], 9.0).text
    assert f"in werkzeug 0.11 in container image app:1; {url}" in text and "nvd.nist.gov" not in text
    cve = msgspec.structs.replace(event, cve=LIBIDN2)
    assert f"https://nvd.nist.gov/vuln/detail/{LIBIDN2}" in render([cve], 9.0).text
