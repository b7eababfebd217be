"""Role-play training over HTTP: pick a scenario, practise line by line, end and read the score
card; leads read their team's sessions and build scenarios from real transcripts."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query

from moqi.training.roleplay import services as roleplay
from moqi.training.roleplay.schemas import BuildIn, SayIn, StartIn
from moqi.web.auth import AgentUser, LeadUser, SessionDep
from moqi.web.clock import now
from moqi.web.params import Id

router = APIRouter(prefix="/api/training/roleplay", tags=["training"])


@router.get("/scenarios", summary="The role-play scenarios an agent can practise")
def scenarios(user: AgentUser) -> list[dict]:
    return roleplay.scenario_list()


@router.post("/scenarios/build", summary="Build a linear scenario from a real transcript")
def build(body: BuildIn, session: SessionDep, user: LeadUser) -> dict:
    """The scenario as plain data (the YAML a trainer saves under moqi/data/training/roleplay)."""
    return roleplay.scenario_from_transcript(
        session, body.transcript, title=body.title, now=now()
    ).as_dict()


@router.post(
    "/sessions", status_code=201, summary="Start a practice call (the customer speaks first)"
)
def start(body: StartIn, session: SessionDep, user: AgentUser) -> dict:
    row = roleplay.start(
        session,
        agent=user,
        now=now(),
        scenario_key=body.scenario,
        contact_id=body.contact_id,
        seed=body.seed,
    )
    out = roleplay.view(row)
    session.commit()
    return out


@router.get("/sessions", summary="Sessions: an agent's own, a lead's team's, an admin's all")
def sessions(
    session: SessionDep,
    user: AgentUser,
    agent: Annotated[str | None, Query(max_length=64)] = None,
) -> list[dict]:
    return roleplay.listing(session, user, agent=agent)


@router.get("/sessions/{session_id}", summary="One session with its transcript and score card")
def one(session_id: Id, session: SessionDep, user: AgentUser) -> dict:
    return roleplay.view(roleplay.access(session, session_id, user))


@router.post("/sessions/{session_id}/messages", summary="Say a line; the customer answers")
def message(session_id: Id, body: SayIn, session: SessionDep, user: AgentUser) -> dict:
    out = roleplay.say(session, session_id, body.text, user=user, now=now())
    session.commit()
    return out


@router.post("/sessions/{session_id}/end", summary="End the practice call and score it")
def finish(session_id: Id, session: SessionDep, user: AgentUser) -> dict:
    out = roleplay.end(session, session_id, user=user, now=now())
    session.commit()
    return out
