"""Script recommendation: the best lines for scenario × emotion × brand × region × stage."""

from __future__ import annotations

import math
import re
from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import lru_cache, partial

from moqi.content.model import (
    EMOTION_LABELS,
    SCRIPT_KIND_LABELS,
    STAGE_LABELS,
    QuestionType,
    Script,
    condition_label,
    said_cues,
)
from moqi.content.scripts import slot
from moqi.nlp.normalize import normalize

_PLACEHOLDER = re.compile(r"\{(customer|business|number|days|sla_\w+:\w+\.\w+)\}")
# Where an unknown title was left out mid-line ("注意安全，{customer}！"), the comma before it goes too.
_DANGLING = re.compile(r"[，,、]\s*(?=[！!。？?；;]|$)")
# A reason's own lines are offered only while it is a close call with the best one: in a
# roaming inquiry (19%) a line about a disputed bill (6%) misleads more than a general one.
_CLOSE = 0.5
# A caller's words that tell a repeat contact about the same matter: "第四次打电话", "打了两次电话",
# "上次也是这么说的". (Lines that presume one say so in their conditions: repeat_contact.)
REPEAT_CONTACT = re.compile(
    r"第[二两三四五六七八九十几\d]+次|[好几两三四五六七八九十\d]+次(?:电话|了|打|来电)|这么多次|一次次|"
    r"又打(?:来|过来|电话)|反复(?:打|来电|找)|多次来电|上次(?:也|打|来电)|之前(?:为这件事)?(?:来电|打过|反映)"
)
# What an agent's words are compared on to tell a line read out: its characters without
# punctuation, and without the slots only the agent can fill (〔N〕, 〔后四位〕).
_SLOT = re.compile(r"〔[^〕]*〕")
_UNSPOKEN = re.compile(r"[\W_]+")
# A line counts as read out when the agent's words hold this share of its character pairs:
# agents fill in figures, drop a word or two, add the customer's name.
_READ_OUT = 0.6
# Lines that answer what was asked (a fact, a rule, a next step) are also ranked by how much of
# the customer's latest words they take up ("这几天断网的钱怎么算" → the line on compensation for
# the days without service, not the first explanation of broadband faults).
_ANSWERING = frozenset({"explanation", "guidance"})
_RELEVANCE = 2.0  # what a line that is all the customer's words adds (a cosine of 1); a reason's own line gets up to 3
_RELEVANT = 0.05  # from here on, why says so (a rare pair or two in common)
_HEARD = 40  # what was just asked is at the end of a long utterance
# A line that answers the kind of question just asked ("授权码怎么拿" → a line that says how the
# code is sent) counts as this much more cosine.
_ANSWERS_ASKED = 0.1
# …and only once it stands out from the crowd: with 38 reasons, 0.08 after "在吗" is a guess.
_FLOOR = 0.1
# A line shown to the agent for more than _PATIENCE agent turns without being read out loses
# _TIRED, and 1 more for each further turn (a reason's own line is worth up to 3 more than a
# general one, a keyed emotion 1.5).
_PATIENCE = 2
_TIRED = 2.0
# A need_open line asks what the matter is ("是话费、流量还是宽带方面的问题？"): once one reason
# of the 38 holds 40% of the probability (an even guess is under 3%), the call has said it — or
# the account's events have.
_KNOWN = 0.4


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
    disputed: bool = False  # the customer said the latest read-back is wrong
    repeat: bool = False  # the customer has called about this before (profile, or their own words)
    used: frozenset[str] = (
        frozenset()
    )  # lines the agent has read out in this call: not offered again
    passed_over: Mapping[str, int] = field(
        default_factory=dict
    )  # agent turns each line was shown and not read out
    heard: str = (
        ""  # the customer's latest words (answering lines are ranked by their likeness to them)
    )
    said: str = ""  # everything the customer has said in this call (for said: conditions)


@dataclass(frozen=True, slots=True)
class Recommendation:
    """One recommended script, filled in, with why it was chosen."""

    id: str
    kind: str
    text: str
    why: str
    score: float


@dataclass(frozen=True, slots=True)
class _Line:
    """A script with what ranking asks of it worked out once, when the ranker is built."""

    script: Script
    names_business: bool  # "{business}" in the text: needs a business of the call that fits
    conditions: frozenset[str]  # of SCRIPT_CONDITIONS: what the call must show first
    cues: tuple[tuple[str, ...], ...]  # said: conditions, each the words one of which must be said
    emotion: str  # the emotion it is keyed to, "*" for any
    keys: tuple[
        tuple[int, str], ...
    ]  # (index into (brand, region, stage), the value it is keyed to)
    bonus: float  # what its keyed emotion and attributes add when they match


class ScriptRanker:
    """Scores every script that fits the situation; a keyed attribute that does not match excludes it."""

    def __init__(self, scripts: tuple[Script, ...], questions: tuple[QuestionType, ...] = ()):
        self._lines: list[_Line] = []
        for s in scripts:
            keys = tuple(
                (i, want) for i, want in enumerate((s.brand, s.region, s.stage)) if want != "*"
            )
            bonus = (1.5 if s.emotion != "*" else 0.0) + len(keys) + len(s.conditions)
            named = frozenset(c for c in s.conditions if not said_cues(c))
            cues = tuple(
                tuple(map(normalize, words)) for words in map(said_cues, s.conditions) if words
            )
            self._lines.append(
                _Line(s, "{business}" in s.text, named, cues, s.emotion, keys, bonus)
            )
        self._view = lru_cache(maxsize=1024)(self._fitting)
        # Worked out when a line first needs it, once per customer utterance (agent turns reuse it).
        self.relevance = lru_cache(maxsize=4)(self._relevance)
        answering = [s for s in scripts if s.kind in _ANSWERING]
        self._index_answers(answering)
        # Each kind of question: what asks it, and the answering lines that answer it.
        self._questions = [
            (
                re.compile("|".join(map(re.escape, q.asks))),
                tuple(s.id for s in answering if any(w in s.text for w in q.answers)),
            )
            for q in questions
        ]

    def _index_answers(self, scripts: list[Script]) -> None:
        """Character pairs → the answering lines that hold them, weighted for a cosine of idf-weighted pairs."""
        pairs = {s.id: spoken_pairs(_PLACEHOLDER.sub("", s.text)) for s in scripts}
        df: dict[str, int] = defaultdict(int)
        for held in pairs.values():
            for p in held:
                df[p] += 1
        n = len(pairs)
        idf = {p: math.log((n + 1) / (d + 0.5)) for p, d in df.items()}
        self._unseen = math.log((n + 1) / 0.5) ** 2
        # Pairs most lines hold ("您的", "一下") say little and would make every lookup long: they
        # count in the norms but list no line.
        common = max(3, n // 20)
        postings: dict[str, list[tuple[str, float]]] = defaultdict(list)
        for sid, held in pairs.items():
            norm = math.sqrt(sum(idf[p] ** 2 for p in held)) or 1.0
            for p in held:
                if df[p] <= common:
                    postings[p].append((sid, idf[p] ** 2 / norm))
        # pair → (its idf², the lines holding it with their share of the cosine's numerator)
        self._pairs = {p: (w**2, tuple(postings.get(p, ()))) for p, w in idf.items()}

    def _relevance(self, said: str) -> dict[str, float]:
        """Each answering line's likeness to what the customer said last (its last _HEARD
        characters): the cosine of their character pairs, each weighted by how few lines hold
        it (lines sharing nothing are left out)."""
        heard = spoken_pairs(said[-_HEARD:])
        if not heard:
            return {}
        table, unseen = self._pairs, self._unseen
        norm2 = 0.0
        out: dict[str, float] = {}
        for p in heard:
            info = table.get(p)
            if info is None:
                norm2 += unseen
                continue
            norm2 += info[0]
            for sid, w in info[1]:
                out[sid] = out.get(sid, 0.0) + w
        norm = math.sqrt(norm2)
        out = {sid: v / norm for sid, v in out.items()}
        heard_text = said[-_HEARD:]
        for asks, lines in self._questions:
            if asks.search(heard_text):
                for sid in lines:
                    if sid in out:
                        out[sid] += _ANSWERS_ASKED
        return out

    def _fitting(
        self, emotion: str, context: tuple[str | None, str | None, str | None]
    ) -> dict[str, dict[str, list[_Line]]]:
        """The lines whose keyed emotion and attributes fit, by kind, then by reason ("*" for
        every reason). Worked out once for each emotion and customer context seen."""
        out: dict[str, dict[str, list[_Line]]] = {}
        for line in self._lines:
            if line.emotion != "*" and line.emotion != emotion:
                continue
            if any(context[i] != want for i, want in line.keys):
                continue
            out.setdefault(line.script.kind, {}).setdefault(line.script.reason, []).append(line)
        return out

    def rank(
        self,
        situation: Situation,
        fill: dict[str, str],
        business_for: dict[str, str],
        k: int = 3,
        per_kind: int = 2,
        texts: Mapping[str, str] | None = None,
    ) -> list[Recommendation]:
        """The top-k scripts, at most `per_kind` of one kind, each filled in and explained.

        `business_for` maps a reason code (or "*") to the business of this call that fits it;
        a script that names {business} is left out when no business of the call fits it.
        `texts` gives some scripts another text for this call (an A/B experiment's variant).
        """
        reason_p = {code: p for code, _, p in situation.reasons}
        best_p = max(reason_p.values(), default=0.0) or 1.0
        view = self._view(situation.emotion, (situation.brand, situation.region, situation.stage))
        scored: list[tuple[float, Script]] = []
        relevance: dict[str, float] | None = None
        shown = self._shown(situation, best_p >= _KNOWN and bool(reason_p))
        for kind, kind_weight in situation.kinds.items():
            lines = view.get(kind)
            if not lines:
                continue
            for code in ("*", *reason_p):
                score = 2.0 * kind_weight
                if code != "*":
                    if (
                        kind in ("confirmation", "closing")
                        and situation.operated is not None
                        and code not in situation.operated
                    ):
                        continue
                    if reason_p[code] < _CLOSE * best_p or reason_p[code] < _FLOOR:
                        continue
                    score += 3.0 * reason_p[code] / best_p
                named = code in business_for
                for line in lines.get(code, ()):
                    if line.names_business and not named:
                        continue
                    if line.script.id in situation.used:
                        continue
                    if not line.conditions <= shown:
                        continue  # "打了好几次电话" to a first-time caller, a read-back of the other outcome
                    if line.cues and not all(
                        any(w in situation.said for w in words) for words in line.cues
                    ):
                        continue  # "白高兴一场" before anyone said the pack did not work
                    bonus = line.bonus
                    answers = 0.0
                    if kind in _ANSWERING and situation.heard:
                        if relevance is None:
                            relevance = self.relevance(situation.heard)
                        answers = relevance.get(line.script.id, 0.0)
                        bonus += _RELEVANCE * answers
                    passed = situation.passed_over.get(line.script.id, 0)
                    if passed > _PATIENCE and answers < _RELEVANT:
                        # Shown to the agent turn after turn and never said: room for another line.
                        # The count only grows while it is shown, so a line that gave way stays
                        # away until the situation weighs it more, rather than coming straight back;
                        # a line that answers what the customer has just asked is offered again.
                        bonus -= _TIRED + (passed - _PATIENCE - 1)
                    scored.append((score + bonus, line.script))
        scored.sort(key=lambda t: (-t[0], t[1].id))
        out: list[Recommendation] = []
        used: dict[str, int] = {}
        for score, s in scored:
            if used.get(s.kind, 0) >= per_kind:
                continue
            used[s.kind] = used.get(s.kind, 0) + 1
            text = texts.get(s.id, s.text) if texts else s.text
            if "{" in text:
                values = {**fill, "business": business_for.get(s.reason, "")}
                # A line that opens with the customer's title ("{customer}，…") opens with the rest when the title is unknown.
                text = _DANGLING.sub(
                    "",
                    _PLACEHOLDER.sub(partial(_placeholder, values), text).lstrip("，,、 "),
                )
            out.append(
                Recommendation(
                    s.id, s.kind, text, _why(s, situation, relevance or {}), round(score, 2)
                )
            )
            if len(out) == k:
                break
        return out

    @staticmethod
    def _shown(situation: Situation, known: bool) -> frozenset[str]:
        """The conditions (SCRIPT_CONDITIONS) that this moment of the call fulfils."""
        held = set()
        if situation.repeat:
            held.add("repeat_contact")
        if not known:
            held.add("need_open")
        if situation.disputed:
            held.add("disputed")
        elif situation.succeeded is not None:
            held.add("succeeded" if situation.succeeded else "failed")
        return frozenset(held)


def _placeholder(values: Mapping[str, str], m: re.Match[str]) -> str:
    """A placeholder's value, or the field the agent fills where it has none (〔N〕)."""
    value = values.get(m.group(1))
    return slot(m.group(1)) if value is None else value


def spoken_pairs(text: str) -> frozenset[str]:
    """The character pairs of what is spoken in a text (punctuation and slots left out)."""
    spoken = _UNSPOKEN.sub("", _SLOT.sub("", text))
    return frozenset(spoken[i : i + 2] for i in range(len(spoken) - 1))


# The same few lines are shown turn after turn.
_line_pairs = lru_cache(maxsize=4096)(spoken_pairs)


def read_out(line: str, said: str | frozenset[str]) -> bool:
    """Whether an agent who said `said` (or its spoken_pairs) read out the filled-in `line`:
    most of the line's character pairs are there."""
    pairs = _line_pairs(line)
    heard = said if isinstance(said, frozenset) else spoken_pairs(said)
    return bool(pairs) and len(pairs & heard) >= _READ_OUT * len(pairs)


def _why(s: Script, situation: Situation, relevance: dict[str, float]) -> str:
    """Why a chosen script fits: its kind, each keyed attribute it matched, the conditions it
    waited for, and whether it answers the customer's latest words."""
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
    why += (f"条件：{condition_label(c)}" for c in s.conditions)
    if relevance.get(s.id, 0.0) >= _RELEVANT:
        why.append("切合客户刚说的话")
    return "；".join(why)
