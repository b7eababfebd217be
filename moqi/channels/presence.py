"""Agents' presence for chat routing: status, skills with levels, parallel-chat limit, load.

An agent without a row is offline with the rules' default skills and limit; setting a status
creates the row. Load is counted, not kept: the open chat contacts the agent holds.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from moqi.channels.inbound import CHAT_CHANNELS
from moqi.channels.models import AgentPresence
from moqi.channels.routing import (
    MAX_LEVEL,
    PRESENCE,
    AgentState,
    Rules,
    agent_skills,
    estimated_wait_s,
)
from moqi.errors import Invalid
from moqi.service import services as desk

MAX_CHATS = 20


def _row(session: Session, username: str, rules: Rules, now: datetime) -> AgentPresence:
    row = session.get(AgentPresence, username)
    if row is None:
        row = AgentPresence(
            username=username,
            status="offline",
            status_at=now,
            skills=dict(rules.agent_skills),
            max_chats=rules.max_chats,
        )
        session.add(row)
    return row


def set_status(
    session: Session, username: str, status: str, *, rules: Rules, now: datetime
) -> AgentPresence:
    """Set an agent's presence (available, busy, acw, away, offline)."""
    if status not in PRESENCE:
        raise Invalid(f"unknown status {status!r}: one of {', '.join(PRESENCE)}")
    row = _row(session, username, rules, now)
    if row.status != status:
        row.status, row.status_at = status, now
    session.flush()
    return row


def set_routing(
    session: Session,
    username: str,
    *,
    skills: dict | None,
    max_chats: int | None,
    rules: Rules,
    now: datetime,
) -> AgentPresence:
    """A lead sets an agent's chat skills ({skill: level 1–5}) and parallel-chat limit."""
    row = _row(session, username, rules, now)
    if skills is not None:
        row.skills = agent_skills(skills, rules.codes, "skills")
    if max_chats is not None:
        if isinstance(max_chats, bool) or not 1 <= max_chats <= MAX_CHATS:
            raise Invalid(f"max_chats: from 1 to {MAX_CHATS}")
        row.max_chats = max_chats
    session.flush()
    return row


def describe(row: AgentPresence | None, username: str, rules: Rules, load: int) -> dict:
    """An agent's presence as the API and the wall show it."""
    skills = dict(row.skills) if row else dict(rules.agent_skills)
    labels = {s.code: s.label for s in rules.skills}
    return {
        "username": username,
        "status": row.status if row else "offline",
        "status_label": PRESENCE[row.status if row else "offline"],
        "since": row.status_at.isoformat() if row else None,
        "skills": skills,
        "skill_labels": {code: labels.get(code, code) for code in skills},
        "max_chats": row.max_chats if row else rules.max_chats,
        "chats": load,
        "last_routed_at": row.last_routed_at.isoformat() if row and row.last_routed_at else None,
        "levels": MAX_LEVEL,
    }


def of(session: Session, username: str, rules: Rules) -> dict:
    """One agent's presence, with their chat load."""
    load = desk.open_contacts_by_agent(session, CHAT_CHANNELS, [username]).get(username, 0)
    return describe(session.get(AgentPresence, username), username, rules, load)


def everyone(session: Session, rules: Rules, usernames: list[str]) -> list[dict]:
    """The presence of these agents (a team), available first."""
    rows = {
        r.username: r
        for r in session.scalars(select(AgentPresence).where(AgentPresence.username.in_(usernames)))
    }
    loads = desk.open_contacts_by_agent(session, CHAT_CHANNELS, usernames)
    out = [describe(rows.get(u), u, rules, loads.get(u, 0)) for u in usernames]
    order = list(PRESENCE)
    return sorted(out, key=lambda a: (order.index(a["status"]), a["username"]))


def available(session: Session) -> list[AgentState]:
    """The agents routing may offer a conversation to, with their load."""
    rows = list(session.scalars(select(AgentPresence).where(AgentPresence.status == "available")))
    loads = desk.open_contacts_by_agent(session, CHAT_CHANNELS, [r.username for r in rows])
    return [
        AgentState(
            username=r.username,
            skills=dict(r.skills),
            max_chats=r.max_chats,
            load=loads.get(r.username, 0),
            last_routed_at=r.last_routed_at,
        )
        for r in rows
    ]


def queues(session: Session, rules: Rules, waiting: list, *, now: datetime) -> list[dict]:
    """Each skill's queue as the lead's wall shows it: how many wait, the longest wait, the
    agents on duty with the skill, their free chat slots, and the wait a newcomer can expect."""
    agents = available(session)
    out = []
    for skill in rules.skills:
        mine = [c for c in waiting if c.skill == skill.code]
        serving = [a for a in agents if skill.code in a.skills]
        slots = sum(a.max_chats for a in serving)
        free = sum(max(a.max_chats - a.load, 0) for a in serving)
        wait = estimated_wait_s(len(mine) + 1, slots, rules.chat_aht_s) if not free else 0.0
        out.append(
            {
                "skill": skill.code,
                "label": skill.label,
                "waiting": len(mine),
                "longest_wait_s": max(
                    ((now - c.queued_at).total_seconds() for c in mine), default=0.0
                ),
                "agents": len(serving),
                "slots": slots,
                "free_slots": free,
                "estimated_wait_s": None if wait is None else round(wait),
            }
        )
    return out


def position(waiting: list, conversation_id: int, rules: Rules, session: Session) -> dict:
    """Where a waiting conversation stands in its skill's queue, and its expected wait (None:
    nobody who could serve it is on duty — the customer is offered to leave a message)."""
    target = next((c for c in waiting if c.id == conversation_id), None)
    if target is None:
        return {"position": 0, "estimated_wait_s": 0}
    same = [c for c in waiting if c.skill == target.skill]
    place = same.index(target) + 1
    serving = [a for a in available(session) if target.skill in a.skills]
    wait = estimated_wait_s(place, sum(a.max_chats for a in serving), rules.chat_aht_s)
    return {"position": place, "estimated_wait_s": None if wait is None else round(wait)}
