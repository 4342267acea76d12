"""Alerts through the real server over real sockets: exactly once per event and channel, across a crash mid-send."""

from __future__ import annotations

import subprocess
import sys
from collections import Counter
from pathlib import Path

from tests.alerts.conftest import WINRAR, WINRAR_CVE, SmtpReceiver, WebhookReceiver, fast, wait_for
from tests.conftest import ROOT, Server


def report(server: Server, key: str, hostname: str, software: list[dict]) -> None:
    with server.client(key) as client:
        response = client.post("/api/agent/report", json={"hostname": hostname, "os": "Windows 11", "software": software})
        assert response.status_code == 200, response.text


def event_ids(server: Server) -> list[int]:
    with server.db() as conn:
        return [r[0] for r in conn.execute("SELECT id FROM alert_events ORDER BY id")]


def kill(server: Server) -> None:
    """A crash: SIGKILL, no shutdown of any kind."""
    assert server.process is not None
    server.process.kill()
    server.process.wait(timeout=30)
    server.process = None


def test_each_event_arrives_once_per_channel_across_a_crash_in_mid_send(
    make_server, alert_feed: Path, smtp: SmtpReceiver, webhook: WebhookReceiver
) -> None:
    env = fast(SENTRIKAT_FEED_DIR=str(alert_feed), SENTRIKAT_WEBHOOK_URL=webhook.url, **smtp.env(), SENTRIKAT_ALERT_TIMEOUT="30")
    srv: Server = make_server(**env)
    key = srv.create_key()

    report(srv, key, "pc-1", [WINRAR])
    first = event_ids(srv)
    assert first, "a KEV finding on a new machine is an event"
    assert wait_for(lambda: len(smtp.messages) == 1 and len(webhook.bodies) == 1), srv.log()
    assert WINRAR_CVE in smtp.messages[0].get_payload() and "pc-1" in smtp.messages[0]["Subject"] + smtp.messages[0].get_payload()

    # The SMTP server takes the next message and never confirms it; the webhook answers 503.
    smtp.stall.set()
    webhook.status = 503
    report(srv, key, "pc-2", [WINRAR])
    assert wait_for(lambda: len(smtp.messages) == 2 and webhook.failed >= 1), srv.log()
    kill(srv)  # the email was received but never marked sent; the webhook message is still pending

    smtp.stall.clear()
    webhook.status = 200
    srv.start()
    report(srv, key, "pc-3", [WINRAR])
    everything = event_ids(srv)
    assert len(everything) > len(first)
    assert wait_for(lambda: sorted(webhook.event_ids()) == everything and len(smtp.messages) == 3), srv.log()
    wait_for(lambda: False, 3)  # time for a duplicate to show up, if one were coming

    # Exactly once: every event in exactly one email and one webhook message, none twice.
    assert Counter(smtp.event_ids()) == Counter(everything)
    assert Counter(webhook.event_ids()) == Counter(everything)
    assert len(smtp.messages) == 3  # pc-1, pc-2 (cut off, not repeated), pc-3
    # pc-1, then pc-2 (retried after the restart) with or without pc-3, depending on which came first.
    assert len(webhook.bodies) in (2, 3)
    with srv.db() as conn:
        states = dict(conn.execute("SELECT channel || ':' || state, COUNT(*) FROM alert_batches GROUP BY 1").fetchall())
    assert states == {"email:sent": 2, "email:uncertain": 1, "webhook:sent": len(webhook.bodies)}, states
    assert "may not have arrived" in srv.log()


def test_a_message_left_without_answer_is_not_sent_again(make_server, alert_feed: Path, smtp: SmtpReceiver) -> None:
    """The server takes the message and never says 250: the send times out in the running appliance, and
    the message may have arrived, so it is marked uncertain and never repeated."""
    smtp.stall.set()
    srv: Server = make_server(**fast(SENTRIKAT_FEED_DIR=str(alert_feed), **smtp.env(), SENTRIKAT_ALERT_TIMEOUT="2"))
    report(srv, srv.create_key(), "pc-timeout", [WINRAR])

    def state() -> str | None:
        with srv.db() as conn:
            row = conn.execute("SELECT state FROM alert_batches").fetchone()
        return row[0] if row else None

    assert wait_for(lambda: state() == "uncertain", 30), srv.log()
    smtp.stall.clear()
    wait_for(lambda: False, 3)
    assert len(smtp.messages) == 1


def test_a_refused_message_is_retried_until_it_goes_out(make_server, alert_feed: Path, smtp: SmtpReceiver) -> None:
    smtp.refuse = True
    srv: Server = make_server(**fast(SENTRIKAT_FEED_DIR=str(alert_feed), **smtp.env()))
    report(srv, srv.create_key(), "pc-retry", [WINRAR])

    def attempts() -> int:
        with srv.db() as conn:
            return conn.execute("SELECT COALESCE(MAX(attempts), 0) FROM alert_batches").fetchone()[0]

    assert wait_for(lambda: attempts() >= 2), srv.log()
    with srv.db() as conn:
        error = conn.execute("SELECT last_error FROM alert_batches").fetchone()[0]
    assert "451" in error
    smtp.refuse = False
    assert wait_for(lambda: len(smtp.messages) == 1, 30), srv.log()
    assert Counter(smtp.event_ids()) == Counter(event_ids(srv))


def test_a_machine_going_offline_is_alerted_once(make_server, alert_feed: Path, webhook: WebhookReceiver) -> None:
    srv: Server = make_server(**fast(
        SENTRIKAT_FEED_DIR=str(alert_feed), SENTRIKAT_WEBHOOK_URL=webhook.url,
        SENTRIKAT_OFFLINE_AFTER="2", SENTRIKAT_EXPIRY_INTERVAL="1",
    ))
    report(srv, srv.create_key(), "quiet-pc", [{"name": "Slack", "version": "4.35.126", "vendor": "Salesforce"}])
    assert wait_for(lambda: any(e["kind"] == "asset_offline" for b in webhook.bodies for e in b["events"]), 30), srv.log()
    wait_for(lambda: False, 3)
    offline = [e for b in webhook.bodies for e in b["events"] if e["kind"] == "asset_offline"]
    assert [e["hostname"] for e in offline] == ["quiet-pc"]
    assert "offline" in webhook.bodies[-1]["subject"]


def test_cli_alerts_test_names_the_failing_channel(tmp_path: Path, smtp: SmtpReceiver, webhook: WebhookReceiver) -> None:
    def run(**env: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [sys.executable, "-m", "appliance", "alerts", "test", "--data-dir", str(tmp_path / "data")],
            cwd=ROOT, capture_output=True, text=True, timeout=60,
            env={**__import__("os").environ, **smtp.env(), **env},
        )

    (tmp_path / "data").mkdir()  # commands other than serve work on an existing appliance database
    subprocess.run([sys.executable, "-m", "appliance", "orgs", "create", "Office", "--data-dir", str(tmp_path / "data")],
                   cwd=ROOT, check=True, capture_output=True, timeout=60)
    ok = run(SENTRIKAT_WEBHOOK_URL=webhook.url)
    assert ok.returncode == 0, ok.stderr
    assert len(smtp.messages) == 1 and smtp.messages[0]["Subject"] == "SentriKat: test message"
    assert webhook.bodies[0]["test"] is True
    webhook.status = 500
    failed = run(SENTRIKAT_WEBHOOK_URL=webhook.url)
    assert failed.returncode == 1
    assert "webhook" in failed.stderr and "500" in failed.stderr and "email: test message sent" in failed.stdout
    nothing = subprocess.run(
        [sys.executable, "-m", "appliance", "alerts", "test", "--data-dir", str(tmp_path / "data")],
        cwd=ROOT, capture_output=True, text=True, timeout=60,
    )
    assert nothing.returncode == 1 and "no alert channel is configured" in nothing.stderr


def test_only_findings_new_to_the_machine_are_events(make_server, alert_feed: Path, webhook: WebhookReceiver) -> None:
    srv: Server = make_server(**fast(SENTRIKAT_FEED_DIR=str(alert_feed), SENTRIKAT_WEBHOOK_URL=webhook.url))
    key = srv.create_key()
    slack = {"name": "Slack", "version": "4.35.126", "vendor": "Salesforce"}
    report(srv, key, "pc-again", [WINRAR])
    report(srv, key, "pc-again", [WINRAR, slack])  # the same KEV finding again: no news
    assert len(event_ids(srv)) == 1
    report(srv, key, "pc-again", [slack])  # WinRAR removed ...
    report(srv, key, "pc-again", [WINRAR, slack])  # ... and back: a new finding again
    assert len(event_ids(srv)) == 2
    with srv.db() as conn:
        assert {r[0] for r in conn.execute("SELECT cve FROM alert_events")} == {WINRAR_CVE}
