"""What the outbox API accepts and answers (pydantic)."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, field_serializer

from moqi.db.base import MAX_ID


class PaymentReminderIn(BaseModel):
    """A 话费代缴通知 to a family member's number, with the account holder's consent."""

    model_config = ConfigDict(extra="forbid")

    customer_id: str = Field(min_length=1, max_length=32, description="the account holder")
    family_phone: str = Field(
        min_length=11, max_length=20, description="the family member's 11-digit mobile number"
    )
    amount_yuan: Decimal = Field(
        ge=-100_000,
        le=100_000,
        max_digits=8,
        decimal_places=2,
        allow_inf_nan=False,
        description="the customer's balance in yuan; negative when in arrears",
    )
    consent_by: str = Field(min_length=1, max_length=40, description="who agreed, e.g. 机主本人")
    consent_how: str = Field(
        min_length=1, max_length=60, description="how, e.g. 通话中口头同意（已录音）"
    )
    ticket_id: int | None = Field(default=None, ge=1, le=MAX_ID)


class OutboxMessageOut(BaseModel):
    """A message as the API and `moqi outbox … --json` show it: never the sealed address."""

    model_config = ConfigDict(from_attributes=True)

    id: int
    dedupe_key: str
    channel: str
    kind: str
    customer_id: str | None
    ticket_id: int | None
    recipient: str
    body: str
    consent: str
    created_at: datetime
    status: str
    gateway: str
    attempts: int
    next_try_at: datetime | None
    sent_at: datetime | None
    last_error: str

    @field_serializer("created_at", "next_try_at", "sent_at")
    def _utc(self, value: datetime | None) -> str | None:
        # SQLite hands timestamps back without their offset; they were stored in UTC.
        if value is None:
            return None
        return (value if value.tzinfo else value.replace(tzinfo=UTC)).isoformat()


def as_dict(row: Any) -> dict[str, Any]:
    """An outbox row as JSON-ready members."""
    return OutboxMessageOut.model_validate(row).model_dump(mode="json")
