"""Check a staffing plan by discrete-event simulation (SimPy): Poisson arrivals per slot,
exponential handling and patience, one FIFO queue, agents on duty as the plan says per slot.

Agents finish the call they are on when their slot's staffing drops; callers are counted in
the slot they arrive in. Seeded, so a run can be repeated. Pure apart from its own RNG.
Inputs are checked against `limits.py`, and so is the size of a run (expected calls, agents ×
slots), so every run ends within about a minute.
"""

from __future__ import annotations

import random
from collections import deque
from dataclasses import dataclass
from typing import Any

import numpy as np
import simpy

from moqi.workforce import limits


@dataclass(frozen=True, slots=True)
class SlotResult:
    """What one slot's callers experienced in the simulation."""

    offered: int
    answered: int
    abandoned: int
    answered_in_threshold: int
    abandoned_in_threshold: int
    wait_answered_s: float

    @property
    def answer_rate(self) -> float | None:
        return self.answered / self.offered if self.offered else None

    def service_level(self, definition: str) -> float | None:
        base = {
            "offered": self.offered,
            "answered": self.offered - self.abandoned,
            "short_abandons_excluded": self.offered - self.abandoned_in_threshold,
        }[definition]
        return self.answered_in_threshold / base if base else None

    @property
    def abandon_rate(self) -> float | None:
        return self.abandoned / self.offered if self.offered else None

    @property
    def asa_s(self) -> float | None:
        return self.wait_answered_s / self.answered if self.answered else None


def simulate(
    calls: np.ndarray,
    agents: np.ndarray,
    interval_s: float,
    aht_s: np.ndarray | float,
    patience_s: float | None,
    threshold_s: float,
    seed: int = 1,
    warmup_s: float = 0.0,
) -> list[SlotResult]:
    """Simulate consecutive slots; `calls` are expected arrivals per slot, `agents` on duty per slot.

    `warmup_s` runs the first slot's conditions for that long before counting, so a plan checked
    from the middle of a busy day does not start with an empty queue.
    """
    calls = np.asarray(calls, dtype=float)
    # Checked as floats first: NaN or infinity cannot become an integer count of agents.
    on_duty = np.asarray(agents, dtype=float)
    aht = np.broadcast_to(np.asarray(aht_s, dtype=float), calls.shape)
    if calls.shape != on_duty.shape or calls.ndim != 1:
        raise ValueError("calls and agents must be one value per slot")
    _check(calls, on_duty, interval_s, aht, patience_s, threshold_s, warmup_s)
    agents = on_duty.astype(np.int64)
    rng = random.Random(seed)
    env = simpy.Environment()
    slots = len(calls)
    end = warmup_s + slots * interval_s
    # Waiting callers: [arrival, slot, answered-event or None once gone, counted].
    queue: deque = deque()
    idle: deque = deque()  # idle agents: [wake-up event, still idle]
    stats = np.zeros((slots, 5))  # offered, answered, abandoned, in_t, abandoned_in_t
    waits = np.zeros(slots)

    def slot_at(t: float) -> int:
        return min(max(int((t - warmup_s) // interval_s), 0), slots - 1)

    def next_boundary(t: float) -> float:
        return warmup_s if t < warmup_s else warmup_s + (slot_at(t) + 1) * interval_s

    def caller(t0: float, slot: int):
        counted = t0 >= warmup_s
        if counted:
            stats[slot, 0] += 1
        answered = env.event()
        entry = [t0, slot, answered, counted]
        queue.append(entry)
        while idle:  # wake one idle agent, not all of them
            waiting = idle.popleft()
            if waiting[1]:
                waiting[0].succeed()
                break
        if patience_s is None:
            yield answered
            return
        patience = rng.expovariate(1 / patience_s)
        result = yield answered | env.timeout(patience)
        if answered not in result:
            entry[2] = None  # gave up: agents skip this entry
            if counted:
                stats[slot, 2] += 1
                stats[slot, 4] += patience <= threshold_s

    segments = ([(0.0, warmup_s, calls[0] / interval_s)] if warmup_s > 0 else []) + [
        (warmup_s + s * interval_s, warmup_s + (s + 1) * interval_s, calls[s] / interval_s)
        for s in range(slots)
    ]

    def arrivals():
        for a, b, rate in segments:
            t = a
            while rate > 0:
                t += rng.expovariate(rate)  # memoryless: restarting at each boundary is exact
                if t >= b:
                    break
                yield env.timeout(t - env.now)
                env.process(caller(t, slot_at(t)))

    def agent(index: int):
        while True:
            now = env.now
            s = slot_at(now)
            while queue and queue[0][2] is None:
                queue.popleft()
            if index >= agents[s]:
                if now >= end:
                    return
                yield env.timeout(next_boundary(now) - now)  # off duty this slot
                continue
            if not queue:
                if now >= end:
                    return
                waiting: list[Any] = [env.event(), True]  # [wake-up event, still idle]
                idle.append(waiting)
                yield waiting[0] | env.timeout(next_boundary(now) - now)
                waiting[1] = False
                continue
            t0, slot, answered, counted = queue.popleft()
            answered.succeed()
            if counted:
                stats[slot, 1] += 1
                stats[slot, 3] += now - t0 <= threshold_s
                waits[slot] += now - t0
            yield env.timeout(rng.expovariate(1 / aht[slot]))

    env.process(arrivals())
    for i in range(int(agents.max(initial=0))):
        env.process(agent(i))
    # Callers still waiting at the end are served by the last slot's agents or give up.
    env.run()
    return [
        SlotResult(int(o), int(a), int(b), int(c), int(d), float(w))
        for (o, a, b, c, d), w in zip(stats, waits, strict=True)
    ]


def _check(
    calls: np.ndarray,
    agents: np.ndarray,
    interval_s: float,
    aht: np.ndarray,
    patience_s: float | None,
    threshold_s: float,
    warmup_s: float,
) -> None:
    """Every input in its bound, and a run small enough to finish: ValueError naming what is not."""
    limits.CALLS.check_all(calls)
    limits.AGENTS_ON_DUTY.check_all(agents)
    limits.INTERVAL_S.check(interval_s)
    limits.AHT_S.check_all(aht)
    if patience_s is not None:
        limits.MODEL_PATIENCE_S.check(patience_s)
    limits.THRESHOLD_S.check(threshold_s)
    limits.WARMUP_S.check(warmup_s)
    expected = float(calls.sum()) + (float(calls[0]) * warmup_s / interval_s if len(calls) else 0.0)
    limits.SIMULATED_CALLS.check(expected)
    # Every agent process wakes at every slot boundary, on duty or not: that, too, is work.
    limits.SIMULATED_AGENT_SLOTS.check(float(agents.max(initial=0)) * (len(calls) + (warmup_s > 0)))


def stationary(
    calls_per_interval: float,
    interval_s: float,
    aht_s: float,
    agents: int,
    patience_s: float | None,
    threshold_s: float,
    n_slots: int = 40,
    seed: int = 1,
) -> SlotResult:
    """Many identical slots after a warm-up, pooled: the steady state Erlang formulas describe."""
    results = simulate(
        np.full(n_slots, calls_per_interval),
        np.full(n_slots, agents),
        interval_s,
        aht_s,
        patience_s,
        threshold_s,
        seed,
        warmup_s=interval_s,
    )
    totals = np.sum(
        [
            [
                r.offered,
                r.answered,
                r.abandoned,
                r.answered_in_threshold,
                r.abandoned_in_threshold,
                r.wait_answered_s,
            ]
            for r in results
        ],
        axis=0,
    )
    return SlotResult(
        int(totals[0]),
        int(totals[1]),
        int(totals[2]),
        int(totals[3]),
        int(totals[4]),
        float(totals[5]),
    )
