"""The app factory: builds FastAPI, makes the database engine, includes every capability's router."""

from __future__ import annotations

import asyncio
import gc
import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI, Request
from fastapi.staticfiles import StaticFiles
from sqlalchemy import inspect

from moqi import __version__
from moqi.accounts.pages import router as admin_pages
from moqi.accounts.routes import admin_router
from moqi.accounts.routes import router as accounts_router
from moqi.assist.live.bus import PostgresBus
from moqi.assist.live.hub import LiveHub
from moqi.assist.live.restore import restore_open_contacts
from moqi.assist.live.routes import router as live_router
from moqi.assist.live.writer import BatchWriter
from moqi.assist.pages import router as assist_pages
from moqi.assist.routes import quality_router
from moqi.assist.routes import router as assist_router
from moqi.assist.services import live_engine
from moqi.channels import routes as channel_routes
from moqi.channels.pages import router as channel_pages
from moqi.channels.portal import content as portal_content
from moqi.channels.portal.pages import router as portal_pages
from moqi.channels.routes import router as channels_router
from moqi.channels.socialteam.routes import router as social_router
from moqi.channels.webchat.routes import router as webchat_router
from moqi.channels.webhooks.routes import webhooks as channel_webhooks
from moqi.db import make_engine, make_sessionmaker, session_scope
from moqi.insight.pages import router as insight_pages
from moqi.insight.research.pages import router as research_pages
from moqi.insight.routes import router as insight_router
from moqi.knowledge import services as knowledge_services
from moqi.knowledge.experiments.pages import router as experiments_pages
from moqi.knowledge.experiments.routes import router as experiments_router
from moqi.knowledge.pages import router as knowledge_pages
from moqi.knowledge.routes import router as knowledge_router
from moqi.service import sweep
from moqi.service.experts.pages import router as experts_pages
from moqi.service.experts.routes import router as experts_router
from moqi.service.outbox import services as outbox
from moqi.service.outbox.gateway import gateway_from_settings
from moqi.service.outbox.pages import router as outbox_pages
from moqi.service.outbox.routes import router as outbox_router
from moqi.service.pages import router as desk_pages
from moqi.service.routes import router as tickets_router
from moqi.settings import get_settings
from moqi.training.pages import router as training_pages
from moqi.training.roleplay.pages import router as roleplay_pages
from moqi.training.roleplay.routes import router as roleplay_router
from moqi.training.routes import router as training_router
from moqi.voice.live import LiveRecognition
from moqi.voice.routes import router as voice_router
from moqi.web import docs
from moqi.web.clock import now
from moqi.web.errors import install_problem_handlers
from moqi.web.guard import RequestGuard
from moqi.web.headers import SecurityHeaders
from moqi.web.origin import SameOrigin
from moqi.web.sockets import Sockets
from moqi.web.templates import STATIC
from moqi.workforce.routes import pages as workforce_pages
from moqi.workforce.routes import router as workforce_router

log = logging.getLogger("moqi.app")


async def _desk_loop(app: FastAPI) -> None:
    """The service desk's clock: every few seconds, raise SLA warnings and breaches, send the
    surveys of promises that fell due, turn unanswered surveys into callbacks, deliver the
    outbox through the configured gateway. What it did is
    stored, so a restart picks up where it stopped; an error is logged and the loop goes on."""
    settings = get_settings()
    if settings.desk_sweep_seconds <= 0:
        return
    gateway = gateway_from_settings(settings)
    while True:
        await asyncio.sleep(settings.desk_sweep_seconds)
        try:
            await asyncio.to_thread(
                sweep.tick, app.state.db, now=now(), link_base=settings.public_url
            )
            sent = await asyncio.to_thread(outbox.deliver_once, app.state.db, gateway, now=now())
            if sent["retry"] or sent["failed"]:
                log.warning("outbox round: %s", sent)
        except Exception:  # noqa: BLE001 - the loop must outlive one bad round
            log.exception("service desk round failed; trying again next round")


async def _route_loop(app: FastAPI) -> None:
    """Chat routing's clock: every few seconds, move conversations that waited too long to a
    wider skill and hand waiting ones to agents whose chats were wrapped up meanwhile."""
    seconds = get_settings().route_seconds
    if seconds <= 0:
        return
    while True:
        await asyncio.sleep(seconds)
        await asyncio.to_thread(channel_routes.route_now, app)


def health(request: Request) -> dict:
    """Up, and whether the live writer has had to keep anything aside since start (monitors
    poll this: "degraded" means an admin should read GET /api/admin/dead-letters).

    A module function reading the app from the request, not a closure over it: FastAPI keeps
    every endpoint it has seen in a process-wide cache, and a closure would keep each app made
    in the process (tests make hundreds) alive with its engine and content.

    `semantic_search` is knowledge search's semantic stage: "on", "building", "off" (by the
    setting, or too many passages to embed), "unavailable" (no engine: words alone), or null
    before the first search; the reason is in each search answer, for logged-in users."""
    kept = request.app.state.writer.dead_letters
    state = knowledge_services.search_state(str(request.app.state.db.kw["bind"].url))
    return {
        "status": "degraded" if kept else "ok",
        "version": __version__,
        "dead_letters": kept,
        "semantic_search": state.split(":")[0].split(" (")[0] if state else None,
    }


def create_app(database_url: str | None = None) -> FastAPI:
    """A moqi application bound to `database_url` (default: the settings' database)."""
    engine = make_engine(database_url or get_settings().db_url)

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        app.state.hub.start()
        with session_scope(app.state.db) as session:
            if inspect(engine).has_table("content_revisions"):
                # Compile the live engine before the first call arrives, not during it.
                live_engine(session)
                # Calls that were live when the server stopped go on for their agents.
                restored, closed = restore_open_contacts(
                    session, app.state.hub, now=now(), max_hours=get_settings().live_max_hours
                )
                if restored or closed:
                    log.warning(
                        "kept %d live contacts for their agents; closed %d as interrupted",
                        restored,
                        closed,
                    )
        # The engine and content are long-lived: move them out of the collector's way, so
        # full collections during calls scan only what calls create.
        gc.collect()
        gc.freeze()
        gc.set_threshold(20_000, 50, 50)  # fewer, larger young collections on the live path
        desk = asyncio.create_task(
            _desk_loop(app) if inspect(engine).has_table("sla_policies") else asyncio.sleep(0)
        )
        routing = asyncio.create_task(
            _route_loop(app)
            if inspect(engine).has_table("channel_conversations")
            else asyncio.sleep(0)
        )
        yield
        routing.cancel()
        desk.cancel()
        app.state.writer.close()  # what it holds is committed before the server stops
        app.state.hub.stop()
        app.state.asr.close()
        gc.unfreeze()  # an app made and stopped in-process (tests) leaves nothing frozen behind
        # Close pooled connections when the server stops, rather than leaving them to the GC.
        engine.dispose()

    app = FastAPI(
        title="moqi 默契",
        version=__version__,
        description="Live agent assist for telecom contact centres.",
        lifespan=lifespan,
        docs_url=None,
        redoc_url=None,  # /docs is served offline by moqi.web.docs
    )
    app.state.db = make_sessionmaker(engine)
    app.state.verified_logins = {}
    # On PostgreSQL any number of workers serve the live contacts, joined by LISTEN/NOTIFY.
    app.state.hub = LiveHub(PostgresBus(engine) if engine.dialect.name == "postgresql" else None)
    app.state.sockets = Sockets()
    app.state.writer = BatchWriter(engine, in_commit=app.state.hub.bus.in_commit)
    app.state.asr = LiveRecognition()  # loaded on the first live audio stream
    install_problem_handlers(app)
    # Added innermost first: the security headers go on every answer, refusals included.
    app.add_middleware(RequestGuard)
    app.add_middleware(SameOrigin)
    app.add_middleware(SecurityHeaders)

    # The portal's content files are checked now: a broken one stops the start, naming itself.
    portal_content.shipped()
    portal_content.shipped_faults()
    app.add_api_route("/api/health", health, methods=["GET"], tags=["meta"])
    routers = (
        docs.router,
        accounts_router,
        admin_router,
        admin_pages,
        assist_router,
        quality_router,
        live_router,
        voice_router,
        assist_pages,
        experiments_router,  # before the knowledge routes: /knowledge/{kind} would take its paths
        experiments_pages,
        knowledge_router,
        knowledge_pages,
        tickets_router,
        desk_pages,
        outbox_router,
        outbox_pages,
        experts_router,
        experts_pages,
        workforce_router,
        workforce_pages,
        channels_router,
        channel_webhooks,
        webchat_router,
        portal_pages,
        social_router,
        channel_pages,
        insight_router,
        insight_pages,
        roleplay_router,
        roleplay_pages,
        training_router,
        training_pages,
        research_pages,
    )
    for router in routers:
        app.include_router(router)
    app.mount("/static", StaticFiles(directory=STATIC), name="static")
    app.mount(docs.ASSETS_URL, docs.assets(), name="static-docs")
    return app
