"""Routing at work: waiting conversations overflow to wider skills on time, and each goes to
the best available agent as a live contact with its messages fed in and the agent told.

`route` runs when a conversation is queued, when an agent becomes available, and on the
server's routing loop (which also frees the slots of wrapped-up chats and applies overflow).
Two workers routing at once cannot hand one conversation to two agents: the hand-over is a
compare-and-set on the queued conversation, and the agent's presence row is locked while
their load is counted (PostgreSQL; in one process, rounds take turns), so nobody gets more
chats than their limit.
"""

from __future__ import annotations

import logging
import threading
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from moqi.accounts import services as accounts
from moqi.assist.live import services as lives
from moqi.assist.live.hub import LiveContact, LiveHub
from moqi.assist.live.writer import StorageError
from moqi.channels import presence
from moqi.channels import rules as routing_rules
from moqi.channels import services as intake
from moqi.channels.inbound import CHAT_CHANNELS
from moqi.channels.models import AgentPresence, Conversation
from moqi.channels.routing import PRIORITIES, choose, overflow
from moqi.db import session_scope
from moqi.errors import Conflict, Unavailable
from moqi.service import services as desk

log = logging.getLogger("moqi.routing")

# How long a hand-over waits for the waiting messages to be stored in the contact.
STORE_TIMEOUT_S = 30.0


@dataclass(frozen=True, slots=True)
class Handed:
    """A conversation handed to an agent."""

    conversation_id: int
    contact_id: int
    agent: str
    messages: int

    def as_dict(self) -> dict:
        return {
            "conversation_id": self.conversation_id,
            "contact_id": self.contact_id,
            "agent": self.agent,
            "messages": self.messages,
        }


def widen(session: Session, *, now: datetime) -> int:
    """Move conversations that waited too long on their skill to the wider one (overflow)."""
    rules = routing_rules.current(session)
    moved = 0
    for c in intake.queued(session):
        wider = overflow(rules, c.skill, (now - c.skill_at).total_seconds())
        if wider is not None:
            label = rules.skill(wider).label
            c.why = f"{c.why}；等待超时转{label}"[-200:] if c.why else f"等待超时转{label}"
            c.skill, c.skill_at = wider, now
            moved += 1
    return moved


# One routing round at a time in a process: a round asked for while one runs makes that one go
# round again, so a burst of new conversations costs a few rounds, not one each, and SQLite
# (which ignores FOR UPDATE) never counts an agent's load while another round hands them a chat.
_routing = threading.Lock()
_again = threading.Event()


def route(db: sessionmaker[Session], hub: LiveHub, writer, *, now: datetime) -> list[Handed]:
    """Overflow, then hand every waiting conversation an agent can take to the best one, in
    queue order (priority, then time waited)."""
    handed: list[Handed] = []
    while True:
        if not _routing.acquire(blocking=False):
            _again.set()  # the round running now goes round once more
            return handed
        try:
            _again.clear()
            handed += _round(db, hub, writer, now=now)
        finally:
            _routing.release()
        if not _again.is_set():
            return handed


def _round(db: sessionmaker[Session], hub: LiveHub, writer, *, now: datetime) -> list[Handed]:
    with session_scope(db) as session:
        widen(session, now=now)
        waiting = [(c.id, c.skill) for c in intake.queued(session)]
        agents = presence.available(session) if waiting else []
    plan = []
    for conversation_id, skill in waiting:
        agent = choose(agents, skill)
        if agent is not None:
            plan.append((conversation_id, agent.username))
            agent.load += 1
            agent.last_routed_at = now
    handed = []
    for conversation_id, username in plan:
        try:
            handed.append(hand(db, hub, writer, conversation_id, username, now=now))
        except Conflict:
            continue  # taken meanwhile, or the agent is full or away now: the next round sees
        except Unavailable:
            log.exception(
                "conversation %s: opened for %s but not stored", conversation_id, username
            )
    return handed


def hand(
    db: sessionmaker[Session],
    hub: LiveHub,
    writer,
    conversation_id: int,
    agent: str,
    *,
    now: datetime,
    chosen: bool = False,
) -> Handed:
    """Hand a queued conversation to `agent` as a live contact and feed its messages in.
    Routing (`chosen` False) checks the agent is available with a free slot; an agent who takes
    a conversation from the queue themselves (`chosen`) may go over. Conflict when it is not
    waiting any more or the agent cannot take it; Unavailable when the contact was opened but
    its messages could not be stored."""
    with session_scope(db) as session:
        conversation = session.get(Conversation, conversation_id)
        if conversation is None or conversation.status != "queued":
            raise Conflict("the conversation is not waiting any more")
        row = session.scalars(
            select(AgentPresence).where(AgentPresence.username == agent).with_for_update()
        ).first()
        if not chosen:
            load = desk.open_contacts_by_agent(session, CHAT_CHANNELS, [agent]).get(agent, 0)
            if row is None or row.status != "available" or load >= row.max_chats:
                raise Conflict(f"{agent} cannot take another chat now")
        live, _ = lives.open_contact(
            session,
            customer_ref=conversation.customer_id,
            channel=conversation.channel,
            title=f"{CHAT_CHANNELS.get(conversation.channel, conversation.channel)} "
            f"{intake.mask_sender(conversation.sender)}",
            agent=agent,
            team=accounts.get_user(session, agent).team,
            now=now,
        )
        texts = intake.claim(
            session, conversation, agent=agent, contact_id=live.contact_id, now=now
        )
        if row is not None:
            row.last_routed_at = now
        told = _told(session, conversation, live)
    hub.open(live)
    hub.tell(f"agent:{agent}", told)
    hub.tell(f"{conversation.channel}:{conversation.sender}", {"type": "routed"})
    _feed_all(hub, writer, live, texts)
    return Handed(conversation_id, live.contact_id, agent, len(texts))


def _told(session: Session, conversation: Conversation, live: LiveContact) -> dict:
    rules = routing_rules.current(session)
    labels = {s.code: s.label for s in rules.skills}
    return {
        "type": "chat_assigned",
        "contact_id": live.contact_id,
        "conversation_id": conversation.id,
        "channel": conversation.channel,
        "channel_label": CHAT_CHANNELS.get(conversation.channel, conversation.channel),
        "skill": conversation.skill,
        "skill_label": labels.get(conversation.skill, conversation.skill),
        "priority": PRIORITIES[conversation.priority],
        "why": conversation.why,
        "customer": live.customer,
    }


def _feed_all(hub: LiveHub, writer, live: LiveContact, texts: list[str]) -> None:
    futures = [lives.submit(hub, writer, live, "customer", text, None)[1] for text in texts]
    try:
        for future in futures:
            future.result(timeout=STORE_TIMEOUT_S)
    except (StorageError, TimeoutError):
        live.stale = True
        hub.drop(live.contact_id)
        raise Unavailable(
            "the contact was opened but its messages could not be stored; open it again"
        ) from None
