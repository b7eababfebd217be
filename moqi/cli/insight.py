"""`moqi insight`: the service competitiveness index from a word-of-mouth survey (`index`),
satisfaction and NPS by agent, team, reason, channel, region, brand or week (`satisfaction`),
and ratings imported from the IVR's post-call survey (`import-ratings`), and the KPI board
(`kpis`)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer

from moqi.cli.common import fail, in_transaction, now
from moqi.errors import Invalid

# The insight modules load scipy: imported by the commands that use them, so that `moqi --help`
# stays quick (tests/cli/test_startup.py).

app = typer.Typer(help="Experience analytics.", no_args_is_help=True)


def _rows(path: Path) -> list[list[object]]:
    from moqi.nlp.table import read_table

    try:
        data = path.read_bytes()
    except OSError as exc:
        fail(f"cannot read {path}: {exc.strerror or exc}")
    return read_table(data, path.name)


@app.command("index")
def index(
    survey: Annotated[
        Path, typer.Option(help="Survey CSV/XLSX: operator, choice [, weight, region, wave].")
    ],
    bases: Annotated[Path, typer.Option(help="CSV/XLSX of operator,subscribers.")],
    us: Annotated[str, typer.Option(help="Our operator, as the survey names it (e.g. 中国联通).")],
    wave: Annotated[
        str | None, typer.Option(help="Only this wave (the survey's wave column).")
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print one JSON object.")] = False,
) -> None:
    """The service competitiveness index (服务竞争力指数) and its retention and market parts."""
    from moqi.insight.report import index_answer, index_for, index_text

    try:
        result, change, series = index_for(_rows(survey), _rows(bases), us, wave)
    except Invalid as exc:
        fail(str(exc))
    if as_json:
        typer.echo(json.dumps(index_answer(result, change, series, wave), ensure_ascii=False))
        return
    typer.echo(index_text(result, wave=wave, change=change))
    for name, item, step in series:
        moved = "" if step is None else f"，较上一波 {step.index.value:+.1f} 点"
        typer.echo(f"  波次 {name}：指数 {item.index.value:.1f}（{item.n} 人）{moved}")


def _moment(text: str | None, name: str):
    from datetime import datetime

    from moqi.insight.ratings_table import CHINA

    if text is None:
        return None
    try:
        value = datetime.fromisoformat(text)
    except ValueError:
        fail(f"{name}: not a date or time: {text!r} (e.g. 2026-12-01)")
    return value if value.tzinfo else value.replace(tzinfo=CHINA)


@app.command("satisfaction")
def satisfaction(
    by: Annotated[
        str, typer.Option(help="agent, team, reason, channel, region, brand or week.")
    ] = "agent",
    since: Annotated[str | None, typer.Option(help="Answers from (ISO date, China time).")] = None,
    until: Annotated[str | None, typer.Option(help="Answers before (ISO date).")] = None,
    channel: Annotated[str | None, typer.Option(help="Only this channel.")] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print one JSON object.")] = False,
) -> None:
    """Satisfaction (1–5), the share satisfied (4–5) and the NPS (0–10), with 95% intervals."""
    from moqi.insight import services
    from moqi.insight.report import group_json, group_text

    start, end = _moment(since, "--since"), _moment(until, "--until")
    everyone, groups = in_transaction(
        lambda s: services.satisfaction(s, by=by, since=start, until=end, channel=channel)
    )
    if as_json:
        out = {"by": by, "all": group_json(everyone), "groups": [group_json(g) for g in groups]}
        typer.echo(json.dumps(out, ensure_ascii=False))
        return
    typer.echo(group_text(everyone))
    for group in groups:
        typer.echo(group_text(group))


@app.command("import-ratings")
def import_ratings(
    file: Annotated[Path, typer.Argument(help="CSV/XLSX: contact, satisfaction, recommend, …")],
    source: Annotated[str, typer.Option(help="ivr, sms or import.")] = "ivr",
) -> None:
    """Keep the ratings of a post-call survey export: every row, or none when one is bad."""
    from moqi.insight import services
    from moqi.insight.ratings_table import read_ratings

    try:
        rows = read_ratings(_rows(file))
    except Invalid as exc:
        fail(str(exc))
    kept = in_transaction(lambda s: services.import_ratings(s, rows, source=source, now=now()))
    typer.echo(f"kept {kept} ratings from {file.name}")


@app.command("kpis")
def kpis_board(
    since: Annotated[
        str | None, typer.Option(help="From (ISO date or time, China time); default 8 weeks ago.")
    ] = None,
    until: Annotated[
        str | None, typer.Option(help="Before (ISO date or time); default now.")
    ] = None,
    by: Annotated[
        str | None, typer.Option(help="Also split by team, region, brand or week.")
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print one JSON object.")] = False,
) -> None:
    """The KPI board: each KPI's value, target, status and numerator ÷ denominator."""
    from datetime import timedelta

    from moqi.insight import kpi_view, kpis
    from moqi.insight.kpi_defs import shipped

    end = _moment(until, "--until") or now()
    start = _moment(since, "--since") or end - timedelta(weeks=8)
    board = in_transaction(lambda s: kpis.board(s, since=start, until=end, by=by))
    if as_json:
        out = {"since": start.isoformat(), "until": end.isoformat(), "by": by, "kpis": board}
        typer.echo(json.dumps(out, ensure_ascii=False))
        return
    sign = {d.name: "≥" if d.direction == "higher" else "≤" for d in shipped().values()}
    for line in kpi_view.rows(board)[1:]:
        name, group, value, unit, status, target, _, num, den, n, note, _ = line
        shown = f"{value}{unit}" if value != "" else "—"
        parts = f"{num} ÷ {den}" if num != "" and den != "" else note
        label = name if group == "全部" else f"  {group or '（未填）'}"
        typer.echo(
            f"{label}：{shown} {status}（目标 {sign[str(name)]}{target}{unit}）{parts}  样本 {n}".rstrip()
        )


# The fixed customer panel and journey research (moqi/cli/insight_research.py).
from moqi.cli.insight_research import journey, panel_app  # noqa: E402

app.add_typer(panel_app, name="panel")
app.command("journey")(journey)
