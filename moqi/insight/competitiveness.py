"""The service competitiveness index (服务竞争力指数) of seed 003, from a word-of-mouth survey.

Each operator's respondents are asked which operator they would choose next. With p_o the
(weighted) share of operator o's respondents who would choose us and B_o its subscriber base:

    index       = Σ_o p_o·B_o / Σ_o B_o × 100            over every surveyed operator, us included
    retention   = p_us × 100                              our own users choosing us again
    market      = Σ_{o≠us} p_o·B_o / Σ_{o≠us} B_o × 100   rivals' users choosing us

So the index is the share of the whole market that would choose us next, each operator's
respondents standing for its subscribers. An operator in the bases with no respondents is left
out of both sums (it is listed as not surveyed, and retention or market is None when no one of
its side was asked); a respondent whose operator has no base is an error, since their answers
could not be weighted.

Intervals (95%): each p_o is a binomial share over n_eff = (Σw)²/Σw² respondents, its variance
taken Agresti–Coull style, p̃(1−p̃)/(n_eff+4) with p̃ = (p·n_eff+2)/(n_eff+4), so that a share of
0 or 1 in a small group still has width; the index's variance is Σ (B_o/ΣB)²·var_o. A change
between two waves is the difference of two independent estimates.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable
from dataclasses import dataclass

from moqi.errors import Invalid
from moqi.insight.survey_table import Response

Z95 = 1.959963984540054
SMALL_SAMPLE = 30  # fewer respondents than this for an operator: its share is marked as unsure


@dataclass(frozen=True)
class Estimate:
    """A figure on the 0–100 scale with its 95% interval."""

    value: float
    low: float
    high: float
    variance: float

    @classmethod
    def of(cls, value: float, variance: float, *, clip: bool = True) -> Estimate:
        half = Z95 * math.sqrt(max(variance, 0.0))
        low, high = value - half, value + half
        if clip:  # a share cannot leave 0–100; a change between waves can be negative
            low, high = max(0.0, low), min(100.0, high)
        return cls(value, low, high, variance)


@dataclass(frozen=True)
class OperatorShare:
    """One operator's respondents and how many of them would choose us."""

    operator: str
    n: int
    share: float  # 0–100
    base: float
    variance: float  # of the share, on the 0–100 scale

    @property
    def small(self) -> bool:
        return self.n < SMALL_SAMPLE


@dataclass(frozen=True)
class Index:
    """The index and its two parts for one survey (or one wave of it)."""

    us: str
    n: int
    index: Estimate
    retention: Estimate | None  # None when none of our own users were surveyed
    market: Estimate | None  # None when no rival's users were surveyed
    operators: tuple[OperatorShare, ...]
    not_surveyed: tuple[str, ...]


@dataclass(frozen=True)
class Change:
    """Wave-on-wave change of the index (points, with its 95% interval)."""

    since: str
    index: Estimate


def competitiveness(responses: Iterable[Response], bases: dict[str, float], us: str) -> Index:
    """The index of `us` from the survey's respondents and the operators' bases."""
    groups: dict[str, list[Response]] = {}
    for response in responses:
        groups.setdefault(response.operator, []).append(response)
    unknown = sorted(o for o in groups if o not in bases)
    if unknown:
        raise Invalid(
            f"用户规模表里没有这些运营商：{'、'.join(unknown)}；请补上它们的用户数，"
            "否则这些受访者的回答无法加权"
        )
    if us not in bases:
        raise Invalid(f"用户规模表里没有我方（{us}）；请检查我方运营商的写法")
    shares = []
    for operator, group in sorted(groups.items(), key=lambda kv: (kv[0] != us, kv[0])):
        total = sum(r.weight for r in group)
        if total <= 0:
            continue  # every respondent weighted 0: this operator says nothing
        squares = sum(r.weight * r.weight for r in group)
        p = sum(r.weight for r in group if r.choice == us) / total
        n_eff = total * total / squares
        adjusted = (p * n_eff + 2) / (n_eff + 4)
        variance = adjusted * (1 - adjusted) / (n_eff + 4) * 100 * 100
        shares.append(OperatorShare(operator, len(group), p * 100, bases[operator], variance))
    if not shares:
        raise Invalid("每位受访者的权重都是 0，算不出指数")
    own = next((s for s in shares if s.operator == us), None)
    rivals = [s for s in shares if s.operator != us]
    return Index(
        us=us,
        n=sum(s.n for s in shares),
        index=_weighted(shares),
        retention=None if own is None else Estimate.of(own.share, own.variance),
        market=_weighted(rivals) if rivals else None,
        operators=tuple(shares),
        not_surveyed=tuple(sorted(o for o in bases if o not in {s.operator for s in shares})),
    )


def by_wave(
    responses: list[Response], bases: dict[str, float], us: str
) -> list[tuple[str, Index, Change | None]]:
    """The index of each wave in order, with its change since the wave before."""
    waves = sorted({r.wave for r in responses}, key=wave_order)
    out: list[tuple[str, Index, Change | None]] = []
    previous: Index | None = None
    for wave in waves:
        current = competitiveness([r for r in responses if r.wave == wave], bases, us)
        change = None
        if previous is not None:
            change = Change(
                since=out[-1][0],
                index=Estimate.of(
                    current.index.value - previous.index.value,
                    current.index.variance + previous.index.variance,
                    clip=False,
                ),
            )
        out.append((wave, current, change))
        previous = current
    return out


def wave_order(wave: str) -> tuple:
    """Waves in their natural order: 第2波 before 第10波, 2026Q1 before 2026Q2."""
    return tuple((0, int(part), "") if part.isdigit() else (1, 0, part) for part in _PARTS(wave))


_PARTS = re.compile(r"\d+|\D+").findall


def _weighted(shares: list[OperatorShare]) -> Estimate:
    total = sum(s.base for s in shares)
    value = sum(s.share * s.base for s in shares) / total
    variance = sum((s.base / total) ** 2 * s.variance for s in shares)
    return Estimate.of(value, variance)
