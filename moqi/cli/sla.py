"""`moqi sla due`: when N working minutes from a start fall due on a business-hours calendar."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer

from moqi.cli.common import fail

app = typer.Typer(help="Service-level clocks on business-hours calendars.", no_args_is_help=True)


@app.command("due")
def due(
    calendar: Annotated[
        Path,
        typer.Option(
            "--calendar",
            help='Calendar YAML: timezone, week {mon: ["09:00-12:00", …]}, holidays [dates], workdays {date: [periods]} (调休).',
        ),
    ],
    start: Annotated[str, typer.Option("--start", help="ISO 8601 time with offset.")],
    minutes: Annotated[float, typer.Option("--minutes", help="Working minutes to run.")],
    pause: Annotated[
        list[str] | None,
        typer.Option(
            "--pause", help="FROM/TO (ISO 8601 with offsets) when the clock stops; repeat."
        ),
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help='Print {"due": "<ISO 8601>"}.')] = False,
) -> None:
    """The due time: work time runs only inside opening periods and outside pauses; a due time
    at a period's end stays there; seconds are kept."""
    import yaml

    from moqi.nlp.decode import NotText, decode_text
    from moqi.service.calendar import CalendarError, parse_calendar, parse_instant, parse_pause

    try:
        doc = yaml.safe_load(decode_text(calendar.read_bytes()))
    except FileNotFoundError:
        fail(f"{calendar}: no such file")
    except IsADirectoryError:
        fail(f"{calendar}: is a directory, not a calendar")
    except NotText as exc:
        fail(f"{calendar}: {exc}")
    except yaml.YAMLError as exc:
        fail(f"{calendar}: not valid YAML ({str(exc).splitlines()[0]})")
    try:
        hours = parse_calendar(doc)
    except CalendarError as exc:
        fail(f"{calendar}: {exc}")
    try:
        at = hours.due(
            parse_instant(start, "start"), minutes, [parse_pause(p) for p in pause or ()]
        )
    except CalendarError as exc:
        fail(str(exc))
    typer.echo(json.dumps({"due": at.isoformat()}) if as_json else at.isoformat())
