"""`moqi serve`: the HTTP API (FastAPI under uvicorn)."""

from __future__ import annotations

from typing import Annotated

import typer


def serve(
    host: Annotated[str, typer.Option(help="Address to listen on.")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="Port to listen on.")] = 8000,
) -> None:
    """Serve moqi's API; the database is created on first use."""
    import uvicorn

    from moqi.app import create_app
    from moqi.cli.common import open_database

    open_database()
    typer.echo(f"moqi is serving on http://{host}:{port}/  (API docs: http://{host}:{port}/docs)")
    uvicorn.run(create_app(), host=host, port=port, log_level="info")
