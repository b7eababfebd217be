"""API shapes of role-play training."""

from __future__ import annotations

from pydantic import BaseModel, Field

from moqi.db.base import MAX_ID

# The service gives the clear limit (MAX_MESSAGE); this only keeps huge bodies out.
_BODY_LIMIT = 20_000


class StartIn(BaseModel):
    scenario: str | None = Field(default=None, max_length=48, description="a scenario's key")
    contact_id: int | None = Field(
        default=None, ge=1, le=MAX_ID, description="a stored contact to build the scenario from"
    )
    seed: int | None = Field(
        default=None, ge=0, le=MAX_ID, description="chooses the customer's wordings (reproducible)"
    )


class SayIn(BaseModel):
    text: str = Field(max_length=_BODY_LIMIT, description="what the agent says")


class BuildIn(BaseModel):
    transcript: str = Field(
        min_length=1, max_length=400_000, description="JSONL or 客户：…/坐席：… lines"
    )
    title: str = Field(default="", max_length=200)
