"""The feed service: scheduled refreshes, imports noticed from disk, the atomic matcher swap, job records."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
import traceback
from collections.abc import Awaitable, Callable
from datetime import datetime, timedelta
from typing import TYPE_CHECKING
from pathlib import Path

import httpx
import msgspec

from appliance.agent.containers import ContainerService
from appliance.agent.expiry import expire_assets
from appliance.agent.service import AgentService
from appliance.alerts.base import REFRESH_FAILING, AlertRules
from appliance.db import Database
from appliance.errors import ApplianceError
from appliance.matching.agent_cpe import AgentCpeMatcher
from appliance.matching.aliases import load_aliases
from appliance.matching.base import Matcher
from appliance.matching.bundle import Bundle, Manifest
from appliance.matching.engine import FeedMatcher, default_feed_dir
from appliance.matching.index import CpeIndex
from appliance.refresh.http import Fetcher, WindowLimiter
from appliance.refresh.nvd import KevSync, NvdSync, parse_when
from appliance.refresh.store import FeedRefused, FeedStore
from appliance.settings import Settings
from appliance.timeutil import iso, utc_now

if TYPE_CHECKING:
    from appliance.alerts.service import AlertService

log = logging.getLogger("sentrikat.feeds")

# Source formats whose stated date tells where an incremental NVD sync may start.
_FORMATS = {"cve": ("nvd20", "nvd11"), "cpe": ("cpe_api", "cpe_xml")}


class JobRecord(msgspec.Struct, frozen=True):
    name: str
    last_run_at: str | None
    last_duration: float | None
    last_outcome: str | None
    last_error: str | None
    last_success_at: str | None


class MatcherHolder:
    """The matcher in service; a refresh replaces it in one assignment, so a report sees old or new, whole."""

    def __init__(self) -> None:
        self.matcher: Matcher = AgentCpeMatcher()
        self.identity: str | None = None
        self.manifest: Manifest | None = None

    def get(self) -> Matcher:
        return self.matcher


def _build_matcher(bundle: Bundle) -> FeedMatcher:
    return FeedMatcher(CpeIndex(bundle, load_aliases(default_feed_dir() / "aliases.tsv")))


def feed_identity(bundle: Bundle) -> str:
    return f"{bundle.built_at} {len(bundle.keys)} {len(bundle.cves)} {len(bundle.kev)}"


class FeedService:
    """Owns the FeedStore and the MatcherHolder; every job here records its outcome in the jobs table."""

    def __init__(self, settings: Settings, db: Database, agent_service: AgentService, holder: MatcherHolder,
                 clock: Callable[[], datetime] = utc_now, bundled_dir: Path | None = None,
                 containers: ContainerService | None = None, alerts: "AlertService | None" = None) -> None:
        self.settings = settings
        self.db = db
        self.agent_service = agent_service
        self.containers = containers
        self.alerts = alerts
        self.holder = holder
        self.clock = clock
        self.store = FeedStore(
            settings.data_dir, Path(settings.feed_dir) if settings.feed_dir else None, settings.min_feed_ratio, bundled_dir
        )
        self._stamp: str | None = None
        self._lock = asyncio.Lock()  # one feed change at a time in this process
        per_window = 50 if settings.nvd_api_key else 5
        self._limiter = WindowLimiter(per_window, settings.nvd_rate_window)

    # --- loading and swapping -------------------------------------------------------------

    async def load(self) -> None:
        """Load the feed in service at startup; without one, only agent-supplied CPEs match."""
        try:
            bundle, manifest = await asyncio.to_thread(self.store.current)
        except ApplianceError as exc:
            log.warning("no vulnerability feed loaded (%s); only agent-supplied CPEs are matched", exc)
            return
        self._stamp = self.store.stamp()
        if bundle is None:
            log.warning("no vulnerability feed loaded (none in %s); only agent-supplied CPEs are matched", self.store.active_dir())
            return
        await self._install(bundle, manifest)

    async def _install(self, bundle: Bundle, manifest: Manifest | None) -> None:
        matcher = await asyncio.to_thread(_build_matcher, bundle)
        self.holder.matcher, self.holder.identity, self.holder.manifest = matcher, feed_identity(bundle), manifest
        log.info("feed in service: %d products, %d CVEs, %d KEV entries", len(bundle.products), len(bundle.cves), len(bundle.kev))

    async def reevaluate_if_changed(self) -> int:
        """Match every asset again, and KEV-flag container findings again, when the feed differs
        from the one they were last evaluated against."""
        identity = self.holder.identity
        if identity is None:
            # Without a feed, reports match agent CPEs only and container findings go unflagged.
            # Forget the feed the data was last evaluated against, so that loading it again
            # (even the same one) re-evaluates what was stored meanwhile.
            async with self.db.transaction() as tx:
                await tx.execute("DELETE FROM appliance_state WHERE key = 'evaluated_feed'")
            return 0
        row = await self.db.fetchone("SELECT value FROM appliance_state WHERE key = 'evaluated_feed'")
        if row is not None and row[0] == identity:
            return 0
        # Held: the alert events of all batches of assets, and of container findings newly KEV,
        # go out in one message per channel.
        async with self.alerts.hold() if self.alerts is not None else contextlib.nullcontext():
            count = await self.agent_service.reevaluate()
            if self.containers is not None:
                await self.containers.reflag_kev()
        async with self.db.transaction() as tx:
            await tx.execute(
                "INSERT INTO appliance_state (key, value) VALUES ('evaluated_feed', ?)"
                " ON CONFLICT (key) DO UPDATE SET value = excluded.value",
                (identity,),
            )
        log.info("re-evaluated %d assets against the new feed", count)
        return count

    async def reload_if_changed(self) -> bool:
        """Pick up a feed another process wrote (``sentrikat feeds import``)."""
        stamp = self.store.stamp()
        if stamp == self._stamp:
            return False
        async with self._lock:
            bundle, manifest = await asyncio.to_thread(self.store.current)
            self._stamp = self.store.stamp()
            if bundle is None:
                return False
            await self._install(bundle, manifest)
        await self.reevaluate_if_changed()
        return True

    async def _apply(self, sources: list[Path]) -> tuple[Bundle, Manifest]:
        async with self._lock:
            bundle, manifest = await asyncio.to_thread(self.store.apply, sources)
            self._stamp = self.store.stamp()
            await self._install(bundle, manifest)
        await self.reevaluate_if_changed()
        return bundle, manifest

    # --- downloads ------------------------------------------------------------------------

    def _fetcher(self, client: httpx.AsyncClient) -> Fetcher:
        return Fetcher(client, self._limiter, self.settings.retry_attempts, self.settings.retry_base_delay)

    def _client(self) -> httpx.AsyncClient:
        return httpx.AsyncClient(timeout=self.settings.http_timeout, follow_redirects=True,
                                 headers={"User-Agent": "SentriKat-Appliance"})

    def _initial_start(self, kind: str) -> datetime | None:
        manifest = self.holder.manifest
        if manifest is None or self.holder.identity is None:
            return None  # nothing in service: the first sync lists everything
        dates = [parse_when(s.feed_date) for s in manifest.sources if s.format in _FORMATS[kind]]
        dates = [d for d in dates if d is not None]
        # The oldest source date: a feed compiled from files of different ages (a yearly file
        # and a newer sample, say) must not skip what changed after the older file was made.
        return min(dates) if dates else None

    async def refresh_nvd(self, kind: str) -> str:
        url = self.settings.nvd_cve_url if kind == "cve" else self.settings.nvd_cpe_url
        size = self.settings.nvd_cve_page_size if kind == "cve" else self.settings.nvd_cpe_page_size
        async with self._client() as client:
            sync = NvdSync(kind, url, size, self._fetcher(client), self.store, self.settings.nvd_api_key, self.clock,
                           self._initial_start(kind))
            try:
                pages, full, end = await sync.download()
            except FeedRefused:
                sync.abandon()
                raise
        records = sum(sync.count(page) for page in pages)
        if records:  # an empty window changes nothing: no new bundle, no re-evaluation
            await self._apply(pages)
        sync.finish(end)
        return f"{records} records in {len(pages)} pages{' (full listing)' if full else ''} up to {end}"

    async def refresh_kev(self) -> str:
        async with self._client() as client:
            sync = KevSync(self.settings.kev_url, self._fetcher(client), self.store)
            path, state = await sync.download()
        if path is None:
            return "not modified"
        bundle, _ = await self._apply([path])
        sync.finish(state)
        return f"{len(bundle.kev)} KEV entries"

    async def import_files(self, paths: list[Path], progress=None) -> Manifest:
        async with self._lock:
            _, manifest = await asyncio.to_thread(self.store.apply, paths, progress=progress)
        return manifest

    def _rules(self) -> AlertRules:
        return self.alerts.rules() if self.alerts is not None else AlertRules()

    async def expire(self) -> str:
        await self.agent_service.flush_heartbeats()  # expiry judges by last_seen: write pending heartbeats first
        result = await expire_assets(self.db, self.settings, self.clock(), self._rules())
        return f"{result.offline} offline, {result.stale} stale, {result.deleted} deleted, {result.pending_deleted} pending deleted"

    # --- job records ----------------------------------------------------------------------

    async def run_job(self, name: str, job: Callable[[], Awaitable[object]]) -> None:
        """Run a job, recording start, duration, outcome and error; never raises (the scheduler goes on)."""
        started, clock_started = time.perf_counter(), iso(self.clock())
        error: str | None = None
        try:
            outcome = str(await job() or "ok")
        except asyncio.CancelledError:
            # The appliance is stopping: the scheduler cancels the jobs still running (a download
            # waiting on a slow server or on its retry delay). Nothing is half written (a feed is
            # swapped in whole), the database is closing, and the job runs again on the next start.
            log.info("job %s stopped: the appliance is shutting down", name)
            return
        except ApplianceError as exc:
            outcome, error = "failed", str(exc)
            log.warning("job %s failed: %s", name, exc)
        except Exception as exc:  # a bug: keep the last good data, record it, keep scheduling
            outcome, error = "failed", f"{type(exc).__name__}: {exc}"
            log.error("job %s crashed:\n%s", name, traceback.format_exc())
        duration = round(time.perf_counter() - started, 3)
        rules = self._rules()
        async with self.db.transaction() as tx:
            await tx.execute(
                "INSERT INTO jobs (name, last_run_at, last_duration, last_outcome, last_error, last_success_at, failing_since)"
                " VALUES (?, ?, ?, ?, ?, CASE WHEN ? IS NULL THEN ? END, CASE WHEN ? IS NOT NULL THEN ? END)"
                " ON CONFLICT (name) DO UPDATE SET last_run_at = excluded.last_run_at,"
                " last_duration = excluded.last_duration, last_outcome = excluded.last_outcome,"
                " last_error = excluded.last_error,"
                " last_success_at = COALESCE(excluded.last_success_at, jobs.last_success_at),"
                " failing_since = CASE WHEN excluded.last_error IS NULL THEN NULL"
                " ELSE COALESCE(jobs.failing_since, excluded.failing_since) END",
                (name, clock_started, duration, outcome if error is None else "failed", error, error, clock_started,
                 error, clock_started),
            )
            if error is not None and name.startswith("refresh_") and rules.enabled:
                # Once per run of failures (dedupe_key), in the transaction that records the failure.
                since = iso(self.clock() - timedelta(seconds=rules.refresh_failing_after))
                await tx.execute(
                    "INSERT OR IGNORE INTO alert_events (kind, created_at, detail, dedupe_key)"
                    " SELECT ?, ?, json_object('job', name, 'since', failing_since, 'error', last_error,"
                    " 'last_success_at', last_success_at), 'refresh_failing:' || name || ':' || failing_since"
                    " FROM jobs WHERE name = ? AND failing_since <= ?",
                    (REFRESH_FAILING, clock_started, name, since),
                )


async def job_records(db: Database) -> list[JobRecord]:
    rows = await db.fetchall(
        "SELECT name, last_run_at, last_duration, last_outcome, last_error, last_success_at FROM jobs ORDER BY name"
    )
    return [JobRecord(*row) for row in rows]
