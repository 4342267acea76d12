"""The application factory: settings in, a Litestar app out; resources open in its lifespan."""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator, Mapping
from contextlib import asynccontextmanager
from pathlib import Path

from apscheduler.schedulers.asyncio import AsyncIOScheduler
from litestar import Litestar
from litestar.openapi import OpenAPIConfig
from litestar.openapi.plugins import JsonRenderPlugin, YamlRenderPlugin
from litestar.static_files import create_static_files_router

from appliance import __version__
from appliance.agent.containers import ContainerService
from appliance.agent.service import AgentService
from appliance.api.agent import AgentController
from appliance.api.errors import EXCEPTION_HANDLERS
from appliance.api.guards import UNAUTHENTICATED_BUCKET
from appliance.api.health import health
from appliance.auth import KeyService, RateLimiter
from appliance.auth.keys import load_or_create_secret
from appliance.db import Database
from appliance.errors import ApplianceError
from appliance.matching.agent_cpe import AgentCpeMatcher
from appliance.matching.bundle import BKev, BundleError
from appliance.matching.engine import FeedMatcher, load_index
from appliance.matching.base import Matcher
from appliance.paths import web_dir
from appliance.settings import Settings

log = logging.getLogger("sentrikat")

KEY_USAGE_FLUSH_SECONDS = 30


def load_matcher(settings: Settings) -> tuple[Matcher, str | None]:
    """The feed matcher and the identity of its feed, or the agent-CPE matcher when no feed can be loaded."""
    try:
        index = load_index(Path(settings.feed_dir) if settings.feed_dir else None)
    except (BundleError, ApplianceError) as exc:
        log.warning("no vulnerability feed loaded (%s); only agent-supplied CPEs are matched", exc)
        return AgentCpeMatcher(), None
    bundle = index.bundle
    log.info("feed loaded: %d products, %d CVEs, %d KEV entries", len(bundle.products), len(bundle.cves), len(bundle.kev))
    return FeedMatcher(index), f"{bundle.built_at} {len(bundle.keys)} {len(bundle.cves)} {len(bundle.kev)}"


def kev_catalog(matcher: Matcher) -> Mapping[str, BKev] | None:
    """The loaded feed's KEV entries by CVE id; None without a feed, which means "no KEV data", not "none exploited"."""
    return matcher.index.kev if isinstance(matcher, FeedMatcher) else None


async def reevaluate_if_feed_changed(
    db: Database, service: AgentService, containers: ContainerService, feed_identity: str | None
) -> None:
    """After a feed change every asset is matched again and container findings are KEV-flagged
    again, so a new CVE or KEV entry shows without a new report."""
    if feed_identity is None:
        # Without a feed, reports match agent CPEs only and container findings go unflagged.
        # Forget the feed the data was last evaluated against, so that loading it again
        # (even the same one) re-evaluates what was stored meanwhile.
        if await db.fetchone("SELECT 1 FROM appliance_state WHERE key = 'evaluated_feed'") is not None:
            async with db.transaction() as tx:
                await tx.execute("DELETE FROM appliance_state WHERE key = 'evaluated_feed'")
        return
    row = await db.fetchone("SELECT value FROM appliance_state WHERE key = 'evaluated_feed'")
    if row is not None and row[0] == feed_identity:
        return
    count = await service.reevaluate()
    await containers.reflag_kev()
    async with db.transaction() as tx:
        await tx.execute(
            "INSERT INTO appliance_state (key, value) VALUES ('evaluated_feed', ?)"
            " ON CONFLICT (key) DO UPDATE SET value = excluded.value",
            (feed_identity,),
        )
    log.info("re-evaluated %d assets against the new feed", count)


def create_app(settings: Settings) -> Litestar:
    """Build the app. Nothing is opened here: the database and scheduler open in the lifespan."""

    @asynccontextmanager
    async def lifespan(app: Litestar) -> AsyncIterator[None]:
        db = Database(settings.database_path)
        await db.open()
        keys = KeyService(db, load_or_create_secret(settings.secret_path))
        matcher, feed_identity = load_matcher(settings)
        agent_service = AgentService(db, lambda: matcher, settings)
        container_service = ContainerService(db, lambda: kev_catalog(matcher), settings)
        scheduler = AsyncIOScheduler(timezone="UTC")
        scheduler.add_job(keys.flush_last_used, "interval", seconds=KEY_USAGE_FLUSH_SECONDS, id="flush_key_usage")
        scheduler.add_job(
            reevaluate_if_feed_changed,
            "date",
            args=(db, agent_service, container_service, feed_identity),
            id="reevaluate_on_feed_change",
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
                }
            ),
            agent_service=agent_service,
            container_service=container_service,
            scheduler=scheduler,
        )
        scheduler.start()
        log.info("SentriKat %s ready; database %s", __version__, settings.database_path)
        try:
            yield
        finally:
            scheduler.shutdown(wait=False)
            await keys.flush_last_used()
            await db.close()
            log.info("database closed")

    return Litestar(
        route_handlers=[
            AgentController,
            health,
            create_static_files_router(path="/", directories=[web_dir()], html_mode=True, include_in_schema=False),
        ],
        lifespan=[lifespan],
        exception_handlers=EXCEPTION_HANDLERS,
        request_max_body_size=settings.max_body_bytes,
        openapi_config=OpenAPIConfig(
            title="SentriKat Appliance API",
            version=__version__,
            description="Agent API (shared/docs/agent-api.md) and the appliance's own endpoints.",
            path="/schema",
            use_handler_docstrings=True,
            render_plugins=[JsonRenderPlugin(), YamlRenderPlugin()],
        ),
        debug=False,
    )
