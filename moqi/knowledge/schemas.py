"""API shapes of the knowledge base: proposals, reviews, usage, stories."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, Field

from moqi.db.base import MAX_ID
from moqi.knowledge.items import VERSIONED
from moqi.knowledge.review import ACTIONS, SOURCES

KindName = Literal[VERSIONED]  # type: ignore[valid-type]


class ProposalIn(BaseModel):
    kind: KindName
    key: str = Field(
        min_length=1,
        max_length=64,
        description="article id, script id, business code or lexicon word",
    )
    action: Literal[ACTIONS]  # type: ignore[valid-type]
    body: dict | None = Field(
        default=None,
        description="the item's fields (see GET /api/knowledge/items/{kind}/{key}); omit for delete",
    )
    summary: str = Field(min_length=1, max_length=500, description="why the change is needed")
    source: Literal[SOURCES] = "workbench"  # type: ignore[valid-type]
    source_ref: str = Field(
        default="", max_length=64, description="e.g. the contact id the idea came from"
    )


class BodyIn(BaseModel):
    body: dict


class NoteIn(BaseModel):
    note: str = Field(default="", max_length=2000)


class TextIn(BaseModel):
    text: str = Field(min_length=1, max_length=4000)


class RollbackIn(BaseModel):
    version: int = Field(ge=1, le=MAX_ID)


class ClickIn(BaseModel):
    item: str = Field(
        min_length=3, max_length=100, description="the hit's id, e.g. article:roaming-before-travel"
    )


class UseIn(ClickIn):
    action: Literal["view", "copy", "used"] = "used"


class StoryIn(BaseModel):
    title: str = Field(min_length=1, max_length=200)
    situation: str = Field(min_length=1, max_length=4000, description="the hard case")
    what_worked: str = Field(
        min_length=1, max_length=4000, description="what the agent said or did that solved it"
    )
    reason: str | None = Field(default=None, max_length=64)
    businesses: list[str] = Field(default_factory=list, max_length=20)
    contact_id: int | None = Field(default=None, ge=1, le=MAX_ID)


class RatingIn(BaseModel):
    stars: int = Field(ge=1, le=5)
    comment: str = Field(default="", max_length=1000)


class PromoteIn(BaseModel):
    script_id: str = Field(min_length=1, max_length=32)
    kind: str = Field(
        min_length=1, max_length=32, description="script kind, e.g. empathy, explanation, retention"
    )
    text: str = Field(min_length=1, max_length=2000)
    emotion: str = "*"
    brand: str = "*"
    region: str = "*"
    stage: str = "*"
