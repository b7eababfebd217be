"""API shapes of live assist."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, Field, field_validator

from moqi.assist.session import MAX_CHARS

MAX_TS = 30 * 86400.0  # no call or chat runs longer than a month


class UtteranceIn(BaseModel):
    speaker: str = Field(description="customer/客户 or agent/坐席/helpdesk", max_length=16)
    text: str = Field(max_length=MAX_CHARS)
    ts: float | None = Field(
        default=None,
        ge=0,
        le=MAX_TS,
        allow_inf_nan=False,
        description="seconds from the start of the contact (0 to 30 days)",
    )

    @field_validator("speaker", "text")
    @classmethod
    def _no_nul(cls, value: str) -> str:
        # The live path reads these from WebSocket messages too, which no middleware checks.
        if "\x00" in value:
            raise ValueError("text may not contain the NUL character (U+0000)")
        return value


class AnalyzeRequest(BaseModel):
    customer: str | None = Field(
        default=None, description="stored customer id or phone number", max_length=32
    )
    channel: Literal["voice", "wechat", "web", "sms", "email", "app"] = "voice"
    title: str = Field(default="", max_length=200)
    utterances: list[UtteranceIn] = Field(min_length=1, max_length=2000)
    store: bool = True


class AnalyzeResponse(BaseModel):
    contact_id: int | None
    events: list[dict]


class ContactOpen(BaseModel):
    customer: str | None = Field(
        default=None, description="stored customer id or phone number", max_length=32
    )
    channel: Literal["voice", "wechat", "web", "sms", "email", "app"] = "voice"
    title: str = Field(default="", max_length=200)


class ContactOpened(BaseModel):
    contact_id: int
    customer: dict
    need: dict = Field(description="the predicted need before the first word")
    scripts: list[dict] = Field(description="how to open the contact")
    history: list[dict] = Field(description="the customer's previous contacts, newest first")
    tickets: list[dict] = Field(
        description="the customer's open tickets (follow-ups, complaints) with their SLA clocks, most urgent first"
    )


class ConfirmationAnswer(BaseModel):
    agreed: bool = Field(
        description="the customer agreed to the read-back of business, number and result"
    )


class WrapUp(BaseModel):
    reason: str = Field(max_length=64, description="call reason code (taxonomy)")
    result: Literal["resolved", "unresolved", "transferred", "callback"]
    notes: str = Field(default="", max_length=2000)
    follow_up: bool = False


class WhisperIn(BaseModel):
    text: str = Field(min_length=1, max_length=500)
