"""Journey research's importance × performance analysis, free of the database.

For each need point: mean importance I and mean performance P (1–5) over its answers, the gap
G = I − P with a 95% interval (Student's t over each respondent's own difference), and the
quadrant against the grand means Ī and P̄ (the means of the need points' means):

- 保持优势 (keep up): I ≥ Ī and P ≥ P̄;
- 重点改进 (improve first): I ≥ Ī and P < P̄;
- 次要改进 (improve later): I < Ī and P < P̄;
- 过度投入 (over-served): I < Ī and P ≥ P̄.

Priority = I × G: a large gap on what matters most ranks first. The **core needs** are those in
重点改进 whose gap is significant (the interval's lower end above 0), by priority, at most
`core` of them (16 by default, the seed's number)."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from moqi.insight import stats

QUADRANTS = ("保持优势", "重点改进", "次要改进", "过度投入")
CORE = 16


@dataclass(frozen=True)
class Answer:
    respondent: str
    region: str
    brand: str
    need: str
    importance: int
    performance: int


@dataclass(frozen=True)
class Need:
    code: str
    importance: float
    performance: float
    gap: stats.Figure
    quadrant: str
    priority: float
    rank: int
    core: bool

    @property
    def n(self) -> int:
        return self.gap.n


@dataclass(frozen=True)
class Analysis:
    respondents: int
    importance: float | None  # the grand means (the quadrant lines)
    performance: float | None
    needs: list[Need]

    @property
    def small(self) -> bool:
        return self.respondents < stats.SMALL


def quadrant(importance: float, performance: float, grand_i: float, grand_p: float) -> str:
    if importance >= grand_i:
        return QUADRANTS[0] if performance >= grand_p else QUADRANTS[1]
    return QUADRANTS[3] if performance >= grand_p else QUADRANTS[2]


def analyse(answers: Iterable[Answer], *, core: int = CORE) -> Analysis:
    scores: dict[str, list[tuple[int, int]]] = {}
    people: set[str] = set()
    for a in answers:
        scores.setdefault(a.need, []).append((a.importance, a.performance))
        people.add(a.respondent)
    if not scores:
        return Analysis(0, None, None, [])
    means = {
        code: (sum(i for i, _ in pairs) / len(pairs), sum(p for _, p in pairs) / len(pairs))
        for code, pairs in scores.items()
    }
    grand_i = sum(i for i, _ in means.values()) / len(means)
    grand_p = sum(p for _, p in means.values()) / len(means)
    rows = []
    for code, pairs in scores.items():
        imp, perf = means[code]
        gap = stats.mean_score([i - p for i, p in pairs])
        rows.append((code, imp, perf, gap, quadrant(imp, perf, grand_i, grand_p)))
    rows.sort(key=lambda r: (-(r[1] * (r[3].value or 0.0)), r[0]))
    picked = 0
    needs: list[Need] = []
    for rank, (code, imp, perf, gap, quad) in enumerate(rows, start=1):
        is_core = picked < core and quad == QUADRANTS[1] and gap.low is not None and gap.low > 0
        picked += is_core
        needs.append(Need(code, imp, perf, gap, quad, imp * (gap.value or 0.0), rank, is_core))
    return Analysis(len(people), grand_i, grand_p, needs)


def split(answers: Sequence[Answer], by: str, *, core: int = CORE) -> dict[str, Analysis]:
    """The analysis per region or brand (groups sorted by name; blank is 未填)."""
    groups: dict[str, list[Answer]] = {}
    for a in answers:
        groups.setdefault(getattr(a, by) or "未填", []).append(a)
    return {g: analyse(groups[g], core=core) for g in sorted(groups)}
