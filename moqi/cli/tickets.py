"""`moqi tickets`: the service desk from the command line.

moqi tickets list [--queue all|breaching] [--status S] [--json]
moqi tickets show ID [--json]
moqi tickets sweep        # raise the SLA warnings, breaches and callbacks due now (the server
                          # does this every MOQI_DESK_SWEEP_SECONDS; this is for cron or a check)
"""

from __future__ import annotations

import json
from typing import Annotated

import typer

from moqi.cli.common import fail, in_transaction, now

app = typer.Typer(help="Tickets: queues, one ticket, the SLA sweep.", no_args_is_help=True)


def _clock(t: dict) -> str:
    return " ".join(f"{c['label']}{c['minutes_left']:+d}分" for c in t["clocks"]) or "—"


@app.command("list")
def list_tickets(
    queue: Annotated[str, typer.Option(help="all, or breaching (a clock due within 2 h).")] = "all",
    status: Annotated[
        str | None, typer.Option(help="Only this status: open, waiting, resolved, closed.")
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print a JSON list.")] = False,
) -> None:
    """Tickets, the most urgent first."""
    from moqi.service import queues

    if queue not in ("all", "breaching"):
        fail("--queue must be all or breaching")
    if status not in (None, "open", "waiting", "resolved", "closed"):
        fail("--status must be open, waiting, resolved or closed")
    rows = in_transaction(
        lambda s: queues.listing(s, queue=queue, username="", team="", status=status, now=now())
    )
    if as_json:
        typer.echo(json.dumps(rows, ensure_ascii=False, indent=1))
        return
    for t in rows:
        typer.echo(
            f"{t['id']:>6}  {t['kind_label']}/{t['priority_label']}  {t['status_label']:<5}  "
            f"{t['owner']:<12}  {_clock(t):<24}  {t['title'][:40]}"
        )
    if not rows:
        typer.echo("no tickets")


@app.command("show")
def show(
    ticket_id: int,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
) -> None:
    """One ticket with its history."""
    from moqi.service import queues, tickets

    def work(s):
        ticket = tickets.get(s, ticket_id)
        return {**queues.as_dict(ticket, now()), "history": queues.history(s, ticket)}

    t = in_transaction(work)
    if as_json:
        typer.echo(json.dumps(t, ensure_ascii=False, indent=1))
        return
    typer.echo(f"#{t['id']} {t['title']}")
    typer.echo(
        f"{t['kind_label']} · {t['priority_label']} · {t['status_label']} · 责任人 {t['owner']}"
        f" · 处理人 {t['assignee']} · {_clock(t)}"
    )
    for e in t["history"]:
        change = f"{e['field']}: {e['old']} → {e['new']}" if e["kind"] == "change" else e["new"]
        typer.echo(
            f"  {e['at'][:16].replace('T', ' ')}  {e['actor']:<10} {e['kind']:<8} {change} {e['body']}"
        )


@app.command("sweep")
def sweep() -> None:
    """Raise what is due now: SLA warnings and breaches, promise surveys, survey callbacks."""
    from moqi.service import sweep as desk
    from moqi.settings import get_settings

    counts = in_transaction(lambda s: desk.sweep(s, now=now(), link_base=get_settings().public_url))
    typer.echo(", ".join(f"{k} {v}" for k, v in counts.items()))
