"""API shapes of live assist."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, Field

from moqi.assist.session import MAX_CHARS


class UtteranceIn(BaseModel):
    speaker: str = Field(description="customer/客户 or agent/坐席/helpdesk", max_length=16)
    text: str = Field(max_length=MAX_CHARS)
    ts: float | None = Field(default=None, description="seconds from the start of the contact")


class AnalyzeRequest(BaseModel):
    customer: str | None = Field(default=None, description="stored customer id or phone number", max_length=32)
    channel: Literal["voice", "wechat", "web", "sms", "email", "app"] = "voice"
    title: str = Field(default="", max_length=200)
    utterances: list[UtteranceIn] = Field(min_length=1, max_length=2000)
    store: bool = True


class AnalyzeResponse(BaseModel):
    contact_id: int | None
    events: list[dict]
