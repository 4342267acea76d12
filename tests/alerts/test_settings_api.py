"""The admin API for alert settings: precedence over the environment, no secrets returned, webhook formats, test messages."""

from __future__ import annotations

from pathlib import Path

from tests.alerts.conftest import WINRAR, SmtpReceiver, WebhookReceiver, fast, wait_for
from tests.conftest import Server


def test_saved_settings_win_until_reset_and_secrets_stay_on_the_server(make_server, alert_feed: Path, smtp: SmtpReceiver) -> None:
    srv: Server = make_server(**fast(SENTRIKAT_FEED_DIR=str(alert_feed), SENTRIKAT_SMTP_PASSWORD="env-secret", **smtp.env()))
    admin, agent = srv.create_key("admin"), srv.create_key("agent")
    with srv.client(admin) as client:
        view = client.get("/api/alerts").json()
        assert view["settings"]["smtp_port"] == smtp.port and view["saved"] == []
        assert view["settings"]["smtp_password_set"] is True and "env-secret" not in str(view)
        saved = client.put("/api/alerts/settings", json={"alert_email_to": "it@office.example", "smtp_password": "page-secret",
                                                          "webhook_url": "https://hooks.example.invalid/services/T0/B0/XYZ"})
        assert saved.status_code == 200, saved.text
        body = saved.json()
        assert body["settings"]["alert_email_to"] == "it@office.example"  # the page wins over SENTRIKAT_ALERT_EMAIL_TO
        assert "page-secret" not in saved.text and "XYZ" not in saved.text
        assert body["settings"]["webhook_url"] == "https://hooks.example.invalid/…"
        assert sorted(body["saved"]) == ["alert_email_to", "smtp_password", "webhook_url"]
        bad = client.put("/api/alerts/settings", json={"smtp_security": "ssl3"})
        assert bad.status_code == 400 and bad.json()["field"] == "smtp_security"
        assert client.put("/api/alerts/settings", json={"webhook_url": "ftp://x"}).json()["field"] == "webhook_url"
        assert client.put("/api/alerts/settings", json={"alert_cvss_threshold": 11}).status_code == 400
        assert client.put("/api/alerts/settings", json={"smtp_hostname": "x"}).status_code == 400
        assert client.get("/api/alerts").json()["settings"]["alert_email_to"] == "it@office.example"  # refusals changed nothing
    with srv.client(agent) as client:
        assert client.get("/api/alerts").status_code == 403
    assert srv.client().get("/api/alerts").status_code == 401
    srv.stop()
    srv.start()  # saved values survive a restart
    with srv.client(admin) as client:
        assert client.get("/api/alerts").json()["settings"]["alert_email_to"] == "it@office.example"
        test = client.post("/api/alerts/test").json()["results"]
        assert [(r["channel"], r["ok"]) for r in test] == [("email", True), ("webhook", False)]
        assert smtp.messages[-1]["To"] == "it@office.example"
        reset = client.delete("/api/alerts/settings").json()
        assert reset["saved"] == [] and reset["settings"]["alert_email_to"] == "admin@office.example"


def test_webhook_bodies_in_each_format(make_server, alert_feed: Path, webhook: WebhookReceiver) -> None:
    srv: Server = make_server(**fast(SENTRIKAT_FEED_DIR=str(alert_feed), SENTRIKAT_WEBHOOK_URL=webhook.url))
    admin, agent = srv.create_key("admin"), srv.create_key("agent")
    for n, fmt in enumerate(("json", "slack", "teams", "discord")):
        with srv.client(admin) as client:
            assert client.put("/api/alerts/settings", json={"webhook_format": fmt}).status_code == 200
        with srv.client(agent) as client:
            client.post("/api/agent/report", json={"hostname": f"{fmt}-pc", "os": "Windows 11", "software": [WINRAR]})
        assert wait_for(lambda: len(webhook.bodies) == n + 1, 30), srv.log()
        body = webhook.bodies[-1]
        assert webhook.paths[-1] == "/hook/secret-token"
        if fmt == "json":
            assert body["subject"].startswith("SentriKat: 1 known-exploited") and body["events"][0]["hostname"] == "json-pc"
            assert body["events"][0]["kind"] == "kev_finding" and body["test"] is False
        elif fmt == "slack":
            assert body["text"].startswith("SentriKat:") and [b["type"] for b in body["blocks"]] == ["header", "section"]
            assert "slack-pc" in body["blocks"][1]["text"]["text"] and body["blocks"][1]["text"]["type"] == "mrkdwn"
        elif fmt == "teams":
            [attachment] = body["attachments"]
            assert body["type"] == "message" and attachment["contentType"] == "application/vnd.microsoft.card.adaptive"
            card = attachment["content"]
            assert card["type"] == "AdaptiveCard" and "teams-pc" in card["body"][1]["text"]
        else:
            [embed] = body["embeds"]
            assert body["content"].startswith("SentriKat:") and "discord-pc" in embed["description"]
            assert len(embed["title"]) <= 256 and len(embed["description"]) <= 4096
