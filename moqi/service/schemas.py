"""What the service desk's API accepts."""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from pydantic import BaseModel, Field

Kind = Literal["complaint", "fault", "handling", "consultation"]
Priority = Literal["urgent", "high", "normal", "low"]
Text = Field(min_length=1, max_length=4000)


class TicketIn(BaseModel):
    kind: Kind
    priority: Priority = "normal"
    title: str = Field(min_length=1, max_length=200)
    description: str = Field(default="", max_length=4000)
    customer: str | None = Field(default=None, max_length=32, description="customer id or number")
    contact_id: int | None = Field(default=None, ge=1)
    channel: Literal["voice", "wechat", "app", "sms", "web", "email"] = "voice"
    businesses: list[str] = Field(default_factory=list, max_length=20)
    reason: str = Field(default="", max_length=64)
    escalation: str = Field(
        default="", max_length=64, description="工信部, 媒体, … when threatened"
    )


class TicketChange(BaseModel):
    kind: Kind | None = None
    priority: Priority | None = None
    title: str | None = Field(default=None, min_length=1, max_length=200)
    businesses: list[str] | None = Field(default=None, max_length=20)
    escalated: bool | None = None
    escalation: str | None = Field(default=None, max_length=64)


class Body(BaseModel):
    body: str = Text


class Transfer(BaseModel):
    to: str = Field(min_length=1, max_length=64)
    note: str = Field(default="", max_length=1000)


class Reassign(BaseModel):
    to: str = Field(min_length=1, max_length=64)
    reason: str = Field(min_length=1, max_length=1000, description="recorded on the ticket")


class Resolution(BaseModel):
    code: str = Field(
        min_length=1, max_length=32, description="a resolution code (GET /api/tickets/codes)"
    )
    resolution: str = Field(
        min_length=1, max_length=4000, description="what was done for the customer"
    )


class CommitmentIn(BaseModel):
    text: str = Field(min_length=1, max_length=400)
    due_at: datetime = Field(description="ISO 8601 with an offset")
    owner: str | None = Field(default=None, max_length=64)


class CallbackDone(BaseModel):
    outcome: Literal["solved", "not_solved", "unreachable"]
    notes: str = Field(default="", max_length=2000)


class SurveyAnswer(BaseModel):
    solved: bool
    score: int | None = Field(default=None, ge=1, le=5)
    comment: str = Field(default="", max_length=1000)


class CalendarIn(BaseModel):
    name: str = Field(min_length=1, max_length=64, pattern=r"^[a-z0-9_]+$")
    doc: dict = Field(
        description="the calendar in its YAML form: timezone, week, holidays, workdays"
    )
    note: str = Field(default="", max_length=200)
