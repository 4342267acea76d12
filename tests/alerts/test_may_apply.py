"""A finding the installed version cannot decide (version_unknown) is not alerted; once a report decides it, it is news."""

from __future__ import annotations

from pathlib import Path

from tests.alerts.conftest import WINRAR, WINRAR_CVE, WebhookReceiver, fast
from tests.conftest import Server


def test_a_kev_finding_that_may_apply_alerts_only_once_a_version_decides_it(
    make_server, alert_feed: Path, webhook: WebhookReceiver
) -> None:
    srv: Server = make_server(**fast(SENTRIKAT_FEED_DIR=str(alert_feed), SENTRIKAT_WEBHOOK_URL=webhook.url))

    def state() -> tuple[list[tuple], list[tuple]]:
        with srv.db() as conn:
            findings = conn.execute("SELECT version_unknown, kev FROM findings WHERE cve = ?", (WINRAR_CVE,)).fetchall()
            events = conn.execute("SELECT kind, cve FROM alert_events WHERE kind LIKE '%_finding'").fetchall()
        return findings, events

    with srv.client(srv.create_key()) as client:
        # WinRAR without a version (an agent that could not read it): identified, its KEV CVE listed as may-apply.
        report = {"hostname": "pc-1", "os": "Windows 11", "software": [{**WINRAR, "version": ""}]}
        assert client.post("/api/agent/report", json=report).status_code == 200
        findings, events = state()
        assert findings == [(1, 1)] and events == []
        # The next report carries the version, 6.22, which the CVE's range holds: now it is certain, and news.
        report["software"] = [WINRAR]
        assert client.post("/api/agent/report", json=report).status_code == 200
        findings, events = state()
        assert findings == [(0, 1)] and events == [("kev_finding", WINRAR_CVE)]
        # Unchanged next time: no second alert.
        assert client.post("/api/agent/report", json=report).status_code == 200
        assert state()[1] == [("kev_finding", WINRAR_CVE)]
