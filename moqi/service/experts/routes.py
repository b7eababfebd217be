"""The virtual expert centre over HTTP: agents ask and follow up, experts take, answer and go on
or off duty, anyone in the thread closes it or proposes the answer to the knowledge base;
administrators place experts in departments."""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, Depends, Path, Query

from moqi.accounts.models import User
from moqi.db.base import MAX_ID
from moqi.errors import Forbidden
from moqi.service.experts import services as experts
from moqi.service.experts.schemas import ConsultationIn, DutyIn, ExpertIn, MessageIn
from moqi.web.auth import AdminUser, AgentUser, DeskUser, SessionDep, require
from moqi.web.clock import now
from moqi.web.params import Id

router = APIRouter(tags=["experts"])
ExpertUser = Annotated[User, Depends(require("expert"))]
Username = Annotated[str, Path(min_length=1, max_length=64, description="an expert's username")]
Status = Literal["open", "answered", "closed", "all"]


@router.post(
    "/api/consultations",
    status_code=201,
    summary="Ask the expert centre (routed by business and skill to the expert on duty)",
)
def ask(body: ConsultationIn, session: SessionDep, user: AgentUser) -> dict:
    at = now()
    consultation = experts.ask(
        session,
        asked_by=user.username,
        question=body.question,
        business=body.business,
        skill=body.skill,
        contact_id=body.contact_id,
        ticket_id=body.ticket_id,
        now=at,
    )
    out = experts.view(session, consultation, at)
    session.commit()
    return out


@router.get(
    "/api/consultations",
    summary="Consultations: an agent's own, an expert's department queue, all for leads",
)
def list_consultations(
    session: SessionDep,
    user: DeskUser,
    contact_id: Annotated[int | None, Query(ge=1, le=MAX_ID)] = None,
    status: Status | None = None,
) -> list[dict]:
    at = now()
    statuses = () if status in (None, "all") else (status,)
    if user.role == "expert":
        expert = experts.expert_of(session, user.username)
        if expert is None:
            return []
        return experts.listing(
            session,
            now=at,
            department=expert.department,
            contact_id=contact_id,
            statuses=("open",) if status is None else statuses,
            soonest_first=True,
        )
    asked_by = None if user.role in experts.LEADS else user.username
    return experts.listing(
        session, now=at, asked_by=asked_by, contact_id=contact_id, statuses=statuses
    )


@router.get("/api/consultations/{consultation_id}", summary="A consultation with its thread")
def get_consultation(consultation_id: Id, session: SessionDep, user: DeskUser) -> dict:
    consultation = experts.access(session, consultation_id, username=user.username, role=user.role)
    return experts.view(session, consultation, now())


@router.post(
    "/api/consultations/{consultation_id}/messages",
    status_code=201,
    summary="Answer (an expert of the department) or follow up (the agent who asked)",
)
def post_message(consultation_id: Id, body: MessageIn, session: SessionDep, user: DeskUser) -> dict:
    consultation = experts.access(session, consultation_id, username=user.username, role=user.role)
    if user.username == consultation.asked_by:
        role = "agent"
    elif user.role == "expert":
        role = "expert"
    else:
        raise Forbidden("only the agent who asked and the department's experts write here")
    at = now()
    experts.reply(session, consultation_id, author=user.username, role=role, body=body.body, now=at)
    out = experts.view(session, consultation, at)
    session.commit()
    return out


@router.post(
    "/api/consultations/{consultation_id}/take",
    summary="Take a consultation (its department's experts)",
)
def take(consultation_id: Id, session: SessionDep, user: ExpertUser) -> dict:
    experts.access(session, consultation_id, username=user.username, role=user.role)
    consultation = experts.take(session, consultation_id, user.username)
    out = experts.view(session, consultation, now())
    session.commit()
    return out


@router.post("/api/consultations/{consultation_id}/close", summary="Close a consultation")
def close(consultation_id: Id, session: SessionDep, user: DeskUser) -> dict:
    experts.access(session, consultation_id, username=user.username, role=user.role)
    consultation = experts.close(session, consultation_id, user.username)
    out = experts.view(session, consultation, now())
    session.commit()
    return out


@router.post(
    "/api/consultations/{consultation_id}/propose",
    status_code=201,
    summary="Propose the expert's answer to the knowledge base (once; the review queue decides)",
)
def propose(consultation_id: Id, session: SessionDep, user: DeskUser) -> dict:
    consultation = experts.access(session, consultation_id, username=user.username, role=user.role)
    at = now()
    proposal_id = experts.propose_answer(session, consultation_id, by=user.username, now=at)
    out = {**experts.view(session, consultation, at), "proposal_id": proposal_id}
    session.commit()
    return out


@router.get("/api/experts/departments", summary="The departments, their skills and who is on duty")
def list_departments(session: SessionDep, user: DeskUser) -> list[dict]:
    return experts.departments(session, now())


@router.get("/api/experts/me/duty", summary="The caller's department and duty (experts)")
def my_duty(session: SessionDep, user: ExpertUser) -> dict:
    return experts.duty_of(session, user.username, now())


@router.post("/api/experts/me/duty", summary="Go on or off duty (experts)")
def set_my_duty(body: DutyIn, session: SessionDep, user: ExpertUser) -> dict:
    experts.set_duty(session, user.username, body.on_duty)
    out = experts.duty_of(session, user.username, now())
    session.commit()
    return out


@router.put(
    "/api/experts/{username}", summary="Place an expert in a department with skills (admins)"
)
def put_expert(username: Username, body: ExpertIn, session: SessionDep, user: AdminUser) -> dict:
    experts.set_expert(session, username, body.department, body.skills)
    out = experts.duty_of(session, username, now())
    session.commit()
    return out
