"""What the expert centre's API accepts."""

from __future__ import annotations

from typing import Annotated

from pydantic import BaseModel, Field

from moqi.db.base import MAX_ID
from moqi.service.experts.services import MAX_MESSAGE, MAX_QUESTION


class ConsultationIn(BaseModel):
    question: str = Field(
        min_length=1, max_length=MAX_QUESTION, description="what the agent needs to know"
    )
    business: str = Field(
        default="", max_length=64, description="a business code of the catalogue (routes it)"
    )
    skill: str = Field(default="", max_length=64, description="one of the departments' skills")
    contact_id: int | None = Field(default=None, ge=1, le=MAX_ID, description="the live contact")
    ticket_id: int | None = Field(
        default=None, ge=1, le=MAX_ID, description="the ticket (the answer goes on its history)"
    )


class MessageIn(BaseModel):
    body: str = Field(min_length=1, max_length=MAX_MESSAGE, description="an answer or follow-up")


class DutyIn(BaseModel):
    on_duty: bool


class ExpertIn(BaseModel):
    department: str = Field(min_length=1, max_length=32, description="a department's code")
    skills: list[Annotated[str, Field(max_length=64)]] = Field(
        default_factory=list, max_length=20, description="some of the department's skills"
    )
