"""The kinds of quiz question, each made from one content item (its anchor): what a business
requires, what it conflicts with, which line fits an emotion and a brand, what to read back
after an operation, which escalation channel a customer names, which emotion a word carries.

Each kind has a `fits` test of its own: an option is offered as a distractor only when the
test says it is wrong, so a question has exactly one right answer."""

from __future__ import annotations

import random
from collections import defaultdict
from collections.abc import Callable, Collection, Iterator, Mapping
from dataclasses import dataclass

from moqi.content import Content
from moqi.content.model import BRANDS, EMOTION_LABELS, SCRIPT_KIND_LABELS, STAGE_LABELS, Script

OPTIONS = 4  # one right answer and three distractors
KIND_LABELS = {
    "prerequisite": "业务前置条件",
    "conflict": "业务互斥",
    "script_fit": "话术选择",
    "readback": "三维确认",
    "escalation": "升级渠道",
    "emotion_word": "情绪识别",
}
CUSTOMER = "王先生"
PLACEHOLDERS = {
    "{customer}": CUSTOMER,
    "{business}": "该业务",
    "{number}": "尾号1234",
    "{days}": "3",
}


@dataclass(frozen=True)
class Draft:
    """A question before its options are shuffled: the right option first."""

    kind: str
    prompt: str
    right: str
    wrong: tuple[str, ...]
    explanation: str
    source: str


@dataclass(frozen=True)
class Anchor:
    """A content item a question can be made from, and the call reasons it bears on."""

    kind: str
    key: str
    reasons: tuple[str, ...]
    make: Callable[[random.Random], Draft | None]


def _pick(
    rng: random.Random, pool: list[str], n: int, prefer: Collection[str] = frozenset()
) -> list[str]:
    """n distinct items of pool, those in `prefer` first (shuffled within each group)."""
    pool = list(dict.fromkeys(pool))
    first = [p for p in pool if p in prefer]
    rest = [p for p in pool if p not in prefer]
    rng.shuffle(first)
    rng.shuffle(rest)
    return (first + rest)[:n]


def _closure(start: str, edges: dict[str, set[str]]) -> set[str]:
    seen: set[str] = set()
    todo = [start]
    while todo:
        for nxt in edges.get(todo.pop(), ()):
            if nxt not in seen:
                seen.add(nxt)
                todo.append(nxt)
    return seen


def _reasons_of(content: Content, *codes: str) -> tuple[str, ...]:
    return tuple(r.code for r in content.reasons if set(codes) & set(r.businesses))


def relation_anchors(content: Content) -> Iterator[Anchor]:
    """Prerequisite and conflict questions, one per business that has such edges."""
    names = {b.code: b.name for b in content.businesses}
    category = {b.code: b.category for b in content.businesses}
    requires: dict[str, set[str]] = defaultdict(set)
    conflicts: dict[str, set[str]] = defaultdict(set)
    related: dict[str, set[str]] = defaultdict(set)
    notes: dict[tuple[str, str, str], str] = {}
    for r in content.relations:
        if r.src not in names or r.dst not in names:
            continue
        notes[(r.relation, r.src, r.dst)] = r.note
        related[r.src].add(r.dst)
        related[r.dst].add(r.src)
        if r.relation == "requires":
            requires[r.src].add(r.dst)
        elif r.relation == "conflicts_with":
            conflicts[r.src].add(r.dst)
            conflicts[r.dst].add(r.src)

    def prerequisite(src: str) -> Callable[[random.Random], Draft | None]:
        def make(rng: random.Random) -> Draft | None:
            # Whatever src needs, directly or through what it needs, is right: never a distractor.
            needed = _closure(src, requires)
            right = rng.choice(sorted(requires[src]))
            near = {c for c in names if category[c] == category[right]} | related[src]
            wrong = _pick(rng, [c for c in names if c not in needed and c != src], 3, near)
            if len(wrong) < OPTIONS - 1:
                return None
            note = notes.get(("requires", src, right), "")
            return Draft(
                "prerequisite",
                f"客户要办理「{names[src]}」，下列哪一项是办理前须先具备的？",
                names[right],
                tuple(names[c] for c in wrong),
                f"业务关联地图：「{names[src]}」的前置条件是「{names[right]}」。{note}",
                f"relation:requires:{src}:{right}",
            )

        return make

    def conflict(src: str) -> Callable[[random.Random], Draft | None]:
        def make(rng: random.Random) -> Draft | None:
            right = rng.choice(sorted(conflicts[src]))
            near = {c for c in names if category[c] == category[src]} | related[src]
            pool = [c for c in names if c not in conflicts[src] and c != src]
            wrong = _pick(rng, pool, 3, near)
            if len(wrong) < OPTIONS - 1:
                return None
            note = notes.get(("conflicts_with", src, right)) or notes.get(
                ("conflicts_with", right, src), ""
            )
            return Draft(
                "conflict",
                f"下列哪项业务与「{names[src]}」互斥，不能同时办理？",
                names[right],
                tuple(names[c] for c in wrong),
                f"业务关联地图：「{names[src]}」与「{names[right]}」互斥。{note}",
                f"relation:conflicts_with:{src}:{right}",
            )

        return make

    for src in sorted(requires):
        yield Anchor("prerequisite", src, _reasons_of(content, src), prerequisite(src))
    for src in sorted(conflicts):
        yield Anchor("conflict", src, _reasons_of(content, src), conflict(src))


def script_text(script: Script) -> str:
    """A line as an agent would say it, its placeholders filled with an example."""
    text = script.text
    for key, value in PLACEHOLDERS.items():
        text = text.replace(key, value)
    return text


def script_fits(script: Script, situation: dict[str, str]) -> bool:
    """Whether a line may be said in the situation: each key it names matches (`*` fits any)."""
    if script.conditions or script.region not in ("", "*"):
        return False
    return all(getattr(script, key) in (value, "*", "") for key, value in situation.items())


def _why_not(text: str, others: list[Script], situation: dict[str, str], reasons: dict) -> str:
    """Why a distractor line does not fit: what its script was written for instead."""
    script = next(s for s in others if script_text(s) == text)
    said = []
    for key, value in situation.items():
        theirs = getattr(script, key)
        if theirs in (value, "*", ""):
            continue
        if key == "emotion":
            said.append(f"「{EMOTION_LABELS.get(theirs, theirs)}」情绪")
        elif key == "brand":
            said.append(f"{theirs}客户")
        elif key == "stage":
            said.append(STAGE_LABELS.get(theirs, theirs))
        else:
            said.append(f"「{reasons.get(theirs, theirs)}」来电")
    short = text if len(text) <= 12 else text[:12] + "…"
    if not said:
        return f"“{short}”不适用于这种情况（{script.id}）。"
    return f"“{short}”是写给{'、'.join(said)}的（{script.id}）。"


def script_anchors(content: Content) -> Iterator[Anchor]:
    """Which line fits an emotion × brand (× stage, × reason where the line names them)."""
    reasons = {r.code: r.label for r in content.reasons}
    plain = [s for s in content.scripts if not s.conditions and s.region in ("", "*")]

    def make_for(script: Script) -> Callable[[random.Random], Draft | None]:
        def make(rng: random.Random) -> Draft | None:
            brand = script.brand if script.brand not in ("", "*") else rng.choice(BRANDS)
            situation = {"emotion": script.emotion, "brand": brand}
            if script.stage not in ("", "*"):
                situation["stage"] = script.stage
            if script.reason not in ("", "*"):
                situation["reason"] = script.reason
            right = script_text(script)
            others = [s for s in plain if not script_fits(s, situation)]
            # Lines of the same kind for another emotion or brand make the best distractors,
            # then lines of the same kind for another stage or reason, then any line that
            # does not fit.
            segment = {"emotion": script.emotion, "brand": brand}
            tiers = [
                [s for s in others if s.kind == script.kind and not script_fits(s, segment)],
                [s for s in others if s.kind == script.kind],
                others,
            ]
            wrong: list[str] = []
            for tier in tiers:
                texts = [script_text(s) for s in tier]
                texts = [t for t in dict.fromkeys(texts) if t != right and t not in wrong]
                wrong += _pick(rng, texts, OPTIONS - 1 - len(wrong))
            if len(wrong) < OPTIONS - 1:
                return None
            said = [f"情绪为「{EMOTION_LABELS[script.emotion]}」", f"品牌为{brand}"]
            if "stage" in situation:
                said.append(f"处于{STAGE_LABELS.get(script.stage, script.stage)}")
            if "reason" in situation:
                said.append(f"来电原因是「{reasons.get(script.reason, script.reason)}」")
            kind = SCRIPT_KIND_LABELS.get(script.kind, script.kind)
            return Draft(
                "script_fit",
                f"客户{'，'.join(said)}。此时要说一句{kind}话术，下列哪一句适用？",
                right,
                tuple(wrong),
                f"话术库 {script.id}（{kind}）适用于这种情绪和客户群。"
                + "".join(_why_not(t, others, situation, reasons) for t in wrong),
                f"script:{script.id}",
            )

        return make

    for s in plain:
        if s.emotion in EMOTION_LABELS and s.emotion != "neutral":
            tags = (s.reason,) if s.reason not in ("", "*") else ()
            yield Anchor("script_fit", s.id, tags, make_for(s))


def readback_anchors(content: Content) -> Iterator[Anchor]:
    """What to read back after the agent says an operation is done or failed."""
    ops = content.operations or {}
    done = [str(p) for p in ops.get("done", [])]
    failed = [str(p) for p in ops.get("failed", [])]
    prompts = [
        str(p)
        for p in ops.get("confirm_prompts", [])
        if all(k in str(p) for k in ("{business}", "{number}", "{result}"))
    ]
    names = {b.code: b.name for b in content.businesses}
    if not prompts or not (done or failed) or len(names) < 2:
        return

    def make_for(code: str) -> Callable[[random.Random], Draft | None]:
        def make(rng: random.Random) -> Draft | None:
            phrase = rng.choice(done + failed)
            # Said together, a failure phrase wins (operations.yaml): judge the phrase itself.
            success = not any(f in phrase for f in failed)
            result, opposite = ("成功", "未成功") if success else ("未成功", "成功")
            template = rng.choice(prompts)
            number = f"{rng.randrange(10000):04d}"
            other_number = f"{(int(number) + rng.randrange(1, 9999)) % 10000:04d}"
            other = rng.choice(sorted(c for c in names if c != code))

            def say(business: str, num: str, res: str) -> str:
                return template.format(business=business, number=num, result=res)

            right = say(names[code], number, result)
            wrong = [
                say(names[code], number, opposite),
                say(names[code], other_number, result),
                say(names[other], number, result),
            ]
            return Draft(
                "readback",
                f"坐席为尾号{number}的号码办理「{names[code]}」后说：“{phrase}”。"
                "接下来的三维确认应怎样复述？",
                right,
                tuple(wrong),
                f"三维确认要读对业务（{names[code]}）、号码（尾号{number}）和结果：“{phrase}”"
                f"表示办理{result}。",
                f"operations:{'done' if success else 'failed'}:{phrase}",
            )

        return make

    for code in sorted(names):
        yield Anchor("readback", code, _reasons_of(content, code), make_for(code))


def escalation_anchors(content: Content) -> Iterator[Anchor]:
    """Which channel a customer threatens to take the matter to."""
    channels = [c for c in (content.escalation or {}).get("channels", []) if c.get("label")]
    if len(channels) < OPTIONS:
        return
    owners: dict[str, set[str]] = defaultdict(set)
    for c in channels:
        for w in c.get("words", []):
            owners[str(w)].add(c["label"])

    def unambiguous(word: str, label: str) -> bool:
        # A word that is, or holds, another channel's word would name two channels.
        return all(
            labels == {label} or (other not in word and word not in other)
            for other, labels in owners.items()
        )

    def make_for(channel: dict, word: str) -> Callable[[random.Random], Draft | None]:
        def make(rng: random.Random) -> Draft | None:
            pool = [c["label"] for c in channels if c["label"] != channel["label"]]
            return Draft(
                "escalation",
                f"客户在通话中说到“{word}”。这是要把问题带到哪条升级渠道？",
                channel["label"],
                tuple(_pick(rng, pool, 3)),
                f"升级渠道「{channel['label']}」：{channel.get('advice', '')}",
                f"escalation:{channel.get('code', channel['label'])}:{word}",
            )

        return make

    for c in channels:
        for w in c.get("words", []):
            if unambiguous(str(w), c["label"]):
                yield Anchor("escalation", f"{c.get('code')}:{w}", (), make_for(c, str(w)))


def emotion_anchors(content: Content, close: Collection[tuple[str, str]] = ()) -> Iterator[Anchor]:
    """Which emotion a strong lexicon word carries (words that hold another emotion's word left
    out); an emotion `close` to the right one is never a distractor."""
    near: dict[str, set[str]] = defaultdict(set)
    for a, b in close:
        near[a].add(b)
        near[b].add(a)
    categories: dict[str, set[str]] = defaultdict(set)
    for e in content.lexicon:
        categories[e.word].add(e.category)
    present = sorted({e.category for e in content.lexicon if e.category in EMOTION_LABELS})

    def make_for(word: str, category: str) -> Callable[[random.Random], Draft | None]:
        def make(rng: random.Random) -> Draft | None:
            pool = [EMOTION_LABELS[c] for c in present if c != category and c not in near[category]]
            return Draft(
                "emotion_word",
                f"客户说“{word}”，按情绪词库，这句话表达的是哪种情绪？",
                EMOTION_LABELS[category],
                tuple(_pick(rng, pool, 3)),
                f"情绪词库：“{word}”归为「{EMOTION_LABELS[category]}」。",
                f"lexicon:{word}",
            )

        return make

    for e in content.lexicon:
        if e.intensity < 3 or len(e.word) < 2 or categories[e.word] != {e.category}:
            continue
        if e.category not in EMOTION_LABELS:
            continue
        if len([c for c in present if c != e.category and c not in near[e.category]]) < OPTIONS - 1:
            continue
        inner = {c for w in _inner_words(e.word, categories) for c in categories[w]}
        if inner - {e.category}:
            continue
        yield Anchor("emotion_word", e.word, (), make_for(e.word, e.category))


def _inner_words(word: str, known: Mapping[str, object]) -> set[str]:
    """The known words that are a part of `word` shorter than it."""
    return {
        word[i:j]
        for i in range(len(word))
        for j in range(i + 1, len(word) + 1)
        if j - i < len(word) and word[i:j] in known
    }


def all_anchors(content: Content, close_emotions: Collection[tuple[str, str]] = ()) -> list[Anchor]:
    """Every anchor of every kind, in a stable order."""
    return [
        *relation_anchors(content),
        *script_anchors(content),
        *readback_anchors(content),
        *escalation_anchors(content),
        *emotion_anchors(content, close_emotions),
    ]
