"""Insight's figures as the CLI, the API and the pages show them: the competitiveness index
(0–100) and satisfaction groups, as JSON and as text."""

from __future__ import annotations

from typing import TYPE_CHECKING

from moqi.errors import Invalid
from moqi.insight.competitiveness import Change, Estimate, Index, by_wave, competitiveness
from moqi.insight.operators import canonical
from moqi.insight.stats import Figure
from moqi.insight.survey_table import read_bases, read_survey
from moqi.nlp.normalize import normalize

if TYPE_CHECKING:
    from moqi.insight.services import Group


Series = list[tuple[str, Index, Change | None]]


def index_for(
    survey_rows: list[list[object]], bases_rows: list[list[object]], us: str, wave: str | None
) -> tuple[Index, Change | None, Series]:
    """The index of the whole survey (and each wave's when it has several), or of one wave with
    its change since the wave before."""
    responses, bases, ours = read_survey(survey_rows), read_bases(bases_rows), canonical(us)
    waves = {r.wave for r in responses}
    if wave is None:
        series = by_wave(responses, bases, ours) if len(waves) > 1 else []
        return competitiveness(responses, bases, ours), None, series
    for name, item, step in by_wave(responses, bases, ours):
        if name == normalize(wave):
            return item, step, []
    shown = "、".join(sorted(w for w in waves if w)) or "（调查没有波次一栏）"
    raise Invalid(f"调查里没有波次“{wave}”；调查的波次：{shown}")


def index_answer(index: Index, change: Change | None, series: Series, wave: str | None) -> dict:
    """The JSON of index_for's answer: the figures, then each wave's."""
    out = index_json(index, wave=wave, change=change)
    if series:
        out["waves"] = [
            {
                "wave": name,
                **{k: v for k, v in index_json(item).items() if k in _WAVE_KEYS},
                "change": None if step is None else change_json(step),
            }
            for name, item, step in series
        ]
    return out


_WAVE_KEYS = ("index", "retention", "market", "n", "ci")


def _r(value: float) -> float:
    return round(value, 4)


def _ci(estimate: Estimate | None) -> list[float] | None:
    return None if estimate is None else [_r(estimate.low), _r(estimate.high)]


def index_json(index: Index, *, wave: str | None = None, change: Change | None = None) -> dict:
    """{"index", "retention", "market", "n"} first, then the intervals and the detail."""
    out: dict = {
        "index": _r(index.index.value),
        "retention": None if index.retention is None else _r(index.retention.value),
        "market": None if index.market is None else _r(index.market.value),
        "n": index.n,
        "us": index.us,
        "wave": wave,
        "ci": {
            "index": _ci(index.index),
            "retention": _ci(index.retention),
            "market": _ci(index.market),
        },
        "operators": [
            {
                "operator": s.operator,
                "n": s.n,
                "share_choosing_us": _r(s.share),
                "subscribers": s.base,
                "small_sample": s.small,
            }
            for s in index.operators
        ],
        "not_surveyed": list(index.not_surveyed),
    }
    if change is not None:
        out["change"] = change_json(change)
    return out


def change_json(change: Change) -> dict:
    return {"since": change.since, "index": _r(change.index.value), "ci": _ci(change.index)}


def index_text(index: Index, *, wave: str | None = None, change: Change | None = None) -> str:
    """What a manager reads in a terminal."""

    def line(name: str, e: Estimate | None) -> str:
        if e is None:
            return f"{name}：—（这一方的用户没有受访者）"
        return f"{name}：{e.value:.1f}（95% 区间 {e.low:.1f}–{e.high:.1f}）"

    head = (
        f"{index.us} 服务竞争力" + (f" · 第 {wave} 波" if wave else "") + f" · {index.n} 位受访者"
    )
    lines = [
        head,
        line("竞争力指数", index.index),
        line("保有竞争力（我方用户再选我方）", index.retention),
        line("市场竞争力（对手用户会选我方）", index.market),
    ]
    if change is not None:
        e = change.index
        lines.append(
            f"较 {change.since} 变化：{e.value:+.1f} 点（95% 区间 {e.low:+.1f}～{e.high:+.1f}）"
        )
    lines.append("各运营商用户中会选择我方的比例：")
    for s in index.operators:
        mark = "（样本少于 30，仅供参考）" if s.small else ""
        lines.append(f"  {s.operator}：{s.share:.1f}% · {s.n} 人 · 用户数 {s.base:,.0f}{mark}")
    if index.not_surveyed:
        lines.append(f"未调查、不计入：{'、'.join(index.not_surveyed)}")
    return "\n".join(lines)


def figure_json(figure: Figure) -> dict:
    def r(v: float | None) -> float | None:
        return None if v is None else round(v, 2)

    return {
        "value": r(figure.value),
        "ci": [r(figure.low), r(figure.high)],
        "n": figure.n,
        "small_sample": figure.small,
    }


def group_json(group: Group) -> dict:
    return {
        "group": group.key,
        "n": group.n,
        "satisfaction": figure_json(group.mean),
        "satisfied_pct": figure_json(group.satisfied),
        "nps": figure_json(group.nps),
    }


def group_text(group: Group) -> str:
    def show(f: Figure, fmt: str) -> str:
        if f.value is None:
            return "—"
        if f.low is None or f.high is None:
            return format(f.value, fmt)
        return f"{f.value:{fmt}}（{f.low:{fmt}}–{f.high:{fmt}}）"

    mark = " ⚠样本少" if group.n < 30 else ""
    return (
        f"{group.key or '（未填）'}：{group.n} 份 · 满意度 {show(group.mean, '.2f')}"
        f" · 满意率 {show(group.satisfied, '.0f')}% · NPS {show(group.nps, '.0f')}{mark}"
    )
