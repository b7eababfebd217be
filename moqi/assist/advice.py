"""Handling advice for the emotion at this moment, drawn from the lexicon's advice file."""

from __future__ import annotations

from moqi.assist.emotion import CallMood, UtteranceEmotion


def _level(intensity: float) -> str:
    return "high" if intensity >= 0.7 else "medium" if intensity >= 0.4 else "low"


def _one(lines: list | None, turn: int, moment: str | None = None) -> list[str]:
    """One of the lines that fit the moment, rotating so an agent does not read the same
    advice every turn. A line is a string (any moment) or {text, moments: [...]}: "操作类问题
    一步一步带着做" is for handling and inquiries, not for a bill dispute."""
    fit = [
        line["text"] if isinstance(line, dict) else line
        for line in lines or ()
        if not isinstance(line, dict) or moment is None or moment in line.get("moments", ())
    ]
    return [fit[turn % len(fit)]] if fit else []


def pick_advice(
    advice: dict,
    emotion: UtteranceEmotion,
    mood: CallMood,
    risk: float,
    repeat_contacts: int,
    turn: int,
    limit: int = 3,
    first: list[str] | None = None,
    moment: str | None = None,
) -> list[str]:
    """Up to `limit` concrete lines of advice, the most urgent first (`first`: what the
    escalation channel threatened with now calls for)."""
    out: list[str] = list(first or ())
    if mood.escalation_turns and (emotion.escalation or risk >= 0.6):
        out += _one(advice.get("escalation"), turn)
    if mood.churn_turns and (emotion.churn or risk >= 0.5):
        out += _one(advice.get("churn"), turn)
    if mood.trend == "worsening":
        out += _one(advice.get("worsening"), turn)
    if emotion.category != "neutral":
        out += _one(
            (advice.get("by_category", {}).get(emotion.category) or {}).get(
                _level(emotion.intensity)
            ),
            turn,
            moment,
        )
    if repeat_contacts >= 2 and turn <= 3:
        out += _one(advice.get("repeat_contact"), turn)
    if mood.trend == "improving" and len(out) < limit:
        out += _one(advice.get("improving"), turn)
    return list(dict.fromkeys(out))[:limit]
