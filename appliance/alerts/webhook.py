"""The webhook channel: one POST per message with httpx, in the body format of the chat tool that receives it."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

import httpx
import msgspec

from appliance.alerts.base import AlertMessage, ChannelError, Started
from appliance.settings import Settings

# Limits of the receivers, from their documentation: Slack section text 3,000 characters,
# Discord embed description 4,096 and title 256; Teams cards have no small limit, 20,000 is ours.
SLACK_TEXT = 3000
DISCORD_DESCRIPTION = 4096
DISCORD_TITLE = 256
TEAMS_TEXT = 20000


def masked(url: str) -> str:
    """The URL cut to scheme and host: chat webhook URLs carry their credential in the path."""
    if not url:
        return ""
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}/…" if parts.path.strip("/") or parts.query else f"{parts.scheme}://{parts.netloc}"


def _cut(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def body(message: AlertMessage, fmt: str) -> dict[str, Any]:
    """The JSON body for ``fmt``: json (ours, with every event), slack, teams or discord."""
    if fmt == "slack":
        # Incoming webhook with Block Kit; "text" is the notification fallback.
        return {
            "text": message.subject,
            "blocks": [
                {"type": "header", "text": {"type": "plain_text", "text": _cut(message.subject, 150)}},
                {"type": "section", "text": {"type": "mrkdwn", "text": _cut(message.text, SLACK_TEXT)}},
            ],
        }
    if fmt == "teams":
        # Teams workflow / incoming webhook: a message carrying one Adaptive Card.
        return {
            "type": "message",
            "attachments": [{
                "contentType": "application/vnd.microsoft.card.adaptive",
                "contentUrl": None,
                "content": {
                    "$schema": "http://adaptivecards.io/schemas/adaptive-card.json",
                    "type": "AdaptiveCard",
                    "version": "1.4",
                    "body": [
                        {"type": "TextBlock", "text": message.subject, "weight": "Bolder", "size": "Medium", "wrap": True},
                        {"type": "TextBlock", "text": _cut(message.text, TEAMS_TEXT), "wrap": True},
                    ],
                },
            }],
        }
    if fmt == "discord":
        return {
            "username": "SentriKat",
            "content": _cut(message.subject, 2000),
            "embeds": [{"title": _cut(message.subject, DISCORD_TITLE), "description": _cut(message.text, DISCORD_DESCRIPTION)}],
        }
    return {
        "source": "sentrikat",
        "test": message.test,
        "subject": message.subject,
        "text": message.text,
        "events": msgspec.to_builtins(message.events),
    }


class WebhookChannel:
    """POSTs each message to webhook_url; any 2xx answer is delivery, anything else a failure to retry."""

    name = "webhook"

    def __init__(self, settings: Settings) -> None:
        self.url = settings.webhook_url
        self.format = settings.webhook_format
        self.timeout = settings.alert_timeout

    def target(self) -> str:
        return f"{masked(self.url)} ({self.format})"

    async def send(self, message: AlertMessage, started: Started) -> None:
        payload = msgspec.json.encode(body(message, self.format))
        headers = {"Content-Type": "application/json", "User-Agent": "SentriKat-Appliance"}
        async with httpx.AsyncClient(timeout=self.timeout, follow_redirects=False) as client:
            await started()
            try:
                response = await client.post(self.url, content=payload, headers=headers)
            except (httpx.ConnectError, httpx.ConnectTimeout, httpx.UnsupportedProtocol) as exc:  # nothing was sent
                raise ChannelError(f"webhook: cannot connect for POST {masked(self.url)}: {exc or type(exc).__name__}") from exc
            except httpx.HTTPError as exc:  # sent, but no answer: the receiver may have it
                raise ChannelError(
                    f"webhook: no answer to POST {masked(self.url)}: {exc or type(exc).__name__}", maybe_delivered=True
                ) from exc
        if not response.is_success:
            raise ChannelError(f"webhook: {masked(self.url)} answered {response.status_code} {response.reason_phrase}".rstrip())
