"""Tickets over HTTP: an agent's own commitments, a lead's view of all, resolving one."""

from __future__ import annotations

from typing import Literal

from fastapi import APIRouter

from moqi.service import tickets
from moqi.service.schemas import Resolution
from moqi.web.auth import DeskUser, SessionDep
from moqi.web.clock import now
from moqi.web.params import Id

router = APIRouter(prefix="/api/tickets", tags=["tickets"])


@router.get(
    "", summary="Tickets, most urgent first (agents see their own; leads and admins see all)"
)
def list_tickets(
    session: SessionDep, user: DeskUser, status: Literal["open", "resolved", "all"] = "open"
) -> list[dict]:
    owner = None if user.role in tickets.LEADS else user.username
    return tickets.listing(
        session, owner=owner, status=None if status == "all" else status, now=now()
    )


@router.post(
    "/{ticket_id}/resolve", summary="Resolve a ticket (its owner, 首问负责, or a team lead)"
)
def resolve(ticket_id: Id, body: Resolution, session: SessionDep, user: DeskUser) -> dict:
    ticket = tickets.resolve(
        session,
        ticket_id,
        username=user.username,
        role=user.role,
        resolution=body.resolution,
        now=now(),
    )
    out = tickets.as_dict(ticket, now())
    session.commit()
    return out
