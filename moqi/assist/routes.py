"""Live assist over HTTP: analyse a batch of utterances; read back what a contact was shown."""

from __future__ import annotations

from datetime import timedelta
from typing import Annotated

from fastapi import APIRouter, Query
from sqlalchemy import select

from moqi.accounts import audit
from moqi.assist.live.services import stored_refusal
from moqi.assist.models import AssistEventRow
from moqi.assist.quality import MAX_DAYS, agent_phrase_review
from moqi.assist.schemas import AnalyzeRequest, AnalyzeResponse
from moqi.assist.services import live_engine, record_call
from moqi.assist.session import canonical_speaker
from moqi.assist.transcript import Transcript, check_said
from moqi.errors import Forbidden, NotFound
from moqi.service import services as desk
from moqi.web.auth import AgentUser, LeadUser, SessionDep
from moqi.web.clock import now
from moqi.web.params import Id

router = APIRouter(prefix="/api/assist", tags=["assist"])


@router.post(
    "/analyze", response_model=AnalyzeResponse, summary="Run utterances through one assist session"
)
def analyze(body: AnalyzeRequest, session: SessionDep, user: AgentUser) -> AnalyzeResponse:
    """Every utterance gets an assist event; with `store` the contact is recorded (all or nothing)."""
    turns = [(canonical_speaker(u.speaker), u.text, u.ts) for u in body.utterances]
    check_said(turns)
    transcript = Transcript(header={"channel": body.channel, "title": body.title}, turns=turns)
    contact_id, events = record_call(
        session, transcript, customer_ref=body.customer, now=now(), agent=user.username
    )
    if body.store:
        session.commit()  # before answering: the caller may ask for the contact at once
    else:
        session.rollback()
    stored = contact_id if body.store else None
    return AnalyzeResponse(contact_id=stored, events=[e.as_dict() for e in events])


@router.get("/contacts/{contact_id}/events", summary="The assist events a contact was shown")
def contact_events(contact_id: Id, session: SessionDep, user: AgentUser) -> list[dict]:
    """Events in turn order; 404 for an unknown contact, 403 for another agent's (or another
    team's) contact — the rule of the live routes."""
    refusal = stored_refusal(
        session, contact_id, role=user.role, username=user.username, team=user.team
    )
    if refusal:
        raise Forbidden(refusal)
    customer = desk.get_contact(session, contact_id).customer_id
    audit.record(
        session,
        actor=user.username,
        action="contact.read",
        target_kind="customer",
        target_id=customer or "-",
        detail={"contact_id": contact_id},
    )
    rows = session.scalars(
        select(AssistEventRow)
        .where(AssistEventRow.contact_id == contact_id)
        .order_by(AssistEventRow.turn)
    )
    return [r.payload for r in rows]


@router.get(
    "/businesses/{code}", summary="A business of the catalogue with its relations and scripts"
)
def business(code: str, session: SessionDep, user: AgentUser) -> dict:
    """What the agent sees when clicking a node of the business association map."""
    engine = live_engine(session)
    b = engine.map.businesses.get(code)
    if b is None:
        raise NotFound(f"no business {code!r}")
    relations = engine.map.related([code], limit=20)
    reasons = [r.code for r in engine.content.reasons if code in r.businesses]
    scripts = [s for s in engine.content.scripts if s.reason in reasons and "{" not in s.text][:5]
    return {
        "code": b.code,
        "name": b.name,
        "category": b.category,
        "aliases": list(b.aliases),
        "summary": b.summary,
        "relations": [
            {"to": r.dst, "to_name": r.dst_name, "relation": r.relation, "note": r.note}
            for r in relations
        ],
        "scripts": [{"id": s.id, "kind": s.kind, "text": s.text} for s in scripts],
    }


quality_router = APIRouter(prefix="/api/quality", tags=["quality"])


@quality_router.get(
    "/agent-phrases",
    summary="The quality review: agents' marked-down phrases of the last days, counted per agent",
)
def agent_phrases_review(
    session: SessionDep,
    user: LeadUser,
    days: Annotated[int, Query(ge=1, le=MAX_DAYS)] = 7,
) -> dict:
    """A team lead sees their team's agents, an admin every team's; contacts begun in the last
    `days` days, agents with the most hits first."""
    until = now()
    return agent_phrase_review(
        session,
        live_engine(session),
        team=None if user.role == "admin" else user.team,
        since=until - timedelta(days=days),
        until=until,
    )
