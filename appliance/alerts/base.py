"""The alert seam's contract: the rules the writers follow, a rendered message, a channel, and the errors."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any, Protocol

import msgspec

from appliance.errors import ApplianceError

# Event kinds as stored in alert_events.kind.
KEV_FINDING = "kev_finding"
CVSS_FINDING = "cvss_finding"
ASSET_OFFLINE = "asset_offline"
ASSET_STALE = "asset_stale"
REFRESH_FAILING = "refresh_failing"
DIGEST = "digest"

# The settings an admin may change on the status page's Alerts page (stored in alert_settings).
EDITABLE: tuple[str, ...] = (
    "smtp_host", "smtp_port", "smtp_security", "smtp_user", "smtp_password", "smtp_tls_fingerprint", "alert_email_from",
    "alert_email_to", "webhook_url", "webhook_format", "alert_cvss_threshold", "alert_digest",
)
SECRET = "smtp_password"


class AlertError(ApplianceError):
    """Alert settings or a send went wrong."""

    code = "alert_error"


class AlertSettingsError(AlertError):
    """An alert setting sent from the status page cannot be used; ``field`` names it."""

    code = "invalid_request"


class NoChannel(AlertError):
    """No alert channel is configured, so there is nothing to send a test message on."""

    code = "no_alert_channel"


class ChannelError(AlertError):
    """A channel could not deliver a message; the message says why (server answer, network error).

    ``maybe_delivered`` is true when the failure came after the message was handed over and
    before the receiver answered (a timeout or a dropped connection during SMTP DATA or the
    webhook POST): the receiver may have it, so it is not sent again. A refusal the receiver
    stated (an SMTP 4xx/5xx reply, an HTTP error status) means it does not, and is retried.
    """

    code = "alert_send_failed"

    def __init__(self, message: str, *, maybe_delivered: bool = False) -> None:
        super().__init__(message)
        self.maybe_delivered = maybe_delivered


class AlertRules(msgspec.Struct, frozen=True):
    """What the writers of findings, presence and job records need to know to record events.

    ``enabled`` is false while no channel is configured: then nothing is written at all, so the
    hot path pays for alerts only when someone will receive them.
    """

    enabled: bool = False
    cvss_threshold: float = 9.0
    refresh_failing_after: int = 86400


class AlertEvent(msgspec.Struct, frozen=True):
    """One row of the outbox."""

    id: int
    kind: str
    created_at: str
    organization_id: int | None
    asset_id: int | None
    hostname: str | None
    cve: str | None
    cvss: float | None
    detail: dict[str, Any]


class AlertMessage(msgspec.Struct, frozen=True):
    """What a channel sends: a subject line, a plain-text body, and the events it reports (ids included)."""

    subject: str
    text: str
    events: list[AlertEvent]
    test: bool = False


# Called by a channel right before the point after which the message may have been delivered
# (SMTP DATA, the webhook POST); raises if the batch must not be sent after all.
Started = Callable[[], Awaitable[None]]


class Channel(Protocol):
    """A way to deliver alert messages; one file per implementation (email.py, webhook.py)."""

    name: str

    def target(self) -> str:
        """Where messages go, for people ("admin@example.org via mail.example.org:587")."""

    async def send(self, message: AlertMessage, started: Started) -> None:
        """Deliver ``message``; raise ChannelError naming what failed. Blocking I/O never runs on the event loop."""
