"""A container finding triaged accepted_risk or false_positive raises no alert (new, back after resolved, KEV
update); triaged open again it does. Real scans in, the real SMTP listener out."""

from __future__ import annotations

import json
from pathlib import Path

import httpx

from tests.alerts.conftest import SmtpReceiver, fast, import_feed_without, kev_catalog, wait_for
from tests.alerts.test_containers import LIBIDN2, SHELLSHOCK, debian_with_shellshock, events, scan, subject, text_of
from tests.conftest import Server

WEB = ("registry.office/web", "2.1")


def finding_ids(server: Server, hostname: str) -> dict[str, int]:
    """The host's container findings by vulnerability id (one package each in the Debian report)."""
    with server.db() as conn:
        rows = conn.execute("SELECT c.vulnerability_id, c.id FROM container_findings c JOIN assets a ON a.id = c.asset_id"
                            " WHERE a.hostname = ?", (hostname,)).fetchall()
    return dict(rows)


def triage(admin: httpx.Client, finding_id: int, verdict: str) -> None:
    response = admin.put(f"/api/container-findings/{finding_id}/triage", json={"triage": verdict})
    assert response.status_code == 200, response.text


def quiet(seconds: float = 3) -> None:
    """Long enough for the send job (every second) to have sent anything pending."""
    wait_for(lambda: False, seconds)


def test_triaged_findings_raise_no_alert_when_they_come_back_and_open_ones_do(
    make_server, alert_feed: Path, smtp: SmtpReceiver
) -> None:
    srv: Server = make_server(**fast(SENTRIKAT_FEED_DIR=str(alert_feed), **smtp.env()))
    key = srv.create_key()
    scan(srv, key, "docker-1", (*WEB, debian_with_shellshock()))
    assert wait_for(lambda: len(smtp.messages) == 1), srv.log()
    assert len(events(srv)) == 2  # Shellshock (KEV) and libidn2 (9.8): the first scan is news, as before
    ids = finding_ids(srv, "docker-1")
    with srv.client(srv.create_key("admin")) as admin:
        triage(admin, ids[SHELLSHOCK], "accepted_risk")
        triage(admin, ids[LIBIDN2], "false_positive")
        # Both vanish from a rescan and come back: untriaged, each would be news again (tests/alerts/test_containers.py).
        without = debian_with_shellshock(without="bash")
        without["Results"][0]["Vulnerabilities"] = []
        assert scan(srv, key, "docker-1", (*WEB, without))["findings_resolved"] == 2
        assert scan(srv, key, "docker-1", (*WEB, debian_with_shellshock()))["findings_new"] == 2
        quiet()
        assert len(events(srv)) == 2 and len(smtp.messages) == 1, events(srv)

        # libidn2 open again: it needs action, so its next return is news again.
        triage(admin, ids[LIBIDN2], "open")
        scan(srv, key, "docker-1", (*WEB, debian_with_shellshock(without="libidn2-0")))
        scan(srv, key, "docker-1", (*WEB, debian_with_shellshock()))
        assert events(srv)[2:] == [("cvss_finding", "docker-1", LIBIDN2, "registry.office/web:2.1")]
        assert wait_for(lambda: len(smtp.messages) == 2), srv.log()
        assert subject(smtp.messages[1]) == "SentriKat: 1 new vulnerability with CVSS 9 or more"
        assert SHELLSHOCK not in text_of(smtp.messages[1])

        # Fixed is a claim, not a decision: a finding triaged fixed that comes back alerts (and is open again).
        triage(admin, ids[LIBIDN2], "fixed")
        scan(srv, key, "docker-1", (*WEB, debian_with_shellshock(without="libidn2-0")))
        scan(srv, key, "docker-1", (*WEB, debian_with_shellshock()))
        assert events(srv)[3:] == [("cvss_finding", "docker-1", LIBIDN2, "registry.office/web:2.1")]
        assert wait_for(lambda: len(smtp.messages) == 3), srv.log()
        with srv.db() as conn:
            assert conn.execute("SELECT triage, triage_by FROM container_findings WHERE id = ?", (ids[LIBIDN2],)).fetchone() == (
                "open", "scan")


def test_a_kev_update_skips_findings_triaged_away(make_server, tmp_path: Path, feeds_root: Path, smtp: SmtpReceiver) -> None:
    import_feed_without(tmp_path / "data0", SHELLSHOCK)
    srv: Server = make_server(**fast(SENTRIKAT_FEED_DIR="", SENTRIKAT_FEED_CHECK_INTERVAL="1",
                                     SENTRIKAT_ALERT_CVSS_THRESHOLD="10", **smtp.env()))
    key = srv.create_key()
    hosts = ("docker-a", "docker-b", "docker-c")
    for host in hosts:
        assert scan(srv, key, host, (*WEB, debian_with_shellshock()))["findings_kev"] == 0
    with srv.client(srv.create_key("admin")) as admin:
        triage(admin, finding_ids(srv, "docker-a")[SHELLSHOCK], "accepted_risk")
        triage(admin, finding_ids(srv, "docker-b")[SHELLSHOCK], "false_positive")
        kev = tmp_path / "kev-update" / "known_exploited_vulnerabilities.json"
        kev.parent.mkdir()
        kev.write_text(json.dumps(kev_catalog()))
        srv.cli("feeds", "import", str(kev))
        assert wait_for(lambda: len(smtp.messages) == 1, 90), srv.log()
        quiet()
        # Only docker-c's finding needed action; the others are flagged KEV all the same, and stay out of the counts.
        assert events(srv) == [("kev_finding", "docker-c", SHELLSHOCK, "registry.office/web:2.1")]
        assert "on 1 machine: docker-c" in text_of(smtp.messages[0])
        kev_counts = {a["hostname"]: a["kev_count"] for a in admin.get("/api/assets").json()["items"]}
        assert kev_counts == {"docker-a": 0, "docker-b": 0, "docker-c": 1}
        detail = admin.get(f"/api/assets/{scan(srv, key, 'docker-a', (*WEB, debian_with_shellshock()))['asset_id']}").json()
        [flagged] = [f for f in detail["containers"][0]["findings"] if f["vulnerability_id"] == SHELLSHOCK]
        assert (flagged["kev"], flagged["triage"], detail["containers"][0]["kev_findings"]) == (True, "accepted_risk", 0)
        # Reopened, it counts again (the admin's own act raises no alert).
        triage(admin, flagged["id"], "open")
        assert {a["hostname"]: a["kev_count"] for a in admin.get("/api/assets").json()["items"]}["docker-a"] == 1
        quiet()
        assert len(events(srv)) == 1 and len(smtp.messages) == 1


def test_another_package_with_a_vulnerability_triaged_away_is_news(make_server, alert_feed: Path, smtp: SmtpReceiver) -> None:
    """The verdict is the finding's: the same KEV vulnerability appearing in another package of the image needs action."""
    srv: Server = make_server(**fast(SENTRIKAT_FEED_DIR=str(alert_feed), **smtp.env()))
    key = srv.create_key()
    scan(srv, key, "docker-1", (*WEB, debian_with_shellshock(without="libidn2-0")))
    assert wait_for(lambda: len(smtp.messages) == 1), srv.log()
    with srv.client(srv.create_key("admin")) as admin:
        triage(admin, finding_ids(srv, "docker-1")[SHELLSHOCK], "accepted_risk")
    report = debian_with_shellshock(without="libidn2-0")
    [bash] = report["Results"][0]["Vulnerabilities"]
    report["Results"][0]["Vulnerabilities"].append({**bash, "PkgName": "bash-static"})
    scan(srv, key, "docker-1", (*WEB, report))
    assert events(srv)[1:] == [("kev_finding", "docker-1", SHELLSHOCK, "registry.office/web:2.1")]
    assert wait_for(lambda: len(smtp.messages) == 2), srv.log()
    assert "bash-static 5.0-4" in text_of(smtp.messages[1]) and "bash 5.0-4" not in text_of(smtp.messages[1]).replace("bash-static", "")
