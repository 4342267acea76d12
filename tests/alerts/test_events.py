"""The events besides findings: a feed refresh that keeps failing, and the daily digest, each recorded once."""

from __future__ import annotations

from pathlib import Path

from tests.alerts.conftest import WebhookReceiver, fast, wait_for
from tests.conftest import Server, free_port


def kinds(webhook: WebhookReceiver, kind: str) -> list[dict]:
    return [e for body in webhook.bodies for e in body["events"] if e["kind"] == kind]


def test_a_refresh_failing_past_the_limit_is_alerted_once_per_run_of_failures(
    make_server, alert_feed: Path, webhook: WebhookReceiver
) -> None:
    closed = f"http://127.0.0.1:{free_port()}"  # nothing listens there: every download fails at once
    srv: Server = make_server(**fast(
        SENTRIKAT_FEED_DIR=str(alert_feed), SENTRIKAT_WEBHOOK_URL=webhook.url,
        SENTRIKAT_REFRESH_ENABLED="true", SENTRIKAT_REFRESH_START_DELAY="0", SENTRIKAT_KEV_REFRESH_INTERVAL="1",
        SENTRIKAT_KEV_URL=closed + "/kev.json", SENTRIKAT_NVD_CVE_URL=closed + "/cves", SENTRIKAT_NVD_CPE_URL=closed + "/cpes",
        SENTRIKAT_RETRY_ATTEMPTS="1", SENTRIKAT_ALERT_REFRESH_FAILING_AFTER="0",
    ))

    def kev_failures() -> int:
        with srv.db() as conn:
            row = conn.execute("SELECT failing_since, last_outcome FROM jobs WHERE name = 'refresh_kev'").fetchone()
        return 0 if row is None else (row[0] is not None)

    assert wait_for(lambda: len(kinds(webhook, "refresh_failing")) >= 3, 60), srv.log()
    wait_for(lambda: False, 4)  # refresh_kev keeps failing every second meanwhile
    assert kev_failures()
    failing = kinds(webhook, "refresh_failing")
    assert sorted(e["detail"]["job"] for e in failing) == ["refresh_cpe", "refresh_cve", "refresh_kev"]
    assert any("feeds import" in body["text"] for body in webhook.bodies)


def test_the_daily_digest_is_sent_once_a_day_also_across_a_restart(make_server, alert_feed: Path, webhook: WebhookReceiver) -> None:
    srv: Server = make_server(**fast(SENTRIKAT_FEED_DIR=str(alert_feed), SENTRIKAT_WEBHOOK_URL=webhook.url,
                                     SENTRIKAT_ALERT_DIGEST="daily"))
    assert wait_for(lambda: len(kinds(webhook, "digest")) == 1, 30), srv.log()
    [digest] = kinds(webhook, "digest")
    assert digest["detail"]["period"] == "Daily" and "machines:" in digest["detail"]["text"]
    srv.stop()
    srv.start()
    wait_for(lambda: False, 8)  # the digest job runs 5 s after start
    assert len(kinds(webhook, "digest")) == 1
    with srv.db() as conn:
        assert conn.execute("SELECT last_outcome FROM jobs WHERE name = 'alert_digest'").fetchone()[0] == "already recorded"
