"""What the search indexes: every kind of content as one flat searchable document.

Pure: built from a Content; no database, no web.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from moqi.content import Content
from moqi.content.model import SCRIPT_KIND_LABELS
from moqi.content.scripts import with_slots

KINDS = ("article", "business", "script", "reason")
KIND_LABELS = {"article": "知识", "business": "业务", "script": "话术", "reason": "来电原因"}


@dataclass(frozen=True, slots=True)
class Doc:
    """One searchable item and the facets it can be filtered by (empty facet = applies to all)."""

    id: str
    kind: str
    title: str
    text: str
    businesses: tuple[str, ...] = ()
    brands: tuple[str, ...] = ()
    regions: tuple[str, ...] = ()
    valid_from: date | None = None
    valid_to: date | None = None


def _one(value: str) -> tuple[str, ...]:
    return () if value in ("", "*") else (value,)


def documents(content: Content) -> list[Doc]:
    """Articles, businesses (with aliases, summary and relation notes), scripts and call reasons."""
    notes: dict[str, list[str]] = {}
    for rel in content.relations:
        if rel.note:
            notes.setdefault(rel.src, []).append(rel.note)
    reasons = {r.code: r for r in content.reasons}
    docs = [
        Doc(
            f"article:{a.id}",
            "article",
            a.title,
            "\n".join(x for x in (a.question, a.answer, *a.steps, *a.key_points) if x),
            a.businesses,
            a.brands,
            a.regions,
            a.valid_from,
            a.valid_to,
        )
        for a in content.articles
    ]
    docs += [
        Doc(
            f"business:{b.code}",
            "business",
            b.name,
            "；".join([b.summary, "又称：" + "、".join(b.aliases), *notes.get(b.code, [])]),
            (b.code,),
        )
        for b in content.businesses
    ]
    docs += [
        Doc(
            f"script:{s.id}",
            "script",
            f"{SCRIPT_KIND_LABELS.get(s.kind, s.kind)} · {reasons[s.reason].label if s.reason in reasons else '通用'}",
            with_slots(s.text),
            reasons[s.reason].businesses if s.reason in reasons else (),
            _one(s.brand),
            _one(s.region),
        )
        for s in content.scripts
    ]
    docs += [
        Doc(f"reason:{r.code}", "reason", r.label, "客户常说：" + "、".join(r.cues), r.businesses)
        for r in content.reasons
    ]
    return docs
