"""The bounds of every workforce input, in one place.

The API schemas, the CLI, the ACD import and the algorithms themselves all check against these
records, so a value is accepted everywhere or nowhere, and the numbers are written once. Each
bound is far beyond what a real contact centre sees (the busiest hotline queues take a few
thousand calls per half hour) yet tight enough that every calculation answers in well under a
second: an input past them is refused with a message naming it, never computed for minutes.
Pure: no I/O; `docs/workforce.md` shows the same table.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, replace

import numpy as np

from moqi.errors import Invalid


def _number(value: float) -> str:
    """1,800 / 0.8 / 1e+09: thousands separated, no trailing zeros."""
    return f"{value:,g}" if abs(value) < 1e7 else f"{value:g}"


@dataclass(frozen=True, slots=True)
class Bound:
    """The finite range one input must lie in, and how to name it in an error."""

    name: str  # the field as the API names it (the CLI passes its option name instead)
    label: str  # what it is, in words
    low: float
    high: float
    unit: str = ""
    low_open: bool = False  # True: `low` itself is refused
    high_open: bool = False

    @property
    def text(self) -> str:
        """The range in words: 'between 60 and 86,400 s', 'greater than 0 and less than 1'."""
        unit = f" {self.unit}" if self.unit else ""
        if self.low_open or self.high_open:
            low = (
                f"greater than {_number(self.low)}"
                if self.low_open
                else f"at least {_number(self.low)}"
            )
            high = (
                f"less than {_number(self.high)}"
                if self.high_open
                else f"at most {_number(self.high)}"
            )
            return f"{low} and {high}{unit}"
        return f"between {_number(self.low)} and {_number(self.high)}{unit}"

    def __contains__(self, value: object) -> bool:
        try:
            v = float(value)  # type: ignore[arg-type]
        except (TypeError, ValueError, OverflowError):
            return False
        if not math.isfinite(v):
            return False
        above = v > self.low if self.low_open else v >= self.low
        below = v < self.high if self.high_open else v <= self.high
        return above and below

    def message(self, value: object, name: str | None = None) -> str:
        """The one-line error for a value outside the bound."""
        shown = (
            _number(value)
            if isinstance(value, int | float) and math.isfinite(value)
            else repr(value)
        )
        return f"{name or self.name} ({self.label}) must be {self.text}, not {shown}"

    def check(self, value: object, name: str | None = None) -> float:
        """The value as a float, or Invalid naming the input (NaN and ±inf are never inside)."""
        if value not in self:
            raise Invalid(self.message(value, name))
        return float(value)  # type: ignore[arg-type]

    def check_all(self, values: object, name: str | None = None) -> np.ndarray:
        """Every element of an array inside the bound, or Invalid showing the first one outside."""
        array = np.asarray(values, dtype=float)
        with np.errstate(invalid="ignore"):
            above = array > self.low if self.low_open else array >= self.low
            below = array < self.high if self.high_open else array <= self.high
        bad = ~(np.isfinite(array) & above & below)
        if bad.any():
            raise Invalid(self.message(float(array[bad].flat[0]), name))
        return array


# One slot, as `moqi staff erlang` and POST /api/workforce/erlang take it.
CALLS = Bound("calls", "calls offered in the interval", 0, 100_000)
INTERVAL_S = Bound("interval_s", "interval length", 60, 86_400, "s")
AHT_S = Bound("aht_s", "average handle time", 1, 14_400, "s")
# Erlang C is asked for by leaving the patience out, never by a patience of 0.
PATIENCE_S = Bound("patience_s", "mean caller patience", 1, 86_400, "s")
THRESHOLD_S = Bound("threshold_s", "service-level threshold", 0, 3_600, "s")
TARGET_SL = Bound("target_sl", "target service level", 0, 1, low_open=True, high_open=True)
AGENTS = Bound("agents", "agents on the phones", 1, 100_000)
SHRINKAGE = Bound("shrinkage", "shrinkage", 0, 1, high_open=True)
MAX_OCCUPANCY = Bound("max_occupancy", "occupancy cap", 0, 1, low_open=True)
# The offered load calls × AHT / interval: the fewest agents for any load up to it stay well
# under AGENTS (Erlang C needs the load plus a few hundred), so every search ends inside that.
TRAFFIC_ERLANGS = Bound("calls × aht_s / interval_s", "offered load", 0, 50_000, "Erlangs")

# The formulas stay exact and fast for callers far more patient than any request may say: other
# callers (and the tests) approach Erlang C, where nobody gives up, with a patience of 10⁹ s.
MODEL_PATIENCE_S = replace(PATIENCE_S, high=1e9)

# A plan (`moqi staff plan`, GET /api/workforce/queues/{queue}/plan).
WEEKS_BACK = Bound("weeks_back", "weeks of history the forecast averages", 1, 52)
HELD_BACK_WEEKS = Bound("held_back_weeks", "weeks held back to score the forecast", 1, 12)
SIMULATE_DAYS = Bound("simulate_days", "plan days checked by simulation", 0, 7)
TIME_LIMIT_S = Bound("time_limit_s", "roster solver time limit", 0, 3_600, "s", low_open=True)
# A request holds a server worker while the solver runs, so the API allows less than the CLI.
API_TIME_LIMIT_S = replace(TIME_LIMIT_S, high=60)
SEED = Bound("seed", "simulation seed", 0, 2**31 - 1)
# The size of one simulated run (a plan simulates one day per run). Every call is a SimPy
# process and every agent wakes at every slot boundary: each cap is about half a minute's work.
SIMULATED_CALLS = Bound("calls", "expected calls in one simulation run", 0, 200_000)
SIMULATED_AGENT_SLOTS = Bound("agents × slots", "agent-slots in one simulation run", 0, 500_000)
WARMUP_S = Bound("warmup_s", "simulated warm-up before the first slot", 0, 86_400, "s")

# Roster rules (`moqi/data/workforce/roster_rules.yaml` or --rules FILE): the solver's model
# grows with the number of shift templates, so the steps between them have a floor.
ROSTER_STEP_H = Bound("step_h", "step between shift lengths", 0.25, 16, "h")
ROSTER_START_STEP_MIN = Bound("start_step_min", "step between shift starts", 15, 1_440, "min")
ROSTER_HOURS = Bound("hours", "hours into or before the end of a shift", 0, 16, "h")
ROSTER_BREAK_MIN = Bound("minutes", "break length", 0, 240, "min")
ROSTER_WORKERS = Bound("workers", "solver threads", 1, 64)
ROSTER_COST = Bound("cost", "cost or penalty", 0, 1_000_000)

# An ACD interval file: counts per interval are calls, so they share CALLS' ceiling; an
# interval may have had nobody logged in, and AHT is 0 where nothing was answered.
ACD_THRESHOLD_S = replace(THRESHOLD_S, low=1)
ACD_AGENTS = replace(AGENTS, label="agents logged in", low=0)
# A simulated slot may have nobody on duty.
AGENTS_ON_DUTY = replace(AGENTS, label="agents on duty", low=0)
ACD_AHT_S = replace(AHT_S, low=0)
ACD_ASA_S = Bound("asa_s", "average speed of answer", 0, 86_400, "s")
