"""The outbox over HTTP: team leads and admins read it; agents queue a 话费代缴通知."""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, Query

from moqi.service.outbox import services
from moqi.service.outbox.schemas import PaymentReminderIn, as_dict
from moqi.web.auth import AgentUser, LeadUser, SessionDep
from moqi.web.clock import now
from moqi.web.params import Id

router = APIRouter(prefix="/api/outbox", tags=["outbox"])

Status = Literal["pending", "sending", "sent", "failed"]


@router.get("", summary="Messages to customers, newest first (team leads and admins)")
def list_messages(
    session: SessionDep,
    user: LeadUser,
    status: Status | None = None,
    limit: Annotated[int, Query(ge=1, le=services.LIST_MAX)] = 200,
) -> list[dict]:
    return [as_dict(row) for row in services.listing(session, status, limit)]


@router.get("/{message_id}", summary="One message to a customer (team leads and admins)")
def show_message(message_id: Id, session: SessionDep, user: LeadUser) -> dict:
    return as_dict(services.get(session, message_id))


@router.post(
    "/payment-reminders",
    summary="Queue a 话费代缴通知 to a family member's number, with the holder's consent",
    description="Idempotent: one reminder per customer, family number and (Beijing) day; "
    "asking again that day answers the reminder already queued.",
)
def payment_reminder(body: PaymentReminderIn, session: SessionDep, user: AgentUser) -> dict:
    row = services.payment_reminder(
        session,
        customer_id=body.customer_id,
        family_phone=body.family_phone,
        amount_yuan=body.amount_yuan,
        consent_by=body.consent_by,
        consent_how=body.consent_how,
        agent=user.username,
        now=now(),
        ticket_id=body.ticket_id,
    )
    return as_dict(row)
