"""One call read by the assist engine and counted into a Tally: where the customer's feeling
turns, the words and the agent line just before each turn, the needs voiced at each stage,
and the call's reason. Pure: the engine is handed in.

Emotion turns (docs/mining.md): each customer utterance gets a signed level, its intensity
with negative feelings counted up and positive ones down (neutral, confusion and surprise
are 0). Between two consecutive customer utterances of a call, a rise of at least
`rules.turn` is an escalation ("up") and a fall of as much a calm-down ("down"). Every such
pair is a position (outcome "n"); the first customer utterance, having nothing before it,
is none.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterable

from moqi.assist import AssistEngine, AssistSession
from moqi.content.model import NEGATIVE_EMOTIONS, POSITIVE_EMOTIONS
from moqi.mining.calls import Call
from moqi.mining.rules import Rules
from moqi.mining.stages import call_stages
from moqi.mining.tally import Tally
from moqi.nlp.mask import mask_pii

_EXCERPT = 80
_CALL_EXCERPT = 240
_DIGITS = re.compile(r"\d+")
_WORDY = re.compile(r"[\u4e00-\u9fffA-Za-z]")
UNEXPLAINED = "unexplained"


def rank(*parts: str) -> str:
    """A fixed pseudo-random order of things (calls, utterances), the same on every machine."""
    return hashlib.blake2b("\x1f".join(parts).encode(), digest_size=8).hexdigest()


def level(category: str, intensity: float) -> float:
    """The signed emotion level: how negative the customer is now."""
    if category in NEGATIVE_EMOTIONS:
        return intensity
    if category in POSITIVE_EMOTIONS:
        return -intensity
    return 0.0


def line_key(text: str) -> str:
    """An agent line as lines are compared: digits as # (工号3127 and 工号5521 are one line)."""
    return _DIGITS.sub("#", text)[:200]


def analyse_calls(calls: Iterable[Call], engine: AssistEngine, rules: Rules) -> Tally:
    """The tally of these calls."""
    tally = Tally(sample=rules.sample)
    for call in calls:
        analyse_call(call, engine, rules, tally)
    tally.unexplained = sorted(set(tally.unexplained))[: rules.sample]
    return tally


def analyse_call(call: Call, engine: AssistEngine, rules: Rules, tally: Tally) -> None:
    """Count one call into `tally` (its unexplained sample is trimmed by the caller)."""
    session = AssistSession(engine=engine)
    texts: list[str] = []
    feelings: list[tuple[str, float] | None] = []
    for speaker, raw in call.turns:
        clean, emotion = session.listen(speaker, raw[:5000])
        texts.append(clean)
        feelings.append((emotion.category, emotion.intensity) if speaker == "customer" else None)
    speakers = [s for s, _ in call.turns]
    need = session.predicted_need()
    top = need["reasons"][0] if need["reasons"] else None
    reason = call.reason or (
        top["code"] if top and top["p"] >= rules.unexplained_below else UNEXPLAINED
    )
    groups = ["*"] + [
        f"{name}={value}"
        for name, value in (("region", call.region), ("brand", call.brand), ("reason", reason))
        if value
    ]
    tally.calls += 1
    tally.reasons[(call.region or "-", call.brand or "-", call.month or "-", reason)] += 1
    _count_turns(call, texts, feelings, groups, engine, rules, tally)
    _count_stages(speakers, texts, engine, rules, tally)
    if reason == UNEXPLAINED:
        said = "；".join(t for s, t in zip(speakers, texts, strict=True) if s == "customer" and t)
        # A call's id is the file's to choose (a caller's number, even): masked like its text.
        tally.unexplained.append((rank(call.id), mask_pii(call.id), said[:_CALL_EXCERPT]))


def words(text: str, engine: AssistEngine, rules: Rules) -> set[str]:
    """The words of an utterance that mining counts: jieba's words, less stop words, numbers,
    masked parts and words shorter than `rules.min_word_length`; Latin letters in
    lower case (QQ and qq are one word)."""
    return {
        w.lower()
        for w in engine.tokenizer.cut(text)
        if len(w) >= rules.min_word_length
        and w not in rules.stop_words
        and "*" not in w
        and _WORDY.search(w)
    }


def _count_turns(
    call: Call,
    texts: list[str],
    feelings: list[tuple[str, float] | None],
    groups: list[str],
    engine: AssistEngine,
    rules: Rules,
    tally: Tally,
) -> None:
    before: tuple[str, float] | None = None  # the customer's previous feeling
    agent_line: str | None = None  # the agent's last line since then
    for i, feeling in enumerate(feelings):
        if feeling is None:
            if texts[i]:
                agent_line = texts[i]
            continue
        if before is not None:
            change = level(*feeling) - level(*before)
            outcome = "up" if change >= rules.turn else "down" if -change >= rules.turn else None
            items = {"cword": words(texts[i], engine, rules)}
            if agent_line is not None:
                items["aword"] = words(agent_line, engine, rules)
                items["aline"] = {line_key(agent_line)}
            bases: list[tuple[str, ...]] = []
            events: list[tuple[str, ...]] = []
            for table, found in items.items():
                for group in groups:
                    bases.append((table, group, "n"))
                    events.extend((table, group, item, "n") for item in found)
                    if outcome:
                        bases.append((table, group, outcome))
                        events.extend((table, group, item, outcome) for item in found)
            tally.bases.update(bases)  # lists: Counter counts them in C
            tally.events.update(events)
            if outcome:
                said = {"cword": texts[i], "aword": agent_line or "", "aline": agent_line or ""}
                _count_feelings(tally, items, outcome, before, feeling, said, rank(call.id, str(i)))
        before, agent_line = feeling, None


def _count_feelings(
    tally: Tally,
    items: dict[str, set[str]],
    outcome: str,
    before: tuple[str, float],
    after: tuple[str, float],
    said: dict[str, str],
    where: str,
) -> None:
    """What the customer felt at a turn, for each item there, with an example."""
    for table, found in items.items():
        # The customer's feeling at the turn for words; before the agent's line for that line
        # (what the line was said to).
        category, intensity = before if table == "aline" else after
        hundredths = round(intensity * 100)
        for item in found:
            tally.emotions[(table, item, outcome, category)] += 1
            tally.emotions[(table, item, outcome, "intensity")] += hundredths
            tally.example((table, item, outcome), where, said[table][:_EXCERPT])


def _count_stages(
    speakers: list[str], texts: list[str], engine: AssistEngine, rules: Rules, tally: Tally
) -> None:
    stages = call_stages(speakers, lambda i: engine.wraps_up(texts[i]))
    reasons = engine.need_model.reasons
    for speaker, text, stage in zip(speakers, texts, stages, strict=True):
        if speaker != "customer":
            continue
        tally.stages[(stage, "utterances", "")] += 1
        voiced: set[tuple[str, str]] = set()
        for *_, values in engine.cue_words.longest(text):
            for kind, target in values:
                voiced.add(("reason", reasons[target].code) if kind == "r" else ("moment", target))
        for kind, code in voiced:
            tally.stages[(stage, kind, code)] += 1
