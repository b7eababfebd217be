"""`moqi serve`: the HTTP API (FastAPI under uvicorn)."""

from __future__ import annotations

from typing import Annotated

import typer

SHUTDOWN_GRACE_S = 10


def serve(
    host: Annotated[str, typer.Option(help="Address to listen on.")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="Port to listen on.")] = 8000,
) -> None:
    """Serve moqi's API; the database is created on first use."""
    import uvicorn

    from moqi.app import create_app
    from moqi.cli.common import open_database
    from moqi.web.logs import uvicorn_log_config

    open_database()
    typer.echo(f"moqi is serving on http://{host}:{port}/  (API docs: http://{host}:{port}/docs)")
    # A request that never finishes (a client that stops sending its body) must not keep the
    # server from stopping: after this many seconds the rest are cancelled, and what the live
    # writer holds is committed as the app shuts down.
    # The access log masks personal data in request targets (a phone number searched for).
    uvicorn.run(
        create_app(),
        host=host,
        port=port,
        log_level="info",
        timeout_graceful_shutdown=SHUTDOWN_GRACE_S,
        log_config=uvicorn_log_config(),
    )
