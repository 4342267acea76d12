"""The application factory: settings in, a Litestar app out; resources open in its lifespan."""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator, Mapping
from contextlib import asynccontextmanager
from datetime import UTC, datetime, timedelta
from pathlib import Path

import anyio
from apscheduler.schedulers.asyncio import AsyncIOScheduler
from litestar import Litestar
from litestar.openapi import OpenAPIConfig
from litestar.openapi.plugins import JsonRenderPlugin, YamlRenderPlugin
from litestar.openapi.spec import Components, SecurityScheme
from litestar.static_files import create_static_files_router

from appliance import __version__, logs
from appliance.agent.containers import ContainerService
from appliance.agent.service import HEARTBEAT_FLUSH_SECONDS, AgentService
from appliance.alerts import AlertService
from appliance.api.alerts import AlertsController
from appliance.api.agent import AgentController
from appliance.api.devices import DevicesController, KeysController, agent_script
from appliance.api.body import BodyBudget
from appliance.api.errors import EXCEPTION_HANDLERS
from appliance.api.gate import RedactingFilter, request_gate
from appliance.api.guards import LOGIN_ACCOUNT_BUCKET, LOGIN_BUCKET, READ_BUCKET, UNAUTHENTICATED_BUCKET
from appliance.api.headers import security_headers
from appliance.api.plain_http import plain_http_policy
from appliance.api.health import health
from appliance.api.read import ReadController, delete_asset, move_asset, set_finding_triage, set_image_triage
from appliance.api.session import SessionController
from appliance.auth import KeyService, RateLimiter
from appliance.auth.admin import AdminService
from appliance.auth.keys import load_or_create_secret
from appliance.db import Database
from appliance.devices import DeviceService, load_scripts
from appliance.refresh.service import FeedService, MatcherHolder
from appliance.matching.bundle import BKev
from appliance.matching.engine import FeedMatcher
from appliance.matching.base import Matcher
from appliance.paths import agents_dir, web_dir
from appliance.read.service import ReadService
from appliance.settings import Settings
from appliance.tls import certificate_paths, fingerprint

log = logging.getLogger("sentrikat")

KEY_USAGE_FLUSH_SECONDS = 30


def schedule_jobs(
    scheduler: AsyncIOScheduler, settings: Settings, feeds: FeedService, keys: KeyService, alerts: AlertService | None = None
) -> None:
    """Every periodic job of the appliance; each records its outcome in the jobs table."""
    now = datetime.now(UTC)
    common = {"max_instances": 1, "coalesce": True, "misfire_grace_time": 300}
    scheduler.add_job(keys.flush_last_used, "interval", seconds=KEY_USAGE_FLUSH_SECONDS, id="flush_key_usage", **common)
    scheduler.add_job(
        feeds.agent_service.flush_heartbeats, "interval", seconds=HEARTBEAT_FLUSH_SECONDS, id="flush_heartbeats", **common
    )
    scheduler.add_job(feeds.reload_if_changed, "interval", seconds=settings.feed_check_interval, id="feed_import_check", **common)
    scheduler.add_job(feeds.run_job, "date", args=("reevaluate", feeds.reevaluate_if_changed), id="reevaluate")
    scheduler.add_job(
        feeds.run_job, "interval", args=("expire_agents", feeds.expire), seconds=settings.expiry_interval,
        id="expire_agents", next_run_time=now, **common,
    )
    if alerts is not None:
        scheduler.add_job(alerts.send_pending, "interval", seconds=max(settings.alert_send_interval, 1), id="send_alerts",
                          next_run_time=now, **common)
        scheduler.add_job(feeds.run_job, "interval", args=("alert_digest", alerts.digest), seconds=3600, id="alert_digest",
                          next_run_time=now + timedelta(seconds=5), **common)
    if settings.refresh_enabled:
        first = now + timedelta(seconds=settings.refresh_start_delay)
        for name, seconds, job in (
            ("refresh_kev", settings.kev_refresh_interval, feeds.refresh_kev),
            ("refresh_cve", settings.cve_refresh_interval, lambda: feeds.refresh_nvd("cve")),
            ("refresh_cpe", settings.cpe_refresh_interval, lambda: feeds.refresh_nvd("cpe")),
        ):
            scheduler.add_job(feeds.run_job, "interval", args=(name, job), seconds=seconds, id=name, next_run_time=first, **common)


def kev_catalog(matcher: Matcher) -> Mapping[str, BKev] | None:
    """The loaded feed's KEV entries by CVE id; None without a feed, which means "no KEV data", not "none exploited"."""
    return matcher.index.kev if isinstance(matcher, FeedMatcher) else None


def serving_fingerprint(settings: Settings) -> str | None:
    """The SHA-256 fingerprint of the certificate served on https_port; None when no HTTPS is served."""
    if not settings.https_port:
        return None
    cert_path = certificate_paths(settings)[0]
    return fingerprint(cert_path) if cert_path.exists() else None


def create_app(settings: Settings) -> Litestar:
    """Build the app. Nothing is opened here: the database, feed and scheduler open in the lifespan."""

    @asynccontextmanager
    async def lifespan(app: Litestar) -> AsyncIterator[None]:
        db = Database(settings.database_path)
        await db.open()
        keys = KeyService(db, load_or_create_secret(settings.secret_path))
        holder = MatcherHolder()
        alerts = AlertService(db, settings)
        await alerts.start()
        agent_service = AgentService(db, holder.get, settings, alert_rules=alerts.rules)
        container_service = ContainerService(db, lambda: kev_catalog(holder.get()), settings, alert_rules=alerts.rules)
        feeds = FeedService(settings, db, agent_service, holder, containers=container_service, alerts=alerts)
        await feeds.load()
        scheduler = AsyncIOScheduler(timezone="UTC")
        schedule_jobs(scheduler, settings, feeds, keys, alerts)
        # Shown on the status page and put into install lines; None unless the server speaks HTTPS.
        tls_fingerprint = serving_fingerprint(settings)
        read_service = ReadService(
            db, holder, settings, lambda: {job.id: job.next_run_time for job in scheduler.get_jobs()},
            tls_fingerprint=tls_fingerprint,
        )
        scripts = await anyio.to_thread.run_sync(load_scripts, Path(settings.agents_dir) if settings.agents_dir else agents_dir())
        app.state.update(
            settings=settings,
            db=db,
            body_budget=BodyBudget(settings.max_body_bytes_in_flight),
            key_service=keys,
            limiter=RateLimiter(
                {
                    "report": settings.rate_report,
                    "heartbeat": settings.rate_heartbeat,
                    "config": settings.rate_config,
                    "container_scan": settings.rate_container_scan,
                    "inventory": settings.rate_inventory,
                    "commands": settings.rate_commands,
                    UNAUTHENTICATED_BUCKET: settings.rate_unauthenticated,
                    READ_BUCKET: settings.rate_read,
                    LOGIN_BUCKET: settings.rate_login,
                    LOGIN_ACCOUNT_BUCKET: settings.rate_login_account,
                }
            ),
            admin_service=AdminService(db, settings.session_lifetime),
            read_service=read_service,
            device_service=DeviceService(db, keys, scripts, tls_fingerprint),
            agent_service=agent_service,
            feeds=feeds,
            container_service=container_service,
            scheduler=scheduler,
            alert_service=alerts,
        )
        scheduler.start()
        # The access log never shows a credential sent in a URL (those requests are refused too).
        access_filter = RedactingFilter()
        logging.getLogger("uvicorn.access").addFilter(access_filter)
        log.info("SentriKat %s ready; database %s", __version__, settings.database_path)
        try:
            yield
        finally:
            logging.getLogger("uvicorn.access").removeFilter(access_filter)
            # Shielded: on a forced stop (a second Ctrl-C) uvicorn skips the orderly lifespan
            # shutdown and this task is cancelled; unshielded, every await below would be
            # cancelled too, the database would stay open and its worker thread would keep the
            # process alive. Closing takes milliseconds, so it always runs to the end.
            with anyio.CancelScope(shield=True):
                scheduler.shutdown(wait=False)
                await agent_service.flush_heartbeats()
                await keys.flush_last_used()
                await db.close()
            log.info("database closed")

    return Litestar(
        route_handlers=[
            AgentController,
            ReadController,
            delete_asset,  # after ReadController: they join its /api/assets/{asset_id} route
            move_asset,
            set_finding_triage,
            set_image_triage,
            SessionController,
            KeysController,
            DevicesController,
            agent_script,
            AlertsController,
            health,
            create_static_files_router(path="/", directories=[web_dir()], html_mode=True, include_in_schema=False),
        ],
        lifespan=[lifespan],
        exception_handlers=EXCEPTION_HANDLERS,
        middleware=[security_headers, request_gate(settings.allowed_hosts), plain_http_policy(settings)],
        request_max_body_size=settings.max_body_bytes,
        openapi_config=OpenAPIConfig(
            title="SentriKat Appliance API",
            version=__version__,
            description=(
                "Agent API (shared/docs/agent-api.md), the read API behind the status page, the status page's"
                " session endpoints, the admin API for agent keys and new devices, and the agent scripts."
                " Read endpoints take a read or admin API key (X-Agent-Key or Authorization: Bearer) or an admin"
                " session cookie; admin endpoints an admin key or an admin session (changes with its X-CSRF-Token)."
            ),
            path="/schema",
            use_handler_docstrings=True,
            render_plugins=[JsonRenderPlugin(), YamlRenderPlugin()],
            components=Components(
                security_schemes={
                    "agentKey": SecurityScheme(
                        type="apiKey", name="X-Agent-Key", security_scheme_in="header",
                        description="An API key (sentrikat keys create); agent endpoints need the agent scope.",
                    )
                }
            ),
        ),
        logging_config=logs.litestar_config(),
        debug=False,
    )
