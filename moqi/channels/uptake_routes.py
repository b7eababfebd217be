"""Self-service offers and their uptake over HTTP: the paths an agent can offer, recording an
offer on a contact, and the counts per agent and reason for a team lead."""

from __future__ import annotations

from datetime import timedelta
from typing import Annotated

from fastapi import APIRouter, Query
from pydantic import BaseModel, Field

from moqi.assist.live import services as lives
from moqi.channels import uptake
from moqi.errors import Forbidden
from moqi.web.auth import AgentUser, LeadUser, SessionDep
from moqi.web.clock import now

router = APIRouter(tags=["channels"])


class OfferIn(BaseModel):
    contact_id: int = Field(ge=1, le=2**31 - 1)
    reason: str = Field(min_length=1, max_length=64)


@router.get("/api/channels/selfservice/paths", summary="Reasons with a self-service path to offer")
def offer_paths(user: AgentUser) -> dict:
    return uptake.paths()


@router.post("/api/channels/selfservice/offers", summary="Record that you offered the path")
def record_offer(body: OfferIn, session: SessionDep, user: AgentUser) -> dict:
    why = lives.stored_refusal(
        session, body.contact_id, role=user.role, username=user.username, team=user.team
    )
    if why:
        raise Forbidden(why)
    answer = uptake.offer(
        session, body.contact_id, body.reason, agent=user.username, team=user.team, now=now()
    )
    session.commit()
    return answer


@router.get(
    "/api/channels/selfservice/report",
    summary="Self-service offers and uptake per agent and reason (your team; admin: all)",
)
def offer_report(
    session: SessionDep, user: LeadUser, days: Annotated[int, Query(ge=1, le=366)] = 30
) -> dict:
    until = now()
    team = None if user.role == "admin" else user.team
    return uptake.report(session, since=until - timedelta(days=days), until=until, team=team)
