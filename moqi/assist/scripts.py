"""Script recommendation: the best lines for scenario × emotion × brand × region × stage."""

from __future__ import annotations

import re
from dataclasses import dataclass

from moqi.content.model import EMOTION_LABELS, SCRIPT_KIND_LABELS, STAGE_LABELS, Script

_PLACEHOLDER = re.compile(r"\{(customer|business|number|days)\}")
# A reason's own lines are offered only while it is a close call with the best one: in a
# roaming inquiry (19%) a line about a disputed bill (6%) misleads more than a general one.
_CLOSE = 0.5


@dataclass(frozen=True, slots=True)
class Situation:
    """What the moment calls for: kinds of line wanted (with weights) and the context."""

    kinds: dict[str, float]
    reasons: tuple[tuple[str, str, float], ...]  # (code, label, probability), best first
    emotion: str
    brand: str | None
    region: str | None
    stage: str | None
    # After an operation: the reasons its business belongs to (None: no operation, or its business
    # unknown). A read-back or closing line of another reason would name the wrong thing.
    operated: frozenset[str] | None = None
    succeeded: bool | None = None  # the latest operation's outcome, None before any


@dataclass(frozen=True, slots=True)
class Recommendation:
    """One recommended script, filled in, with why it was chosen."""

    id: str
    kind: str
    text: str
    why: str
    score: float


class ScriptRanker:
    """Scores every script that fits the situation; a keyed attribute that does not match excludes it."""

    def __init__(self, scripts: tuple[Script, ...], failing: frozenset[str] = frozenset()):
        # Read-back lines that report a failed operation ("这次没有办理成功"), by id.
        self.failing = failing
        # By kind, then by reason ("*" for every reason): only the lines of the reasons in view are looked at.
        self._by_kind: dict[str, dict[str, list[Script]]] = {}
        for s in scripts:
            self._by_kind.setdefault(s.kind, {}).setdefault(s.reason, []).append(s)

    def rank(self, situation: Situation, fill: dict[str, str], business_for: dict[str, str], k: int = 3, per_kind: int = 2) -> list[Recommendation]:
        """The top-k scripts, at most `per_kind` of one kind, each filled in and explained.

        `business_for` maps a reason code (or "*") to the business of this call that fits it;
        a script that names {business} is left out when no business of the call fits it.
        """
        reason_p = {code: p for code, _, p in situation.reasons}
        best_p = max(reason_p.values(), default=0.0) or 1.0
        keyed = (("brand", situation.brand), ("region", situation.region), ("stage", situation.stage))
        scored: list[tuple[float, Script]] = []
        for kind, kind_weight in situation.kinds.items():
            by_reason = self._by_kind.get(kind, {})
            for s in (s for code in ("*", *reason_p) for s in by_reason.get(code, ())):
                if "{business}" in s.text and s.reason not in business_for:
                    continue
                if kind == "confirmation" and situation.succeeded is not None and (s.id in self.failing) == situation.succeeded:
                    continue  # a read-back of the other outcome
                score = 2.0 * kind_weight
                if s.reason != "*":
                    if kind in ("confirmation", "closing") and situation.operated is not None and s.reason not in situation.operated:
                        continue
                    if reason_p.get(s.reason, 0.0) < _CLOSE * best_p:
                        continue
                    score += 3.0 * reason_p[s.reason] / best_p
                if s.emotion != "*":
                    if s.emotion != situation.emotion:
                        continue
                    score += 1.5
                for attr, value in keyed:
                    want = getattr(s, attr)
                    if want == "*":
                        continue
                    if want != value:
                        break
                    score += 1.0
                else:
                    scored.append((score, s))
        scored.sort(key=lambda t: (-t[0], t[1].id))
        out: list[Recommendation] = []
        used: dict[str, int] = {}
        for score, s in scored:
            if used.get(s.kind, 0) >= per_kind:
                continue
            used[s.kind] = used.get(s.kind, 0) + 1
            values = {**fill, "business": business_for.get(s.reason, "")}
            # A line that opens with the customer's title ("{customer}，…") opens with the rest when the title is unknown.
            text = _PLACEHOLDER.sub(lambda m, values=values: values.get(m.group(1), m.group(0)), s.text).lstrip("，,、 ")
            out.append(Recommendation(s.id, s.kind, text, _why(s, situation), round(score, 2)))
            if len(out) == k:
                break
        return out


def _why(s: Script, situation: Situation) -> str:
    """Why a chosen script fits: its kind and each keyed attribute it matched."""
    why = [f"类型：{SCRIPT_KIND_LABELS.get(s.kind, s.kind)}"]
    if s.reason != "*":
        label, p = next((label, p) for code, label, p in situation.reasons if code == s.reason)
        why.append(f"场景：{label}（{p:.0%}）")
    if s.emotion != "*":
        why.append(f"情绪：{EMOTION_LABELS.get(s.emotion, s.emotion)}")
    for attr, label in (("brand", "品牌"), ("region", "地区"), ("stage", "阶段")):
        want = getattr(s, attr)
        if want != "*":
            why.append(f"{label}：{STAGE_LABELS.get(want, want)}")
    return "；".join(why)
