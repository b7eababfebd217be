"""Workforce API shapes (pydantic); every bound comes from `limits.py`, shared with the CLI."""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, Field

from moqi.workforce import limits

SlDefinition = Literal["offered", "answered", "short_abandons_excluded"]


def bounded(bound: limits.Bound, default: Any = ..., **extra: Any) -> Any:
    """A pydantic Field holding `bound` (NaN and ±inf refused): the answer is a 422 naming the field."""
    # Field's keyword arguments, one bound each side: typed as **extra is.
    low: dict[str, Any] = {"gt": bound.low} if bound.low_open else {"ge": bound.low}
    high: dict[str, Any] = {"lt": bound.high} if bound.high_open else {"le": bound.high}
    return Field(
        default,
        allow_inf_nan=False,
        description=f"{bound.label}: {bound.text}",
        **low,
        **high,
        **extra,
    )


class ErlangRequest(BaseModel):
    """One slot, as `moqi staff erlang` takes it."""

    calls: float = bounded(limits.CALLS)
    interval_s: float = bounded(limits.INTERVAL_S)
    aht_s: float = bounded(limits.AHT_S)
    target_sl: float = bounded(limits.TARGET_SL, 0.8)
    threshold_s: float = bounded(limits.THRESHOLD_S, 20)
    patience_s: float | None = bounded(limits.PATIENCE_S, None)
    agents: int | None = bounded(limits.AGENTS, None)
    sl_definition: SlDefinition = "offered"
    shrinkage: float = bounded(limits.SHRINKAGE, 0.0)


class PlanQuery(BaseModel):
    """Plan options for a stored queue (query parameters)."""

    target_sl: float = bounded(limits.TARGET_SL, 0.8)
    threshold_s: int | None = bounded(limits.ACD_THRESHOLD_S, None)
    patience_s: float | None = bounded(limits.PATIENCE_S, None)
    sl_definition: SlDefinition = "offered"
    shrinkage: float = bounded(limits.SHRINKAGE, 0.0)
    weeks_back: int = bounded(limits.WEEKS_BACK, 6)
    held_back_weeks: int = bounded(limits.HELD_BACK_WEEKS, 2)
    time_limit_s: float = bounded(limits.API_TIME_LIMIT_S, 5.0)
    simulate_days: int = bounded(limits.SIMULATE_DAYS, 1)
    seed: int = bounded(limits.SEED, 1)


class DocumentIn(BaseModel):
    """A new version of a run-time document: its YAML, as a person would write the file."""

    text: str = Field(min_length=1, max_length=64_000)
