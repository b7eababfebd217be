"""`moqi outbox`: read the messages to customers and deliver the due ones now.

moqi outbox list [--status pending|sending|sent|failed] [--limit N] [--json]
moqi outbox show ID [--json]
moqi outbox send          # through the gateway MOQI_GATEWAY names; prints the counts
"""

from __future__ import annotations

import json
from typing import Annotated

import typer

from moqi.cli.common import fail, now, open_database

app = typer.Typer(help="Messages to customers: the outbox and its gateway.", no_args_is_help=True)


def _read(work):
    """Run `work(session, services)` in one transaction; a domain error becomes one line."""
    from moqi.db import session_scope
    from moqi.errors import MoqiError
    from moqi.service.outbox import services

    factory = open_database()
    try:
        with session_scope(factory) as session:
            return work(session, services)
    except MoqiError as exc:
        fail(str(exc))
    finally:
        factory.kw["bind"].dispose()


def _line(m: dict) -> str:
    from moqi.service.outbox.services import CHANNELS, KINDS, STATUSES

    body = m["body"] if len(m["body"]) <= 40 else m["body"][:39] + "…"
    return "  ".join(
        (
            f"{m['id']:>6}",
            m["created_at"][:16].replace("T", " "),
            STATUSES.get(m["status"], m["status"]),
            f"{CHANNELS.get(m['channel'], m['channel'])}/{KINDS.get(m['kind'], m['kind'])}",
            m["recipient"],
            f"{m['attempts']}次",
            body,
        )
    )


@app.command("list")
def list_messages(
    status: Annotated[
        str | None, typer.Option(help="Only this status: pending, sending, sent or failed.")
    ] = None,
    limit: Annotated[int, typer.Option(help="At most this many, newest first (1–1000).")] = 200,
    as_json: Annotated[bool, typer.Option("--json", help="Print a JSON list.")] = False,
) -> None:
    """The newest messages first: time (UTC), status, channel/kind, masked recipient, tries, text."""
    from moqi.service.outbox.schemas import as_dict

    rows = _read(lambda s, svc: [as_dict(r) for r in svc.listing(s, status, limit)])
    if as_json:
        typer.echo(json.dumps(rows, ensure_ascii=False, indent=2))
        return
    if not rows:
        typer.echo("no messages" + (f" with status {status}" if status else ""))
    for m in rows:
        typer.echo(_line(m))


@app.command("show")
def show(
    message_id: Annotated[str, typer.Argument(help="The message's id.")],
    as_json: Annotated[bool, typer.Option("--json", help="Print it as JSON.")] = False,
) -> None:
    """One message with its consent record, tries and last error."""
    from moqi.db.base import MAX_ID
    from moqi.service.outbox.schemas import as_dict

    if not message_id.isascii() or not message_id.isdigit():
        fail(f"an outbox message id is a whole number, not {message_id!r}")
    number = int(message_id)
    if not 1 <= number <= MAX_ID:
        fail(f"no outbox message {number}")
    m = _read(lambda s, svc: as_dict(svc.get(s, number)))
    if as_json:
        typer.echo(json.dumps(m, ensure_ascii=False, indent=2))
        return
    for key, value in m.items():
        typer.echo(f"{key:12} {'' if value is None else value}")


@app.command("send")
def send(
    limit: Annotated[int, typer.Option(help="At most this many messages (1–1000).")] = 100,
) -> None:
    """Deliver the due messages now through the gateway MOQI_GATEWAY names; print the counts."""
    from moqi.errors import MoqiError
    from moqi.service.outbox import services
    from moqi.service.outbox.gateway import gateway_from_settings

    if not 1 <= limit <= services.LIST_MAX:
        fail(f"--limit must be 1–{services.LIST_MAX}, not {limit}")
    try:
        gateway = gateway_from_settings()
    except MoqiError as exc:
        fail(str(exc))
    factory = open_database()
    try:
        counts = services.deliver_once(factory, gateway, now=now(), limit=limit)
    finally:
        factory.kw["bind"].dispose()
    typer.echo(
        f"{gateway.name}: {counts['sent']} sent, {counts['retry']} to retry, "
        f"{counts['failed']} failed, {counts['skipped']} taken by another worker"
    )
