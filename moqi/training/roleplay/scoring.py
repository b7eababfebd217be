"""The score card of a role-play: empathy, correctness, three-way confirmation and closing, each
0–100 with the lines that earned or cost it, and a weighted total.

Pure: it reads the stored turns, whose agent lines carry what the assist engine found in them
(customer.Reading: empathy shown, facts heard, phrase-rule hits, the read-back checklist,
closing and wrap-up lines). Nothing here reads text again.
"""

from __future__ import annotations

from math import ceil

from moqi.training.roleplay.scenario import SCORE_PARTS, Scenario

PHRASE_PENALTY = 25  # each phrase-rule hit costs this much of the empathy score
WRONG_PENALTY = 30  # each wrong fact costs this much of the correctness score


def _line(turn: dict, note: str, good: bool) -> dict:
    return {"turn": turn["reading"]["turn"], "text": turn["text"], "note": note, "good": good}


def score(scenario: Scenario, turns: list[dict], outcome: str | None) -> dict:
    """The score card of these stored turns (Turn.as_dict, in order); `outcome`: resolved,
    hung_up, ended (by the agent, or at the turn limit) or None (still going)."""
    agent = [t for t in turns if t["speaker"] == "agent" and t.get("reading")]
    parts = {
        "empathy": _empathy(turns),
        "correctness": _correctness(scenario, agent),
        "confirmation": _confirmation(scenario, agent),
        "closing": _closing(agent, outcome),
    }
    weights = scenario.weights
    total_weight = sum(weights[p] for p in SCORE_PARTS) or 1
    total = round(sum(parts[p]["score"] * weights[p] for p in SCORE_PARTS) / total_weight)
    return {
        "total": total,
        "outcome": outcome,
        "parts": parts,
        "weights": {p: weights[p] for p in SCORE_PARTS},
        "agent_turns": len(agent),
    }


def _empathy(turns: list[dict]) -> dict:
    """Empathy shown on the turns after the customer spoke upset (neutral or angry): half of
    those turns, at least one, earn full marks; each phrase-rule hit costs PHRASE_PENALTY."""
    evidence, upset, shown, hits = [], 0, 0, 0
    mood_before = "calm"
    for t in turns:
        if t["speaker"] == "customer":
            mood_before = t["mood"]
            continue
        reading = t.get("reading")
        if not reading:
            continue
        for hint in reading["hints"]:
            hits += 1
            evidence.append(_line(t, f"{hint['label']}。可以说：{hint['instead']}", False))
        if mood_before != "calm":
            upset += 1
            if reading["empathy"] and not reading["hints"]:
                shown += 1
                evidence.append(_line(t, "客户情绪激动时先安抚、表示理解", True))
    if upset:
        base = min(100, round(100 * shown / ceil(upset / 2)))
        note = f"客户不满的 {upset} 句里，有 {shown} 句先做了安抚"
    else:
        base = 100
        note = "客户全程情绪平稳"
    return {
        "score": max(0, base - PHRASE_PENALTY * hits),
        "note": note + (f"；禁忌语 {hits} 处" if hits else ""),
        "evidence": evidence,
    }


def _correctness(scenario: Scenario, agent: list[dict]) -> dict:
    """The scenario's key facts said, less WRONG_PENALTY for each wrong claim."""
    keys = [f for f in scenario.facts if f.key]
    first: dict[str, dict] = {}
    evidence = []
    wrong = 0
    for t in agent:
        reading = t["reading"]
        for fid in reading["facts"]:
            if fid not in first:
                first[fid] = t
        for label in reading["wrong"]:
            wrong += 1
            evidence.append(_line(t, f"说错了：{label}", False))
    said = [f for f in keys if f.id in first]
    evidence = [_line(first[f.id], f.label, True) for f in said] + evidence
    missed = [f.label for f in keys if f.id not in first]
    base = round(100 * len(said) / len(keys)) if keys else 100
    return {
        "score": max(0, base - WRONG_PENALTY * wrong),
        "note": f"要点说到 {len(said)}/{len(keys)}" + (f"，说错 {wrong} 处" if wrong else ""),
        "missed": missed,
        "evidence": evidence,
    }


def _confirmation(scenario: Scenario, agent: list[dict]) -> dict:
    """The best read-back after the operation: a third for each of business, number and result
    read back right (assist's three-way checklist)."""
    if scenario.operation is None:
        return {"score": 100, "note": "本场景不涉及业务办理", "evidence": []}
    best, best_turn = None, None
    for t in agent:
        checked = t["reading"].get("checked") or {}
        if checked and (best is None or sum(checked.values()) > sum(best.values())):
            best, best_turn = checked, t
    if best is None or best_turn is None:
        return {
            "score": 0,
            "note": f"办理{scenario.operation.label}后没有向客户读回业务、号码和结果",
            "evidence": [],
        }
    labels = {"business": "办理业务", "number": "办理号码", "result": "办理结果"}
    missing = [labels[k] for k, ok in best.items() if not ok]
    note = "三维确认完整" if not missing else "读回缺少：" + "、".join(missing)
    return {
        "score": round(100 * sum(best.values()) / 3),
        "note": note,
        "checked": best,
        "evidence": [_line(best_turn, note, not missing)],
    }


def _closing(agent: list[dict], outcome: str | None) -> dict:
    """A closing line that ends a resolved call (70) and the wrap-up question before it (30);
    a closing said while the matter was still open earns nothing."""
    evidence, score = [], 0
    # The engine reads "再见" as wrapping up too: the question is a line of its own, before.
    asked = next(
        (t for t in agent if t["reading"]["wrap_up"] and not t["reading"]["closing"]), None
    )
    closing = [t for t in agent if t["reading"]["closing"]]
    if asked is not None:
        score += 30
        evidence.append(_line(asked, "确认客户没有其他需求", True))
    if outcome == "resolved" and closing:
        score += 70
        evidence.append(_line(closing[-1], "规范结束语", True))
    elif closing:
        evidence.append(_line(closing[-1], "问题没解决就说结束语", False))
    note = {
        "resolved": "问题解决，客户满意结束",
        "hung_up": "客户挂机，通话没有正常结束",
        "ended": "坐席在问题解决前结束了陪练",
    }.get(outcome or "", "通话尚未结束")
    return {"score": score, "note": note, "evidence": evidence}
