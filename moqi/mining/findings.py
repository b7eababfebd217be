"""What a tally shows, as one JSON-ready summary: the ranked lifts of customer words, agent
words and agent lines for escalations and calm-downs (overall and per region, brand and
reason), the needs voiced at each stage, the reason mix, and groups of unexplained calls.
Pure: the engine gives labels and its tokenizer."""

from __future__ import annotations

from typing import Any

from moqi.assist import AssistEngine
from moqi.content.model import EMOTION_LABELS, MOMENT_LABELS
from moqi.mining.analyse import UNEXPLAINED
from moqi.mining.clusters import cluster_unexplained
from moqi.mining.rules import Rules
from moqi.mining.stages import STAGES
from moqi.mining.stats import Lift, TallyIndex, dominant, groups_of, lifts
from moqi.mining.tally import Tally

TABLES = ("cword", "aword", "aline")
OUTCOMES = ("up", "down")
UNEXPLAINED_LABEL = "未归因"


def lift_row(index: TallyIndex, x: Lift) -> dict[str, Any]:
    """One ranked item as the report and the proposals show it."""
    category, intensity = dominant(index, x.table, x.item, x.outcome)
    example = index.tally.examples.get((x.table, x.item, x.outcome))
    return {
        "item": x.item,
        "n": x.n,
        "k": x.k,
        "p": round(x.p, 4),
        "base": round(x.base, 4),
        "lift": round(x.lift, 3),
        "low": round(x.low, 3),
        "high": round(x.high, 3),
        "emotion": category,
        "emotion_label": EMOTION_LABELS.get(category or "", ""),
        "intensity": round(intensity, 3),
        "example": example[1] if example else "",
    }


def summarise(
    tally: Tally,
    engine: AssistEngine,
    rules: Rules,
    *,
    top: int = 20,
    min_support: int = 5,
    group_top: int = 5,
) -> dict[str, Any]:
    """The summary of a run (see the module's docstring)."""
    index = TallyIndex(tally)
    labels = {r.code: r.label for r in engine.need_model.reasons}
    labels[UNEXPLAINED] = UNEXPLAINED_LABEL
    ranked: dict[str, dict[str, list]] = {
        table: {
            outcome: [
                lift_row(index, x)
                for x in lifts(index, table, outcome, min_support=min_support)[:top]
            ]
            for outcome in OUTCOMES
        }
        for table in TABLES
    }
    by_group = {
        group: {
            outcome: [
                lift_row(index, x)
                for x in lifts(index, "cword", outcome, group=group, min_support=min_support)[
                    :group_top
                ]
            ]
            for outcome in OUTCOMES
        }
        for group in groups_of(tally, "cword")
        if group != "*"
    }
    unexplained_calls = sum(n for key, n in tally.reasons.items() if key[3] == UNEXPLAINED)
    clusters = cluster_unexplained(tally.unexplained, engine, rules)
    return {
        "calls": tally.calls,
        "rules": {
            "turn": rules.turn,
            "unexplained_below": rules.unexplained_below,
            "min_support": min_support,
        },
        "positions": tally.bases.get(("cword", "*", "n"), 0),
        "escalations": tally.bases.get(("cword", "*", "up"), 0),
        "calm_downs": tally.bases.get(("cword", "*", "down"), 0),
        "customer_words": ranked["cword"],
        "agent_words": ranked["aword"],
        "agent_lines": ranked["aline"],
        "by_group": by_group,
        "stages": _stages(tally, rules, labels),
        "reason_mix": [
            {
                "region": region,
                "brand": brand,
                "month": month,
                "reason": reason,
                "label": labels.get(reason, reason),
                "calls": n,
            }
            for (region, brand, month, reason), n in sorted(
                tally.reasons.items(), key=lambda kv: (kv[0][:3], -kv[1], kv[0][3])
            )
        ],
        "unexplained": {
            "calls": unexplained_calls,
            "sampled": len(tally.unexplained),
            "clusters": [
                {"size": c.size, "top_words": c.top_words, "examples": c.examples} for c in clusters
            ],
        },
    }


def _stages(tally: Tally, rules: Rules, labels: dict[str, str]) -> list[dict[str, Any]]:
    out = []
    for stage in STAGES:
        needs = [
            {
                "kind": kind,
                "code": code,
                "label": MOMENT_LABELS.get(code, code)
                if kind == "moment"
                else labels.get(code, code),
                "count": n,
            }
            for (s, kind, code), n in tally.stages.items()
            if s == stage and kind != "utterances"
        ]
        needs.sort(key=lambda x: (x["kind"] != "moment", -x["count"], x["code"]))
        out.append(
            {
                "stage": stage,
                "label": rules.stages.get(stage, stage),
                "utterances": tally.stages.get((stage, "utterances", ""), 0),
                "needs": needs,
            }
        )
    return out
