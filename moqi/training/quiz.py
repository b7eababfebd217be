"""Quizzes generated from the content with a seeded random generator: the same content and seed
give the same quiz. Questions are spread over the kinds (quiz_kinds.py); given weak areas
(call reasons with their weights), up to half the questions come from content that bears on
them, and each such question says which weak area it was chosen for."""

from __future__ import annotations

import random
from collections.abc import Collection, Mapping
from dataclasses import asdict, dataclass

from moqi.content import Content
from moqi.errors import Invalid
from moqi.training.quiz_kinds import KIND_LABELS, Anchor, Draft, all_anchors

MAX_QUESTIONS = 30


class NotEnoughContent(Invalid):
    """The content cannot make as many different questions as asked for."""


@dataclass(frozen=True)
class Question:
    """One multiple-choice question as frozen in an attempt: a later content edit does not
    change a quiz already made."""

    kind: str
    topic: str
    prompt: str
    options: tuple[str, ...]
    answer: int
    explanation: str
    source: str
    reasons: tuple[str, ...] = ()
    focus: str = ""  # the weak area (a reason code) this question was chosen for

    def as_dict(self) -> dict:
        """The question as stored (JSON: lists, not tuples)."""
        return {**asdict(self), "options": list(self.options), "reasons": list(self.reasons)}

    @classmethod
    def from_dict(cls, body: Mapping) -> Question:
        return cls(
            kind=body["kind"],
            topic=body["topic"],
            prompt=body["prompt"],
            options=tuple(body["options"]),
            answer=int(body["answer"]),
            explanation=body["explanation"],
            source=body["source"],
            reasons=tuple(body.get("reasons", ())),
            focus=body.get("focus", ""),
        )


def _question(draft: Draft, anchor: Anchor, rng: random.Random, focus: str) -> Question | None:
    options = [draft.right, *draft.wrong]
    if len(set(options)) != len(options) or len(options) < 2:
        return None
    order = list(range(len(options)))
    rng.shuffle(order)
    return Question(
        kind=draft.kind,
        topic=KIND_LABELS[draft.kind],
        prompt=draft.prompt,
        options=tuple(options[i] for i in order),
        answer=order.index(0),
        explanation=draft.explanation,
        source=draft.source,
        reasons=anchor.reasons,
        focus=focus,
    )


def generate(
    content: Content,
    *,
    seed: int,
    count: int = 10,
    focus: Mapping[str, float] | None = None,
    kinds: tuple[str, ...] | None = None,
    close_emotions: Collection[tuple[str, str]] = (),
) -> list[Question]:
    """`count` questions, no prompt twice; NotEnoughContent when the content has too few."""
    if isinstance(count, bool) or not isinstance(count, int) or not 1 <= count <= MAX_QUESTIONS:
        raise Invalid(f"count: a whole number from 1 to {MAX_QUESTIONS}")
    unknown = set(kinds or ()) - set(KIND_LABELS)
    if unknown:
        raise Invalid(
            f"kinds: unknown {', '.join(sorted(unknown))}; one of {', '.join(KIND_LABELS)}"
        )
    rng = random.Random(seed)
    anchors = [a for a in all_anchors(content, close_emotions) if kinds is None or a.kind in kinds]
    weights = {k: float(v) for k, v in (focus or {}).items() if v > 0}
    made: list[Question] = []
    prompts: set[str] = set()
    spent: set[int] = set()  # anchors tried, made into a question or not

    def take(pool: list[int], why) -> bool:
        """Make one question from a weighted pick of the anchors `pool` indexes."""
        pool = [i for i in pool if i not in spent]
        while pool:
            w = [1.0 + sum(weights.get(r, 0.0) for r in anchors[i].reasons) for i in pool]
            i = pool.pop(rng.choices(range(len(pool)), weights=w)[0])
            spent.add(i)
            draft = anchors[i].make(rng)
            if draft is None or draft.prompt in prompts:
                continue
            question = _question(draft, anchors[i], rng, why(anchors[i]))
            if question is None:
                continue
            prompts.add(draft.prompt)
            made.append(question)
            return True
        return False

    def strongest(anchor: Anchor) -> str:
        hit = [r for r in anchor.reasons if r in weights]
        return max(hit, key=lambda r: (weights[r], r)) if hit else ""

    focused = [i for i, a in enumerate(anchors) if any(r in weights for r in a.reasons)]
    while len(made) < count // 2 and take(focused, strongest):
        pass
    # The rest round-robin over the kinds (in a seeded order), so every kind is practised.
    by_kind: dict[str, list[int]] = {}
    for i, a in enumerate(anchors):
        by_kind.setdefault(a.kind, []).append(i)
    order = sorted(by_kind)
    rng.shuffle(order)
    while len(made) < count and order:
        for kind in list(order):
            if len(made) >= count:
                break
            if not take(by_kind[kind], lambda a: ""):
                order.remove(kind)
    if len(made) < count:
        raise NotEnoughContent(
            f"内容只够出 {len(made)} 道不同的题，少于要求的 {count} 道："
            "请先用 moqi init 载入业务目录、话术、情绪词库和三维确认话语，或减少题量"
        )
    return made
