"""The competitiveness index as the CLI and the API answer it: plain figures on 0–100."""

from __future__ import annotations

from moqi.insight.competitiveness import Change, Estimate, Index


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
