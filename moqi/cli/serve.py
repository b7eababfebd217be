"""`moqi serve`: the HTTP API (FastAPI under uvicorn), in one process or several."""

from __future__ import annotations

import threading
import time
import urllib.error
import urllib.request
from typing import Annotated

import typer

SHUTDOWN_GRACE_S = 10
MAX_WORKERS = 64
STARTUP_WAIT_S = 180


def _announce_when_up(host: str, port: int, line: str) -> None:
    """Print where moqi serves once it answers there, not before: a URL opened too early
    only shows the browser's connection error."""
    local = "127.0.0.1" if host in ("0.0.0.0", "::", "") else host
    url = f"http://{'[' + local + ']' if ':' in local else local}:{port}/api/health"
    deadline = time.monotonic() + STARTUP_WAIT_S
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(url, timeout=2):
                break
        except urllib.error.HTTPError:
            break  # it answers (a degraded health is still an answer)
        except OSError:
            time.sleep(0.2)
    else:
        return  # never came up: uvicorn's own log says why
    typer.echo(line)


def serve(
    host: Annotated[str, typer.Option(help="Address to listen on.")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="Port to listen on.")] = 8000,
    workers: Annotated[
        int,
        typer.Option(
            min=1,
            max=MAX_WORKERS,
            help="Worker processes (PostgreSQL only: any worker serves any live contact).",
        ),
    ] = 1,
) -> None:
    """Serve moqi's API; the database is created on first use."""
    import uvicorn

    from moqi.cli.common import fail, open_database
    from moqi.settings import get_settings
    from moqi.web.logs import uvicorn_log_config

    settings = get_settings()
    if workers > 1 and not settings.db_url.startswith("postgresql"):
        fail(
            "SQLite serves live contacts from one process: run one worker, or set "
            "MOQI_DATABASE_URL to a PostgreSQL database for more (docs/deployment.md)"
        )
    open_database().kw["bind"].dispose()  # created or checked; each worker opens its own
    from moqi.errors import Invalid
    from moqi.service.outbox.gateway import gateway_from_settings

    try:
        gateway_from_settings(settings)  # a webhook without its URL or secret stops here
    except Invalid as exc:
        fail(str(exc))
    announce = f"moqi is serving on http://{host}:{port}/ with {workers} worker{'s' * (workers > 1)}  (API docs: http://{host}:{port}/docs)"
    threading.Thread(target=_announce_when_up, args=(host, port, announce), daemon=True).start()
    # A request that never finishes (a client that stops sending its body) must not keep the
    # server from stopping: after this many seconds the rest are cancelled, and what the live
    # writer holds is committed as the app shuts down.
    # The access log masks personal data in request targets (a phone number searched for).
    uvicorn.run(
        "moqi.app:create_app",
        factory=True,
        host=host,
        port=port,
        workers=workers,
        log_level="info",
        timeout_graceful_shutdown=SHUTDOWN_GRACE_S,
        log_config=uvicorn_log_config(),
    )
