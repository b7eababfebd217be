"""Workforce API shapes (pydantic)."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, Field

SlDefinition = Literal["offered", "answered", "short_abandons_excluded"]


class ErlangRequest(BaseModel):
    """One slot, as `moqi staff erlang` takes it."""

    calls: float = Field(ge=0, le=10_000_000)
    interval_s: float = Field(gt=0, le=86_400)
    aht_s: float = Field(gt=0, le=86_400)
    target_sl: float = Field(0.8, gt=0, lt=1)
    threshold_s: float = Field(20, ge=0, le=3_600)
    patience_s: float | None = Field(None, gt=0)
    agents: int | None = Field(None, ge=1, le=1_000_000)
    sl_definition: SlDefinition = "offered"
    shrinkage: float = Field(0.0, ge=0, lt=1)


class PlanQuery(BaseModel):
    """Plan options for a stored queue (query parameters)."""

    target_sl: float = Field(0.8, gt=0, lt=1)
    threshold_s: int | None = Field(None, ge=1, le=3_600)
    patience_s: float | None = Field(None, gt=0, le=86_400)
    sl_definition: SlDefinition = "offered"
    shrinkage: float = Field(0.0, ge=0, lt=1)
    weeks_back: int = Field(6, ge=1, le=52)
    held_back_weeks: int = Field(2, ge=1, le=12)
    time_limit_s: float = Field(5.0, gt=0, le=60)
    simulate_days: int = Field(1, ge=0, le=7)
    seed: int = Field(1, ge=0, le=2**31 - 1)
