"""Many events at once become one message per channel: a KEV entry imported for software on 40 machines."""

from __future__ import annotations

import json
from pathlib import Path

from tests.alerts.conftest import WINRAR, WINRAR_CVE, SmtpReceiver, WebhookReceiver, fast, import_feed_without, kev_catalog, wait_for
from tests.conftest import Server


def settled(server: Server) -> bool:
    """Every event is in a batch of every channel, and every batch is sent."""
    with server.db() as conn:
        newest = conn.execute("SELECT COALESCE(MAX(id), 0) FROM alert_events").fetchone()[0]
        behind = conn.execute("SELECT COUNT(*) FROM alert_channels WHERE last_event_id < ?", (newest,)).fetchone()[0]
        unsent = conn.execute("SELECT COUNT(*) FROM alert_batches WHERE state != 'sent'").fetchone()[0]
    return newest > 0 and behind == 0 and unsent == 0


def test_a_kev_entry_for_40_machines_gives_one_message_per_channel(
    make_server, tmp_path: Path, feeds_root: Path, smtp: SmtpReceiver, webhook: WebhookReceiver
) -> None:
    # The data dir's own feed: WinRAR's CVE known, not yet in KEV. Imports then apply on top of it.
    import_feed_without(tmp_path / "data0", WINRAR_CVE)
    srv: Server = make_server(**fast(
        SENTRIKAT_FEED_DIR="", SENTRIKAT_FEED_CHECK_INTERVAL="1", SENTRIKAT_WEBHOOK_URL=webhook.url,
        SENTRIKAT_ALERT_CVSS_THRESHOLD="9.5", **smtp.env(),
    ))
    hosts = [f"office-pc-{n:02d}" for n in range(40)]
    with srv.client(srv.create_key()) as client:
        for host in hosts:
            body = client.post("/api/agent/report", json={"hostname": host, "os": "Windows 11", "software": [WINRAR]}).json()
            assert body["vulnerabilities_found"] >= 1
    wait_for(lambda: False, 2)
    with srv.db() as conn:
        assert conn.execute("SELECT COUNT(*) FROM alert_events").fetchone()[0] == 0  # nothing alertable yet
    kev = tmp_path / "kev-update" / "known_exploited_vulnerabilities.json"
    kev.parent.mkdir()
    kev.write_text(json.dumps(kev_catalog()))
    srv.cli("feeds", "import", str(kev))

    assert wait_for(lambda: settled(srv), 90), srv.log()
    with srv.db() as conn:
        events = conn.execute("SELECT kind, hostname, cve FROM alert_events ORDER BY id").fetchall()
    assert sorted(h for _, h, _ in events) == hosts and {(k, c) for k, _, c in events} == {("kev_finding", WINRAR_CVE)}
    wait_for(lambda: False, 3)
    assert len(smtp.messages) == 1 and len(webhook.bodies) == 1
    mail = smtp.messages[0]
    assert mail["Subject"] == "SentriKat: 1 known-exploited vulnerability on 40 machines"
    assert f"{WINRAR_CVE} (CVSS 7.8, CISA due date" in mail.get_payload() and "on 40 machines" in mail.get_payload()
    assert len(webhook.bodies[0]["events"]) == 40
