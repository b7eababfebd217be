"""The app factory: builds FastAPI, makes the database engine, includes every capability's router."""

from __future__ import annotations

import gc
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI
from fastapi.staticfiles import StaticFiles
from sqlalchemy import inspect

from moqi import __version__
from moqi.accounts.routes import router as accounts_router
from moqi.assist.live import LiveHub
from moqi.assist.live_routes import router as live_router
from moqi.assist.pages import router as assist_pages
from moqi.assist.routes import router as assist_router
from moqi.assist.services import live_engine
from moqi.assist.writer import BatchWriter
from moqi.db import make_engine, make_sessionmaker
from moqi.knowledge.content_routes import router as knowledge_content_router
from moqi.knowledge.pages import router as knowledge_pages
from moqi.knowledge.routes import router as knowledge_router
from moqi.service.routes import router as tickets_router
from moqi.settings import get_settings
from moqi.web.errors import install_problem_handlers
from moqi.web.templates import STATIC
from moqi.workforce.routes import pages as workforce_pages
from moqi.workforce.routes import router as workforce_router


def create_app(database_url: str | None = None) -> FastAPI:
    """A moqi application bound to `database_url` (default: the settings' database)."""
    engine = make_engine(database_url or get_settings().db_url)

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        # Compile the live engine before the first call arrives, not during it.
        with app.state.db() as session:
            if inspect(engine).has_table("content_revisions"):
                live_engine(session)
        # The engine and content are long-lived: move them out of the collector's way, so
        # full collections during calls scan only what calls create.
        gc.collect()
        gc.freeze()
        gc.set_threshold(20_000, 50, 50)  # fewer, larger young collections on the live path
        yield
        app.state.writer.close()
        # Close pooled connections when the server stops, rather than leaving them to the GC.
        engine.dispose()

    app = FastAPI(title="moqi 默契", version=__version__, description="Live agent assist for telecom contact centres.", lifespan=lifespan)
    app.state.db = make_sessionmaker(engine)
    app.state.verified_logins = {}
    app.state.hub = LiveHub()
    app.state.writer = BatchWriter(app.state.db)
    install_problem_handlers(app)

    @app.get("/api/health", tags=["meta"])
    def health() -> dict:
        return {"status": "ok", "version": __version__}

    for router in (accounts_router, assist_router, live_router, assist_pages, knowledge_router, knowledge_content_router, knowledge_pages, tickets_router, workforce_router, workforce_pages):
        app.include_router(router)
    app.mount("/static", StaticFiles(directory=STATIC), name="static")
    return app
