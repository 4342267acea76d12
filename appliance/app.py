"""The application factory: settings in, a Litestar app out; resources open in its lifespan."""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

import anyio
from apscheduler.schedulers.asyncio import AsyncIOScheduler
from litestar import Litestar
from litestar.openapi import OpenAPIConfig
from litestar.openapi.plugins import JsonRenderPlugin, YamlRenderPlugin
from litestar.static_files import create_static_files_router

from appliance import __version__
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
from appliance.matching.bundle import BundleError
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


async def reevaluate_if_feed_changed(db: Database, service: AgentService, feed_identity: str | None) -> None:
    """After a feed change every asset is matched again, so a new CVE shows without a new report."""
    if feed_identity is None:
        return
    row = await db.fetchone("SELECT value FROM appliance_state WHERE key = 'evaluated_feed'")
    if row is not None and row[0] == feed_identity:
        return
    count = await service.reevaluate()
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
        scheduler = AsyncIOScheduler(timezone="UTC")
        scheduler.add_job(keys.flush_last_used, "interval", seconds=KEY_USAGE_FLUSH_SECONDS, id="flush_key_usage")
        scheduler.add_job(
            reevaluate_if_feed_changed, "date", args=(db, agent_service, feed_identity), id="reevaluate_on_feed_change"
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
                    UNAUTHENTICATED_BUCKET: settings.rate_unauthenticated,
                }
            ),
            agent_service=agent_service,
            scheduler=scheduler,
        )
        scheduler.start()
        log.info("SentriKat %s ready; database %s", __version__, settings.database_path)
        try:
            yield
        finally:
            # Shielded: on a forced stop (a second Ctrl-C) uvicorn skips the orderly lifespan
            # shutdown and this task is cancelled; unshielded, every await below would be
            # cancelled too, the database would stay open and its worker thread would keep the
            # process alive. Closing takes milliseconds, so it always runs to the end.
            with anyio.CancelScope(shield=True):
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
