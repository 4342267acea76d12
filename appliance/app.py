"""The application factory: settings in, a Litestar app out; resources open in its lifespan."""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator, Mapping
from contextlib import asynccontextmanager
from datetime import UTC, datetime, timedelta

import anyio
from apscheduler.schedulers.asyncio import AsyncIOScheduler
from litestar import Litestar
from litestar.openapi import OpenAPIConfig
from litestar.openapi.plugins import JsonRenderPlugin, YamlRenderPlugin
from litestar.openapi.spec import Components, SecurityScheme
from litestar.static_files import create_static_files_router

from appliance import __version__
from appliance.agent.containers import ContainerService
from appliance.agent.service import HEARTBEAT_FLUSH_SECONDS, AgentService
from appliance.api.agent import AgentController
from appliance.api.errors import EXCEPTION_HANDLERS
from appliance.api.gate import RedactingFilter, request_gate
from appliance.api.guards import LOGIN_ACCOUNT_BUCKET, LOGIN_BUCKET, READ_BUCKET, UNAUTHENTICATED_BUCKET
from appliance.api.headers import security_headers
from appliance.api.health import health
from appliance.api.read import ReadController
from appliance.api.session import SessionController
from appliance.auth import KeyService, RateLimiter
from appliance.auth.admin import AdminService
from appliance.auth.keys import load_or_create_secret
from appliance.db import Database
from appliance.refresh.service import FeedService, MatcherHolder
from appliance.matching.bundle import BKev
from appliance.matching.engine import FeedMatcher
from appliance.matching.base import Matcher
from appliance.paths import web_dir
from appliance.read.service import ReadService
from appliance.settings import Settings

log = logging.getLogger("sentrikat")

KEY_USAGE_FLUSH_SECONDS = 30


def schedule_jobs(scheduler: AsyncIOScheduler, settings: Settings, feeds: FeedService, keys: KeyService) -> None:
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


def create_app(settings: Settings) -> Litestar:
    """Build the app. Nothing is opened here: the database, feed and scheduler open in the lifespan."""

    @asynccontextmanager
    async def lifespan(app: Litestar) -> AsyncIterator[None]:
        db = Database(settings.database_path)
        await db.open()
        keys = KeyService(db, load_or_create_secret(settings.secret_path))
        holder = MatcherHolder()
        agent_service = AgentService(db, holder.get, settings)
        container_service = ContainerService(db, lambda: kev_catalog(holder.get()), settings)
        feeds = FeedService(settings, db, agent_service, holder, containers=container_service)
        await feeds.load()
        scheduler = AsyncIOScheduler(timezone="UTC")
        schedule_jobs(scheduler, settings, feeds, keys)
        read_service = ReadService(
            db, holder, settings, lambda: {job.id: job.next_run_time for job in scheduler.get_jobs()}
        )
        app.state.update(
            settings=settings,
            db=db,
            key_service=keys,
            limiter=RateLimiter(
                {
                    "report": settings.rate_report,
                    "heartbeat": settings.rate_heartbeat,
                    "config": settings.rate_config,
                    "container_scan": settings.rate_container_scan,
                    UNAUTHENTICATED_BUCKET: settings.rate_unauthenticated,
                    READ_BUCKET: settings.rate_read,
                    LOGIN_BUCKET: settings.rate_login,
                    LOGIN_ACCOUNT_BUCKET: settings.rate_login_account,
                }
            ),
            admin_service=AdminService(db, settings.session_lifetime),
            read_service=read_service,
            agent_service=agent_service,
            feeds=feeds,
            container_service=container_service,
            scheduler=scheduler,
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
            SessionController,
            health,
            create_static_files_router(path="/", directories=[web_dir()], html_mode=True, include_in_schema=False),
        ],
        lifespan=[lifespan],
        exception_handlers=EXCEPTION_HANDLERS,
        middleware=[security_headers, request_gate(settings.allowed_hosts)],
        request_max_body_size=settings.max_body_bytes,
        openapi_config=OpenAPIConfig(
            title="SentriKat Appliance API",
            version=__version__,
            description=(
                "Agent API (shared/docs/agent-api.md), the read API behind the status page, and the status page's"
                " session endpoints. Read endpoints take a read or admin API key (X-Agent-Key or Authorization:"
                " Bearer) or an admin session cookie."
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
        debug=False,
    )
