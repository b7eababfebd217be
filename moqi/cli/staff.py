"""`moqi staff`: one slot by Erlang (`erlang`), ACD import (`import`), a week's plan (`plan`), demo data (`demo`)."""

from __future__ import annotations

import json
import math
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from moqi.cli.common import database_session, fail, in_transaction, now
from moqi.workforce import service_level

if TYPE_CHECKING:
    from moqi.workforce import limits

app = typer.Typer(help="Workforce planning.", no_args_is_help=True)


@app.command("erlang")
def erlang_slot(
    calls: Annotated[float, typer.Option(help="Calls offered in the interval.")],
    interval_s: Annotated[
        float, typer.Option("--interval-s", help="Interval length in seconds (e.g. 1800).")
    ],
    aht_s: Annotated[float, typer.Option("--aht-s", help="Average handle time in seconds.")],
    target_sl: Annotated[
        float,
        typer.Option("--target-sl", help="Target share answered within the threshold, e.g. 0.8."),
    ] = 0.8,
    threshold_s: Annotated[
        float, typer.Option("--threshold-s", help="Service-level threshold in seconds, e.g. 20.")
    ] = 20.0,
    agents: Annotated[
        int | None, typer.Option(help="Evaluate this staffing instead of finding the minimum.")
    ] = None,
    patience_s: Annotated[
        float | None,
        typer.Option(
            "--patience-s", help="Mean caller patience in seconds: Erlang A (with abandonment)."
        ),
    ] = None,
    sl_definition: Annotated[
        str,
        typer.Option(
            "--sl-definition",
            help="With abandonment: offered (default), answered, short_abandons_excluded.",
        ),
    ] = service_level.DEFAULT_SL,
    max_occupancy: Annotated[
        float, typer.Option("--max-occupancy", help="Cap on agent occupancy (0–1].")
    ] = 1.0,
    shrinkage: Annotated[
        float, typer.Option(help="Share of paid time not on the phones (breaks, training), 0–1.")
    ] = 0.0,
    as_json: Annotated[bool, typer.Option("--json", help="One JSON object.")] = False,
) -> None:
    """One slot: Erlang C, or Erlang A when --patience-s is given; the service-level definition is shown beside every figure."""
    from moqi.workforce import erlang, erlang_a, limits

    _check(
        (calls, limits.CALLS, "--calls"),
        (interval_s, limits.INTERVAL_S, "--interval-s"),
        (aht_s, limits.AHT_S, "--aht-s"),
        (target_sl, limits.TARGET_SL, "--target-sl"),
        (threshold_s, limits.THRESHOLD_S, "--threshold-s"),
        (agents, limits.AGENTS, "--agents"),
        (patience_s, limits.PATIENCE_S, "--patience-s"),
        (max_occupancy, limits.MAX_OCCUPANCY, "--max-occupancy"),
        (shrinkage, limits.SHRINKAGE, "--shrinkage"),
    )
    _check((calls * aht_s / interval_s, limits.TRAFFIC_ERLANGS, "--calls × --aht-s / --interval-s"))
    result: erlang_a.StaffingA | erlang.Staffing
    try:
        if patience_s is not None:
            result = (
                erlang_a.evaluate(
                    calls, interval_s, aht_s, agents, threshold_s, patience_s, sl_definition
                )
                if agents is not None
                else erlang_a.required_agents(
                    calls, interval_s, aht_s, target_sl, threshold_s, patience_s, sl_definition
                )
            )
            out = {**result.as_dict(), "model": "erlang_a"}
        else:
            result = (
                erlang.evaluate(calls, interval_s, aht_s, agents, threshold_s)
                if agents is not None
                else erlang.required_agents(
                    calls, interval_s, aht_s, target_sl, threshold_s, max_occupancy
                )
            )
            out = {
                **result.as_dict(),
                "model": "erlang_c",
                "service_level_definition": service_level.SL_DEFINITIONS["offered"],
            }
    except ValueError as exc:
        fail(str(exc))
    out["rostered_agents"] = math.ceil(result.agents / (1 - shrinkage))
    if as_json:
        print(json.dumps(out, ensure_ascii=False))
        return
    asa = f"{result.asa_s:.1f} s" if math.isfinite(result.asa_s) else "∞ (queue unstable)"
    typer.echo(
        f"traffic {result.traffic_erlangs:.2f} Erlangs → {result.agents} agents on the phones ({out['rostered_agents']} rostered at {shrinkage:.0%} shrinkage)"
    )
    abandon = (  # Erlang A only: Erlang C has nobody give up (its "abandon" is None)
        f" · abandon {result.abandon:.1%}" if isinstance(result, erlang_a.StaffingA) else ""
    )
    typer.echo(
        f"{out['model']}: service level {result.service_level:.2%} within {threshold_s:g} s ({out['service_level_definition']}) · ASA {asa} · occupancy {result.occupancy:.1%}{abandon} · P(wait) {result.wait_probability:.1%}"
    )


@app.command("import")
def import_file(
    file: Annotated[
        Path, typer.Argument(help="ACD interval export: .csv (UTF-8 or GBK) or .xlsx.")
    ],
    queue: Annotated[str, typer.Option(help="Queue (skill group) the intervals belong to.")],
    threshold_s: Annotated[
        int | None,
        typer.Option(
            "--threshold-s",
            help="Service-level threshold, when the header does not say (e.g. 20秒内接通).",
        ),
    ] = None,
    interval_min: Annotated[
        int | None,
        typer.Option("--interval-min", help="15 or 30; read from the file when omitted."),
    ] = None,
) -> None:
    """Store an ACD interval file in the database: every row is checked first, nothing is stored on any error."""
    from moqi.workforce import limits, services
    from moqi.workforce.acd import AcdError

    _check((threshold_s, limits.ACD_THRESHOLD_S, "--threshold-s"))
    data = _read(file)
    try:
        with database_session() as session:
            summary = services.import_acd(
                session,
                data,
                file.name,
                queue,
                "cli",
                threshold_s=threshold_s,
                interval_min=interval_min,
            )
    except AcdError as exc:
        fail(f"{file.name} 未导入：{exc}")
    typer.echo(
        f"已导入 {summary.rows} 个时段到队列“{summary.queue}”：{summary.first_start:%Y-%m-%d %H:%M} 至 {summary.last_start:%Y-%m-%d %H:%M}，"
        f"{summary.interval_min} 分钟时段，门限 {summary.threshold_s} 秒（批次 {summary.import_id}）"
    )


@app.command("plan")
def plan(
    file: Annotated[
        Path | None,
        typer.Argument(
            help="ACD interval export (.csv/.xlsx) to plan from; omit with --queue to use stored data."
        ),
    ] = None,
    queue: Annotated[
        str | None, typer.Option(help="Plan from this stored queue instead of a file.")
    ] = None,
    target_sl: Annotated[
        float, typer.Option("--target-sl", help="Target share answered within the threshold.")
    ] = 0.8,
    threshold_s: Annotated[
        int | None,
        typer.Option(
            "--threshold-s", help="Service-level threshold in seconds (default: the file's)."
        ),
    ] = None,
    patience_s: Annotated[
        float | None,
        typer.Option("--patience-s", help="Mean caller patience: Erlang A; without it Erlang C."),
    ] = None,
    sl_definition: Annotated[
        str,
        typer.Option(
            "--sl-definition", help="offered (default), answered, short_abandons_excluded."
        ),
    ] = service_level.DEFAULT_SL,
    shrinkage: Annotated[
        float,
        typer.Option(
            help="Share of rostered time not on the phones besides the rostered breaks, 0–1."
        ),
    ] = 0.0,
    weeks_back: Annotated[
        int, typer.Option("--weeks-back", help="Weeks of the same weekday the forecast averages.")
    ] = 6,
    held_back_weeks: Annotated[
        int,
        typer.Option(
            "--held-back-weeks", help="Last weeks held back to measure the forecast error."
        ),
    ] = 2,
    rules: Annotated[
        Path | None,
        typer.Option(
            help="Roster rules YAML (default: the database's for --queue, the shipped file for FILE)."
        ),
    ] = None,
    holidays: Annotated[
        Path | None,
        typer.Option(
            help="Holiday list YAML (default: the database's for --queue, the shipped file for FILE)."
        ),
    ] = None,
    time_limit_s: Annotated[
        float | None,
        typer.Option("--time-limit-s", help="Roster solver time limit (default: the rules')."),
    ] = None,
    simulate_days: Annotated[
        int, typer.Option("--simulate-days", help="Plan days to check by simulation (0–7).")
    ] = 1,
    seed: Annotated[int, typer.Option(help="Simulation seed.")] = 1,
    as_json: Annotated[bool, typer.Option("--json", help="One JSON object.")] = False,
) -> None:
    """KPIs and balance of the history, forecast error, next week's requirement, roster with under/over per slot, simulation check."""
    from moqi.workforce import acd_parse, calendar, limits, plan_text, roster_rules, services
    from moqi.workforce.plan import PlanOptions, make_plan, plan_as_dict

    if (file is None) == (queue is None):
        fail("give either an ACD FILE or --queue NAME")
    _check(
        (target_sl, limits.TARGET_SL, "--target-sl"),
        (threshold_s, limits.ACD_THRESHOLD_S, "--threshold-s"),
        (patience_s, limits.PATIENCE_S, "--patience-s"),
        (shrinkage, limits.SHRINKAGE, "--shrinkage"),
        (weeks_back, limits.WEEKS_BACK, "--weeks-back"),
        (held_back_weeks, limits.HELD_BACK_WEEKS, "--held-back-weeks"),
        (time_limit_s, limits.TIME_LIMIT_S, "--time-limit-s"),
        (simulate_days, limits.SIMULATE_DAYS, "--simulate-days"),
    )
    try:
        options = PlanOptions(
            target_sl,
            threshold_s,
            patience_s,
            sl_definition,
            shrinkage,
            weeks_back,
            held_back_weeks,
            time_limit_s,
            simulate_days,
            seed,
        )
        options.check()
        # Given files win; otherwise a FILE is planned with the shipped documents and a --queue
        # with the database's (what /workforce uses; docs/workforce.md says how to replace them).
        rule_set = roster_rules.load_rules(rules) if rules else None
        days_off = calendar.load_holidays(holidays) if holidays else None
    except (ValueError, OSError) as exc:
        fail(str(exc))
    raw = _read(file) if file is not None else b""
    try:
        if file is not None:
            data = acd_parse.parse(raw, file.name, threshold_s=threshold_s)
            result = make_plan(
                list(data.intervals),
                data.interval_min,
                data.threshold_s,
                days_off or calendar.load_holidays(),
                rule_set or roster_rules.load_rules(),
                options,
            )
        elif queue is not None:  # always, here: exactly one of FILE and --queue is given
            from moqi.workforce import documents

            with database_session() as session:
                result = services.plan_queue(
                    session,
                    queue,
                    days_off or documents.holidays(session),
                    rule_set or documents.roster_rules(session),
                    options,
                )
    except (ValueError, LookupError, RuntimeError) as exc:
        fail(str(exc).strip("'\""))
    if as_json:
        print(json.dumps(plan_as_dict(result), ensure_ascii=False))
        return
    typer.echo(plan_text.render(result))


@app.command("document")
def document(
    name: Annotated[str, typer.Argument(help="holidays, roster_rules or acd_columns.")],
    file: Annotated[
        Path | None,
        typer.Argument(
            help="A new version (YAML, as the shipped file); omit to print the one in force."
        ),
    ] = None,
    by: Annotated[str, typer.Option(help="Who replaces it (kept with the version).")] = "cli",
) -> None:
    """Print a run-time document in force, or replace it with FILE (checked first; nothing is
    kept on error): a new year's 放假安排, the centre's roster rules, another ACD's column names."""
    from moqi.workforce import documents

    if file is None:
        typer.echo(in_transaction(lambda s: documents.text(s, name).text), nl=False)
        return
    data = _read(file)
    version = in_transaction(lambda s: documents.save(s, name, data, by=by, now=now()))
    typer.echo(f"{documents.LABELS.get(name, name)}：已保存为第 {version} 版，即时生效")


@app.command("demo")
def demo(
    out: Annotated[Path, typer.Argument(help="File to write: .csv or .xlsx.")],
    weeks: Annotated[int, typer.Option(help="Weeks of history.")] = 8,
    start: Annotated[
        str | None,
        typer.Option(help="First day, YYYY-MM-DD (default: the Monday `weeks` weeks ago)."),
    ] = None,
    interval_min: Annotated[int, typer.Option("--interval-min", help="15 or 30.")] = 30,
    peak_calls: Annotated[
        float, typer.Option("--peak-calls", help="Calls in the busiest 30 minutes.")
    ] = 1200,
    seed: Annotated[int, typer.Option(help="Random seed.")] = 10086,
) -> None:
    """Write a synthetic, seeded ACD export of a 10086-like hotline (peaks at 9:00 and 20:00)."""
    from datetime import date

    from moqi.workforce import demo as demo_data
    from moqi.workforce import limits

    if not 1 <= weeks <= 104:
        fail("--weeks must be 1–104")
    _check((peak_calls, limits.CALLS, "--peak-calls"))
    try:
        first = date.fromisoformat(start) if start else demo_data.default_start(weeks, now().date())
        rows = demo_data.generate(first, weeks, interval_min, peak_calls, seed)
    except ValueError as exc:
        fail(str(exc))
    if out.suffix.lower() == ".xlsx":
        out.write_bytes(demo_data.to_xlsx(rows))
    elif out.suffix.lower() == ".csv":
        out.write_text(demo_data.to_csv(rows), encoding="utf-8")
    else:
        fail("the output file must end in .csv or .xlsx")
    typer.echo(f"wrote {len(rows)} intervals ({weeks} weeks from {first}) to {out}")


def _check(*options: tuple[float | None, limits.Bound, str]) -> None:
    """Each given option inside its bound (from `moqi.workforce.limits`), or one line naming the first that is not."""

    for value, bound, option in options:
        if value is not None and value not in bound:
            fail(bound.message(value, option))


def _read(file: Path) -> bytes:
    try:
        return file.read_bytes()
    except OSError as exc:
        fail(f"cannot read {file}: {exc.strerror}")
