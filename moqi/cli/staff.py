"""`moqi staff erlang`: agents needed for one slot (Erlang C), or what a given staffing achieves."""

from __future__ import annotations

import json
import math
from typing import Annotated

import typer

from moqi.cli.common import fail
from moqi.workforce import erlang

app = typer.Typer(help="Workforce planning.", no_args_is_help=True)


@app.command("erlang")
def erlang_slot(
    calls: Annotated[float, typer.Option(help="Calls offered in the interval.")],
    interval_s: Annotated[float, typer.Option("--interval-s", help="Interval length in seconds (e.g. 1800).")],
    aht_s: Annotated[float, typer.Option("--aht-s", help="Average handle time in seconds.")],
    target_sl: Annotated[float, typer.Option("--target-sl", help="Target share answered within the threshold, e.g. 0.8.")] = 0.8,
    threshold_s: Annotated[float, typer.Option("--threshold-s", help="Service-level threshold in seconds, e.g. 20.")] = 20.0,
    agents: Annotated[int | None, typer.Option(help="Evaluate this staffing instead of finding the minimum.")] = None,
    max_occupancy: Annotated[float, typer.Option("--max-occupancy", help="Cap on agent occupancy (0–1].")] = 1.0,
    shrinkage: Annotated[float, typer.Option(help="Share of paid time not on the phones (breaks, training), 0–1.")] = 0.0,
    as_json: Annotated[bool, typer.Option("--json", help="One JSON object.")] = False,
) -> None:
    """Erlang C for one slot: service level = answered within the threshold / offered (no abandonment in Erlang C)."""
    if not 0 <= shrinkage < 1:
        fail("--shrinkage must be in [0, 1)")
    try:
        result = erlang.evaluate(calls, interval_s, aht_s, agents, threshold_s) if agents is not None else erlang.required_agents(calls, interval_s, aht_s, target_sl, threshold_s, max_occupancy)
    except ValueError as exc:
        fail(str(exc))
    out = {**result.as_dict(), "rostered_agents": math.ceil(result.agents / (1 - shrinkage)), "model": "erlang_c", "service_level_definition": "answered within threshold / offered"}
    if as_json:
        print(json.dumps(out, ensure_ascii=False))
        return
    asa = f"{result.asa_s:.1f} s" if math.isfinite(result.asa_s) else "∞ (queue unstable)"
    typer.echo(f"traffic {result.traffic_erlangs:.2f} Erlangs → {result.agents} agents on the phones ({out['rostered_agents']} rostered at {shrinkage:.0%} shrinkage)")
    typer.echo(f"service level {result.service_level:.2%} within {threshold_s:g} s (answered within threshold / offered) · ASA {asa} · occupancy {result.occupancy:.1%} · P(wait) {result.wait_probability:.1%}")
