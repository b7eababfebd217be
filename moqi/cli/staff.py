"""`moqi staff erlang`: agents needed for one slot (Erlang C), or what a given staffing achieves."""

from __future__ import annotations

import json
import math
from typing import Annotated

import typer

from moqi.cli.common import fail
from moqi.workforce import erlang, erlang_a

app = typer.Typer(help="Workforce planning.", no_args_is_help=True)


@app.command("erlang")
def erlang_slot(
    calls: Annotated[float, typer.Option(help="Calls offered in the interval.")],
    interval_s: Annotated[float, typer.Option("--interval-s", help="Interval length in seconds (e.g. 1800).")],
    aht_s: Annotated[float, typer.Option("--aht-s", help="Average handle time in seconds.")],
    target_sl: Annotated[float, typer.Option("--target-sl", help="Target share answered within the threshold, e.g. 0.8.")] = 0.8,
    threshold_s: Annotated[float, typer.Option("--threshold-s", help="Service-level threshold in seconds, e.g. 20.")] = 20.0,
    agents: Annotated[int | None, typer.Option(help="Evaluate this staffing instead of finding the minimum.")] = None,
    patience_s: Annotated[float | None, typer.Option("--patience-s", help="Mean caller patience in seconds: Erlang A (with abandonment).")] = None,
    sl_definition: Annotated[str, typer.Option("--sl-definition", help="With abandonment: offered (default), answered, short_abandons_excluded.")] = erlang_a.DEFAULT_SL,
    max_occupancy: Annotated[float, typer.Option("--max-occupancy", help="Cap on agent occupancy (0–1].")] = 1.0,
    shrinkage: Annotated[float, typer.Option(help="Share of paid time not on the phones (breaks, training), 0–1.")] = 0.0,
    as_json: Annotated[bool, typer.Option("--json", help="One JSON object.")] = False,
) -> None:
    """One slot: Erlang C, or Erlang A when --patience-s is given; the service-level definition is shown beside every figure."""
    if not 0 <= shrinkage < 1:
        fail("--shrinkage must be in [0, 1)")
    try:
        if patience_s is not None:
            result = erlang_a.evaluate(calls, interval_s, aht_s, agents, threshold_s, patience_s, sl_definition) if agents is not None else erlang_a.required_agents(calls, interval_s, aht_s, target_sl, threshold_s, patience_s, sl_definition)
            out = {**result.as_dict(), "model": "erlang_a"}
        else:
            result = erlang.evaluate(calls, interval_s, aht_s, agents, threshold_s) if agents is not None else erlang.required_agents(calls, interval_s, aht_s, target_sl, threshold_s, max_occupancy)
            out = {**result.as_dict(), "model": "erlang_c", "service_level_definition": erlang_a.SL_DEFINITIONS["offered"]}
    except ValueError as exc:
        fail(str(exc))
    out["rostered_agents"] = math.ceil(result.agents / (1 - shrinkage))
    if as_json:
        print(json.dumps(out, ensure_ascii=False))
        return
    asa = f"{result.asa_s:.1f} s" if math.isfinite(result.asa_s) else "∞ (queue unstable)"
    typer.echo(f"traffic {result.traffic_erlangs:.2f} Erlangs → {result.agents} agents on the phones ({out['rostered_agents']} rostered at {shrinkage:.0%} shrinkage)")
    abandon = f" · abandon {result.abandon:.1%}" if out["abandon"] is not None else ""
    typer.echo(f"{out['model']}: service level {result.service_level:.2%} within {threshold_s:g} s ({out['service_level_definition']}) · ASA {asa} · occupancy {result.occupancy:.1%}{abandon} · P(wait) {result.wait_probability:.1%}")
