"""What a roster is built from: the shifts and the weekly patterns of work days the rules allow."""

from __future__ import annotations

import itertools
from dataclasses import dataclass

from moqi.workforce.roster_rules import Rules


@dataclass(frozen=True, slots=True)
class Shift:
    """A shift template: start minute, length, and the break inside it (minutes from start)."""

    start_min: int
    length_min: int
    break_at_min: int | None
    break_min: int
    paid_min: int

    def label(self) -> str:
        end = self.start_min + self.length_min
        text = f"{self.start_min // 60:02d}:{self.start_min % 60:02d}–{end // 60 % 24:02d}:{end % 60:02d}"
        if self.break_at_min is not None:
            b = self.start_min + self.break_at_min
            text += f"（休 {b // 60 % 24:02d}:{b % 60:02d} 起 {self.break_min} 分）"
        return text

    def covered(self, interval_min: int) -> list[int]:
        """Slot offsets from the shift's first slot during which the agent is on duty."""
        off = set()
        if self.break_at_min is not None:
            off = set(
                range(
                    self.break_at_min // interval_min,
                    (self.break_at_min + self.break_min) // interval_min,
                )
            )
        return [k for k in range(self.length_min // interval_min) if k not in off]


def shift_templates(rules: Rules, interval_min: int) -> list[Shift]:
    """Every shift the rules allow, on the slot grid."""
    step = max(rules.start_step_min, interval_min)
    lengths = []
    h = rules.min_shift_h
    while h <= rules.max_shift_h + 1e-9:
        lengths.append(round(h * 60))
        h += rules.step_h
    out = []
    for start in range(rules.earliest_start_min, rules.latest_start_min + 1, step):
        if start % interval_min:
            continue
        for length in lengths:
            if length % interval_min:
                continue
            brk = rules.break_for(length / 60)
            if brk is None:
                out.append(Shift(start, length, None, 0, length))
                continue
            minutes, paid = brk
            first, last = (
                round(rules.earliest_after_h * 60),
                length - round(rules.latest_before_end_h * 60) - minutes,
            )
            positions = range(
                first - first % interval_min + (interval_min if first % interval_min else 0),
                last + 1,
                step,
            )
            for at in positions:
                out.append(Shift(start, length, at, minutes, length if paid else length - minutes))
    if not out:
        raise ValueError("roster rules allow no shift on this interval grid")
    return out


def day_patterns(rules: Rules) -> list[tuple[int, ...]]:
    """Weekly on/off patterns (1 = works) meeting the day counts and, cyclically, the consecutive-day cap."""
    out = []
    for bits in itertools.product((0, 1), repeat=7):
        if not rules.min_work_days <= sum(bits) <= rules.max_work_days:
            continue
        run = longest = 0
        for b in bits + bits:  # twice round: the rule holds across the week boundary
            run = run + 1 if b else 0
            longest = max(longest, run)
        if longest <= rules.max_consecutive_days:
            out.append(bits)
    if not out:
        raise ValueError("roster rules allow no weekly pattern of work days")
    return out
