"""Weak areas: the call reasons an agent handles worse than the centre does, from their own
contacts — how often the customer's feelings peaked at high escalation risk or the contact's
ticket was escalated, and what customers rated those contacts.

A reason counts once the agent has taken enough of its calls to say anything (MIN_CONTACTS);
it is weak when its risky share is high and above the centre's, or when its ratings are low.
The weight (0–1) is how far it falls short, and steers the next quiz toward that reason."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass

MIN_CONTACTS = 3
HIGH_RISK = 0.6  # a peak risk from here on is a call that nearly blew up (tickets: urgent)
RISKY_SHARE = 0.3  # at least this share of risky calls …
ABOVE_CENTRE = 1.5  # … and this many times the centre's share
LOW_MEAN = 3.5  # a mean rating at or below this (1–5) is low
MIN_RATED = 2


@dataclass(frozen=True)
class ReasonFigures:
    """One reason's outcomes for one agent (or for everyone)."""

    reason: str
    contacts: int = 0
    risky: int = 0  # high peak risk or an escalated ticket
    rated: int = 0
    score_sum: int = 0

    @property
    def risky_share(self) -> float:
        return self.risky / self.contacts if self.contacts else 0.0

    @property
    def mean(self) -> float | None:
        return self.score_sum / self.rated if self.rated else None


@dataclass(frozen=True)
class WeakArea:
    """A reason the agent handles worse than the centre, why, and how much to weigh it."""

    reason: str
    label: str
    mine: ReasonFigures
    centre: ReasonFigures
    why: tuple[str, ...]  # "risk" and/or "rating"
    weight: float

    def as_dict(self) -> dict:
        return {
            "reason": self.reason,
            "label": self.label,
            "contacts": self.mine.contacts,
            "risky": self.mine.risky,
            "risky_share": round(self.mine.risky_share, 3),
            "centre_risky_share": round(self.centre.risky_share, 3),
            "rated": self.mine.rated,
            "mean_rating": None if self.mine.mean is None else round(self.mine.mean, 2),
            "centre_mean_rating": None if self.centre.mean is None else round(self.centre.mean, 2),
            "why": list(self.why),
            "weight": round(self.weight, 3),
        }


def weak_areas(
    mine: Iterable[ReasonFigures],
    centre: Mapping[str, ReasonFigures],
    labels: Mapping[str, str],
    *,
    limit: int = 5,
) -> list[WeakArea]:
    """The agent's weak reasons, weakest first (at most `limit`)."""
    found = []
    for f in mine:
        if not f.reason or f.contacts < MIN_CONTACTS:
            continue
        base = centre.get(f.reason, ReasonFigures(f.reason))
        why, weight = [], 0.0
        if f.risky_share >= RISKY_SHARE and f.risky_share >= ABOVE_CENTRE * base.risky_share:
            why.append("risk")
            weight = max(weight, min(1.0, f.risky_share - base.risky_share + 0.3))
        mean = f.mean
        if mean is not None and f.rated >= MIN_RATED and mean <= LOW_MEAN:
            why.append("rating")
            weight = max(weight, min(1.0, (5 - mean) / 4))
        if why:
            found.append(
                WeakArea(f.reason, labels.get(f.reason, f.reason), f, base, tuple(why), weight)
            )
    found.sort(key=lambda w: (-w.weight, -w.mine.contacts, w.reason))
    return found[:limit]
