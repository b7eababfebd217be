"""`moqi insight panel …` (the fixed customer panel) and `moqi insight journey` (the
importance × performance ranking of a journey survey file)."""

from __future__ import annotations

import json
from datetime import datetime, time
from pathlib import Path
from typing import Annotated

import typer

from moqi.cli.common import fail, in_transaction, now
from moqi.errors import Invalid

panel_app = typer.Typer(help="The fixed customer panel (固定客户跟踪测评).", no_args_is_help=True)
MAX_FILE = 1024 * 1024


def _rows(path: Path) -> list[list[object]]:
    from moqi.nlp.table import read_table

    try:
        if path.stat().st_size > MAX_FILE:
            fail(f"{path} is over {MAX_FILE // 1024} KB")
        data = path.read_bytes()
    except OSError as exc:
        fail(f"cannot read {path}: {exc.strerror or exc}")
    try:
        return read_table(data, path.name)
    except Invalid as exc:
        fail(str(exc))


@panel_app.command("list")
def panel_list() -> None:
    """The panels: id, name, members, waves."""
    from moqi.insight import services

    for p in in_transaction(services.panel.panels):
        typer.echo(f"{p['id']}  {p['name']}  {p['members']} 人  {p['waves']} 波  {p['segment']}")


@panel_app.command("create")
def panel_create(
    name: Annotated[str, typer.Option(help="The panel's name.")],
    size: Annotated[int, typer.Option(help="How many customers to draw.")],
    seed: Annotated[int, typer.Option(help="The draw's seed (same seed, same members).")] = 1,
    brand: Annotated[str, typer.Option(help="Only this brand (e.g. 全球通).")] = "",
    vip: Annotated[str, typer.Option(help="Only this VIP level.")] = "",
    plan: Annotated[str, typer.Option(help="Plans containing this (e.g. 5G, 宽带).")] = "",
    region: Annotated[str, typer.Option(help="Only this region.")] = "",
    stage: Annotated[str, typer.Option(help="Only this stage.")] = "",
    stratify: Annotated[bool, typer.Option(help="Draw each region in proportion.")] = False,
) -> None:
    """Recruit a panel from a segment of the customers moqi holds."""
    from moqi.insight import services

    segment = {"brand": brand, "vip": vip, "plan": plan, "region": region, "stage": stage}
    made = in_transaction(
        lambda s: services.panel.report(
            s,
            services.panel.create_panel(
                s,
                name=name,
                segment=segment,
                size=size,
                seed=seed,
                stratify=stratify,
                now=now(),
                by="cli",
            ).id,
        )
    )
    typer.echo(f"panel {made['panel']['id']}: {made['members']} members")


@panel_app.command("plan")
def panel_plan(
    panel: Annotated[int, typer.Argument(help="The panel's id.")],
    day: Annotated[str, typer.Option("--date", help="The wave's day (YYYY-MM-DD).")],
) -> None:
    """Plan the panel's next wave."""
    from moqi.insight import services
    from moqi.insight.ratings_table import CHINA

    try:
        when = datetime.combine(datetime.fromisoformat(day).date(), time(9), tzinfo=CHINA)
    except ValueError:
        fail(f"--date: not a day: {day}")
    wave = in_transaction(lambda s: services.panel.plan_wave(s, panel, planned_at=when))
    typer.echo(f"wave {wave.id}: number {wave.number}")


@panel_app.command("start")
def panel_start(
    wave: Annotated[int, typer.Argument(help="The wave's id.")],
    owner: Annotated[list[str], typer.Option(help="A service manager's username (repeat).")],
    days: Annotated[int, typer.Option(help="Days to make the calls.")] = 14,
) -> None:
    """Start a wave: one call-back task per member, shared among the owners."""
    from moqi.insight import services

    made = in_transaction(
        lambda s: services.panel.start_wave(s, wave, owners=owner, now=now(), days=days)
    )
    typer.echo(f"{made} call-back tasks")


@panel_app.command("import")
def panel_import(
    wave: Annotated[int, typer.Argument(help="The wave's id.")],
    file: Annotated[Path, typer.Argument(help="CSV/XLSX: 客户编号 and one column a question.")],
) -> None:
    """Keep a wave's answers from a file: every row, or none when one is bad."""
    from moqi.insight import services
    from moqi.insight.research_tables import read_panel_answers

    table = _rows(file)

    def work(s):
        found = services.panel.get_wave(s, wave)
        rows = read_panel_answers(table, found.questions or services.panel.questionnaire())
        return services.panel.import_answers(s, wave, rows, by="cli", now=now())

    typer.echo(f"kept the answers of {in_transaction(work)} customers")


@panel_app.command("report")
def panel_report(
    panel: Annotated[int, typer.Argument(help="The panel's id.")],
    as_json: Annotated[bool, typer.Option("--json", help="Print one JSON object.")] = False,
) -> None:
    """Response rate and means per wave, and the change between consecutive waves."""
    from moqi.insight import services

    found = in_transaction(lambda s: services.panel.report(s, panel))
    if as_json:
        typer.echo(json.dumps(found, ensure_ascii=False))
        return
    typer.echo(f"{found['panel']['name']} · {found['members']} 位样本客户")
    for line in services.panel.report_rows(found)[1:]:
        wave, item, value, low, high, n, up, same, down = line
        if value != "":
            typer.echo(f"  {wave} {item}：{value:.2f}（{low:.2f}–{high:.2f}）样本 {n}")
        else:
            typer.echo(f"  {wave} {item}：改善 {up} 持平 {same} 变差 {down}（{n} 人）")


def journey(
    answers: Annotated[
        Path, typer.Option(help="CSV/XLSX: 受访者编号, 地区, 品牌, J01_重要度, J01_表现 …")
    ],
    by: Annotated[str | None, typer.Option(help="Also split by region or brand.")] = None,
    core: Annotated[int, typer.Option(help="At most this many core needs.")] = 16,
    save: Annotated[str | None, typer.Option(help="Keep the survey under this name.")] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print one JSON object.")] = False,
) -> None:
    """Journey research: rank the need points by importance × gap and pick the core ones."""
    from moqi.insight import journey as ipa
    from moqi.insight import services
    from moqi.insight.research_tables import read_journey_answers

    if by not in (None, "region", "brand"):
        fail("--by: region or brand")
    table = _rows(answers)
    j = services.journey_research

    def work(s):
        found = read_journey_answers(table, *j.codes(s))
        info = {n.code: n for n in j.needs(s)}
        result = {"by": by, **j.analysis_json(ipa.analyse(found, core=core), info)}
        if by:
            groups = ipa.split(found, by, core=core).items()
            result["groups"] = [{"group": g, **j.analysis_json(a, info)} for g, a in groups]
        if save:
            result["saved"] = j.import_survey(s, save, found, by="cli", now=now()).id
        return result

    result = in_transaction(work)
    if as_json:
        typer.echo(json.dumps(result, ensure_ascii=False))
        return
    for name, part in [("全部", result), *[(g["group"], g) for g in result.get("groups", [])]]:
        small = "（样本少于 30，仅供参考）" if part["small_sample"] else ""
        typer.echo(f"{name} · {part['respondents']} 位受访者{small}")
        for n in part["needs"] if name == "全部" else [n for n in part["needs"] if n["core"]]:
            star = " ★核心" if n["core"] else ""
            typer.echo(
                f"  {n['rank']:>2}. {n['code']} {n['text']}  重要度 {n['importance']:.2f} "
                f"表现 {n['performance']:.2f} 差距 {n['gap']['value']:.2f} {n['quadrant']}{star}"
            )
