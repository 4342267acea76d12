"""The alert service: effective alert settings (file, environment, status page), the send job, digests and test messages."""

from __future__ import annotations

import asyncio
import json
import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import timedelta
from typing import Annotated, Any
from urllib.parse import urlsplit

import msgspec

from appliance.alerts import outbox
from appliance.alerts.base import (
    DIGEST,
    EDITABLE,
    SECRET,
    AlertRules,
    AlertSettingsError,
    Channel,
    ChannelError,
    NoChannel,
)
from appliance.alerts.email import EmailChannel, recipients
from appliance.alerts.message import render, test_message
from appliance.alerts.webhook import WebhookChannel, masked
from appliance.db import Database
from appliance.settings import BY_NAME, CHOICES, SHA256_FINGERPRINT, Settings, SettingsError, convert
from appliance.timeutil import iso, utc_now

log = logging.getLogger("sentrikat.alerts")

MAX_RETRY_DELAY = 3600.0  # the longest wait between two attempts of one message
KEEP_DAYS = 30  # sent batches and their events are forgotten after this
PRUNE_EVERY = 3600.0


class AlertSettingsIn(msgspec.Struct, frozen=True, forbid_unknown_fields=True, omit_defaults=True):
    """Alert settings to store from the status page; a field left out keeps its current value.

    Stored values win over the config file and SENTRIKAT_* variables until the stored values
    are removed (DELETE /api/alerts/settings). An empty string is a value: "" for smtp_password
    removes the login password, "" for smtp_host or webhook_url turns that channel off.
    """

    smtp_host: Annotated[str, msgspec.Meta(max_length=253)] | None = None
    smtp_port: Annotated[int, msgspec.Meta(ge=0, le=65535)] | None = None
    smtp_security: str | None = None
    smtp_user: Annotated[str, msgspec.Meta(max_length=256)] | None = None
    smtp_password: Annotated[str, msgspec.Meta(max_length=1024)] | None = None
    smtp_tls_fingerprint: Annotated[str, msgspec.Meta(max_length=95)] | None = None
    alert_email_from: Annotated[str, msgspec.Meta(max_length=320)] | None = None
    alert_email_to: Annotated[str, msgspec.Meta(max_length=4096)] | None = None
    webhook_url: Annotated[str, msgspec.Meta(max_length=2048)] | None = None
    webhook_format: str | None = None
    alert_cvss_threshold: Annotated[float, msgspec.Meta(ge=0, le=10)] | None = None
    alert_digest: str | None = None


class AlertSettingsView(msgspec.Struct, frozen=True):
    """The alert settings in effect. Secrets are not sent: only whether a password is set, and
    the webhook URL cut to its scheme and host (chat webhook URLs carry their credential in the path)."""

    smtp_host: str
    smtp_port: int
    smtp_security: str
    smtp_user: str
    smtp_password_set: bool
    smtp_tls_fingerprint: str
    alert_email_from: str
    alert_email_to: str
    webhook_url: str
    webhook_url_set: bool
    webhook_format: str
    alert_cvss_threshold: float
    alert_digest: str


class ChannelView(msgspec.Struct, frozen=True):
    name: str
    target: str


class BatchView(msgspec.Struct, frozen=True):
    """One alert message: its channel, state (pending, sending, sent, uncertain, dropped) and events."""

    id: int
    channel: str
    state: str
    events: int
    attempts: int
    created_at: str
    next_attempt_at: str | None
    sent_at: str | None
    last_error: str | None


class AlertOverview(msgspec.Struct, frozen=True):
    """The Alerts page: settings in effect, which of them were saved on the page, channels, recent messages."""

    settings: AlertSettingsView
    saved: list[str]
    channels: list[ChannelView]
    messages: list[BatchView]


class TestResult(msgspec.Struct, frozen=True):
    channel: str
    target: str
    ok: bool
    error: str | None = None


class TestResults(msgspec.Struct, frozen=True):
    results: list[TestResult]


def check(settings: Settings) -> None:
    """What makes the alert settings unusable together; AlertSettingsError names the field."""
    if settings.smtp_host and not recipients(settings.alert_email_to):
        raise AlertSettingsError("email alerts need at least one address in alert_email_to", field="alert_email_to")
    for address in recipients(settings.alert_email_to):
        if "@" not in address or any(c.isspace() for c in address):
            raise AlertSettingsError(f"{address!r} is not an email address", field="alert_email_to")
    if settings.smtp_tls_fingerprint and not SHA256_FINGERPRINT.fullmatch(settings.smtp_tls_fingerprint):
        raise AlertSettingsError("smtp_tls_fingerprint: expected a SHA-256 fingerprint (64 hex digits, colons allowed)",
                                 field="smtp_tls_fingerprint")
    if settings.webhook_url and urlsplit(settings.webhook_url).scheme not in ("http", "https"):
        raise AlertSettingsError("webhook_url must be an http:// or https:// URL", field="webhook_url")
    if settings.webhook_url and not urlsplit(settings.webhook_url).netloc:
        raise AlertSettingsError("webhook_url names no host", field="webhook_url")
    if settings.alert_cvss_threshold > 10:
        raise AlertSettingsError("alert_cvss_threshold is a CVSS score, 0 to 10", field="alert_cvss_threshold")


def effective(base: Settings, saved: dict[str, Any]) -> Settings:
    return msgspec.structs.replace(base, **saved)


def channels_of(settings: Settings) -> list[Channel]:
    found: list[Channel] = []
    if settings.smtp_host:
        found.append(EmailChannel(settings))
    if settings.webhook_url:
        found.append(WebhookChannel(settings))
    return found


async def _nothing() -> None:
    return None


class AlertService:
    """Owns the alert settings in effect and the outbox's sending side.

    Writers (reports, re-evaluation, expiry, job records) ask ``rules()`` and record events in
    their own transaction; ``send_pending`` (a scheduled job) batches and sends them.
    """

    def __init__(self, db: Database, settings: Settings, clock=utc_now) -> None:
        self.db = db
        self.base = settings
        self.clock = clock
        self.saved: dict[str, Any] = {}
        self.settings = settings
        self._holds = 0
        self._pruned = 0.0

    async def load(self) -> None:
        """Read the settings saved on the Alerts page (all a CLI command needs)."""
        rows = await self.db.fetchall("SELECT name, value FROM alert_settings")
        saved = {name: json.loads(value) for name, value in rows if name in EDITABLE}
        self.saved, self.settings = saved, effective(self.base, saved)

    async def start(self) -> None:
        """In the server, before any job or request: load the settings, settle the batches a previous
        run left mid-send, and start or stop channel cursors to match the channels configured now."""
        await self.load()
        try:
            check(self.settings)
        except AlertSettingsError as exc:
            log.warning("alert settings: %s; messages on that channel will fail until it is fixed", exc)
        names = [c.name for c in self.channels()]
        now = iso(self.clock())

        def work(conn):
            recovered = outbox.recover(conn, now)
            outbox.sync_channels(conn, names)
            return recovered

        for batch_id, channel in await self.db.run(work):
            log.warning("alert message %d (%s) was being sent when the appliance stopped: it may not have arrived,"
                        " and is not sent again", batch_id, channel)

    def channels(self) -> list[Channel]:
        return channels_of(self.settings)

    def rules(self) -> AlertRules:
        s = self.settings
        return AlertRules(bool(self.channels()), s.alert_cvss_threshold, s.alert_refresh_failing_after)

    # --- settings from the status page --------------------------------------------------------

    async def save(self, changes: AlertSettingsIn) -> None:
        values: dict[str, Any] = {}
        for name, raw in msgspec.structs.asdict(changes).items():
            if raw is None:
                continue
            try:
                values[name] = convert(BY_NAME[name], raw, name)
            except SettingsError as exc:
                raise AlertSettingsError(str(exc), field=name) from exc
            if name in CHOICES and values[name] not in CHOICES[name]:
                raise AlertSettingsError(f"{name}: expected {', '.join(CHOICES[name])}, got {raw!r}", field=name)
        saved = {**self.saved, **values}
        settings = effective(self.base, saved)
        check(settings)
        await self._store(saved, settings)

    async def reset(self) -> None:
        """Forget every value saved on the page: file, environment and defaults apply again."""
        check(self.base)
        await self._store({}, self.base)

    async def _store(self, saved: dict[str, Any], settings: Settings) -> None:
        now = iso(self.clock())
        names = [c.name for c in channels_of(settings)]

        def work(conn):
            conn.execute("DELETE FROM alert_settings")
            conn.executemany(
                "INSERT INTO alert_settings (name, value, updated_at) VALUES (?, ?, ?)",
                [(name, json.dumps(value), now) for name, value in sorted(saved.items())],
            )
            outbox.sync_channels(conn, names)

        await self.db.run(work)
        self.saved, self.settings = saved, settings

    async def overview(self) -> AlertOverview:
        s = self.settings
        view = AlertSettingsView(
            smtp_host=s.smtp_host, smtp_port=s.smtp_port, smtp_security=s.smtp_security, smtp_user=s.smtp_user,
            smtp_password_set=bool(s.smtp_password), smtp_tls_fingerprint=s.smtp_tls_fingerprint, alert_email_from=s.alert_email_from, alert_email_to=s.alert_email_to,
            webhook_url=masked(s.webhook_url), webhook_url_set=bool(s.webhook_url), webhook_format=s.webhook_format,
            alert_cvss_threshold=s.alert_cvss_threshold, alert_digest=s.alert_digest,
        )
        rows = await self.db.fetchall(
            "SELECT id, channel, state, (SELECT COUNT(*) FROM alert_events e WHERE e.id BETWEEN first_event_id AND last_event_id),"
            " attempts, created_at, CASE WHEN state = 'pending' THEN next_attempt_at END, sent_at, last_error"
            " FROM alert_batches ORDER BY id DESC LIMIT 20"
        )
        return AlertOverview(
            settings=view, saved=sorted(self.saved),
            channels=[ChannelView(c.name, c.target()) for c in self.channels()],
            messages=[BatchView(*row) for row in rows],
        )

    # --- sending ------------------------------------------------------------------------------

    @asynccontextmanager
    async def hold(self) -> AsyncIterator[None]:
        """No batch is formed while this is held (a re-evaluation in several transactions), so its events go out together."""
        self._holds += 1
        try:
            yield
        finally:
            self._holds -= 1

    async def send_pending(self) -> str:
        """The send job: batch each channel's new events into its pending message and send what is due."""
        if self._holds:
            return "waiting for a re-evaluation to finish"
        channels = {c.name: c for c in self.channels()}
        if not channels:
            return "no alert channel configured"
        now = iso(self.clock())
        await self._prune()
        if not await self._work_waiting(now):
            return "nothing to send"
        batches = await self.db.run(lambda conn: outbox.claim(conn, channels, now))

        async def deliver_all(channel: Channel) -> int:
            # One channel's messages in order; channels side by side, so a stalled mail server does not hold webhooks.
            return sum([await self._deliver(channel, b) for b in batches if b.channel == channel.name])

        sent = sum(await asyncio.gather(*(deliver_all(c) for c in channels.values())))
        return f"{sent} of {len(batches)} messages sent"

    async def _work_waiting(self, now: str) -> bool:
        row = await self.db.fetchone(
            "SELECT (SELECT COALESCE(MAX(id), 0) FROM alert_events) > COALESCE((SELECT MIN(last_event_id) FROM alert_channels), 0)"
            " OR EXISTS (SELECT 1 FROM alert_batches WHERE state = 'pending' AND next_attempt_at <= ?)", (now,)
        )
        return bool(row and row[0])

    async def _deliver(self, channel: Channel, batch: outbox.Batch) -> bool:
        message = render(batch.events, self.settings.alert_cvss_threshold)

        async def started() -> None:
            if not await self.db.run(lambda conn: outbox.mark_sending(conn, batch.id)):
                raise ChannelError(f"{channel.name}: message {batch.id} was withdrawn before sending")

        try:
            await channel.send(message, started)
        except ChannelError as exc:
            if not exc.maybe_delivered:
                return await self._failed(channel, batch, exc.message)
            await self.db.run(lambda conn: outbox.mark_uncertain(conn, batch.id, exc.message))
            log.warning("alert message %d (%d events) on %s may not have arrived, and is not sent again: %s",
                        batch.id, len(batch.events), channel.name, exc.message)
            return False
        except Exception as exc:  # noqa: BLE001 - a bug before delivery: keep the message, try again later
            return await self._failed(channel, batch, f"{type(exc).__name__}: {exc}")
        await self.db.run(lambda conn: outbox.mark_sent(conn, batch.id, iso(self.clock())))
        log.info("alert message %d (%d events) sent on %s", batch.id, len(batch.events), channel.name)
        return True

    async def _failed(self, channel: Channel, batch: outbox.Batch, error: str) -> bool:
        """Not delivered: pending again, after a delay that doubles with each attempt (at most an hour)."""
        delay = min(self.settings.alert_retry_delay * 2**batch.attempts, MAX_RETRY_DELAY)
        retry_at = iso(self.clock() + timedelta(seconds=delay))
        await self.db.run(lambda conn: outbox.mark_failed(conn, batch.id, error, retry_at))
        log.warning("alert message %d (%d events) not sent on %s, next attempt at %s: %s",
                    batch.id, len(batch.events), channel.name, retry_at, error)
        return False

    async def _prune(self) -> None:
        moment = self.clock().timestamp()
        if moment - self._pruned < PRUNE_EVERY:
            return
        self._pruned = moment
        before = iso(self.clock() - timedelta(days=KEEP_DAYS))
        await self.db.run(lambda conn: outbox.prune(conn, before))

    async def test(self) -> TestResults:
        """Send one test message on every configured channel now; the outbox is not involved."""
        channels = self.channels()
        if not channels:
            raise NoChannel("no alert channel is configured: set smtp_host and alert_email_to, or webhook_url")
        results = []
        for channel in channels:
            try:
                await channel.send(test_message(channel.name, channel.target()), _nothing)
            except ChannelError as exc:
                results.append(TestResult(channel.name, channel.target(), False, exc.message))
            else:
                results.append(TestResult(channel.name, channel.target(), True))
        return TestResults(results)

    # --- digest -------------------------------------------------------------------------------

    async def digest(self) -> str:
        """Record this period's digest event once (daily: per UTC day, weekly: per ISO week)."""
        period = self.settings.alert_digest
        if period == "off" or not self.channels():
            return "off"
        now = self.clock()
        year, week, _ = now.isocalendar()
        label = now.strftime("%Y-%m-%d") if period == "daily" else f"{year}-W{week:02d}"
        key = f"digest:{period}:{label}"
        if await self.db.fetchone("SELECT 1 FROM alert_events WHERE dedupe_key = ?", (key,)):
            return "already recorded"
        stamp = iso(now)
        await self.db.run(lambda conn: _record_digest(conn, key, period, label, stamp))
        return f"digest {label} recorded"


def _record_digest(conn, key: str, period: str, label: str, now: str) -> None:
    online, offline, stale, vulnerable, kev_assets, kev_findings = conn.execute(
        "SELECT COALESCE(SUM(presence = 'online'), 0), COALESCE(SUM(presence = 'offline'), 0),"
        " COALESCE(SUM(presence = 'stale'), 0), COALESCE(SUM(vulnerability_count > 0 AND presence != 'stale'), 0),"
        " COALESCE(SUM(kev_count > 0 AND presence != 'stale'), 0), COALESCE(SUM(CASE WHEN presence != 'stale' THEN kev_count END), 0)"
        " FROM assets WHERE status = 'active'"
    ).fetchone()
    # KEV findings in installed software and open ones in container images, a machine counted once per CVE.
    top = conn.execute(
        "SELECT k.cve, COUNT(DISTINCT k.asset_id) FROM (SELECT cve, asset_id FROM findings WHERE kev = 1"
        " UNION SELECT vulnerability_id, asset_id FROM container_findings WHERE kev = 1 AND resolved_at IS NULL) k"
        " JOIN assets a ON a.id = k.asset_id WHERE a.presence != 'stale' GROUP BY k.cve ORDER BY 2 DESC, k.cve LIMIT 10"
    ).fetchall()
    lines = [
        f"{'Daily' if period == 'daily' else 'Weekly'} summary ({label}):",
        f"- machines: {online} online, {offline} offline, {stale} stale",
        f"- {vulnerable} machines with known vulnerabilities, {kev_assets} with known-exploited (KEV) ones"
        f" ({kev_findings} KEV findings)",
    ]
    if top:
        lines.append("- most widespread KEV vulnerabilities: " + ", ".join(f"{cve} ({count})" for cve, count in top))
    detail = {"period": "Daily" if period == "daily" else "Weekly", "label": label, "text": "\n".join(lines),
              "online": online, "offline": offline, "stale": stale, "vulnerable_assets": vulnerable,
              "kev_assets": kev_assets, "kev_findings": kev_findings}
    conn.execute(
        "INSERT OR IGNORE INTO alert_events (kind, created_at, detail, dedupe_key) VALUES (?, ?, ?, ?)",
        (DIGEST, now, json.dumps(detail), key),
    )


__all__ = ["AlertOverview", "AlertService", "AlertSettingsIn", "TestResults", "SECRET"]
