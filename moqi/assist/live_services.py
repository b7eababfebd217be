"""Live contacts with storage: open, feed, confirm, wrap up, whisper — each a short transaction.

Routes call these, commit, and only then publish to the hub (events after the commit);
utterances are the exception: `feed` returns rows for the write-behind writer.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from moqi.assist.live import LiveContact, LiveHub
from moqi.assist.models import AlertRow, WhisperRow
from moqi.assist.services import confirmation_rows, event_row, start_session
from moqi.assist.session import AssistEvent
from moqi.knowledge.models import ItemUseRow
from moqi.nlp.mask import mask_pii
from moqi.nlp.normalize import normalize
from moqi.service import services as desk
from moqi.service import tickets
from moqi.service.models import Contact, Utterance
from moqi.service.services import NotFound


class Conflict(ValueError):
    """The contact is not in a state that allows this (closed, or an operation unconfirmed)."""


def open_contact(session: Session, *, customer_ref: str | None, channel: str, title: str, agent: str, team: str, now: datetime) -> tuple[LiveContact, dict]:
    """Open a live contact; returns it with the opening view (need before the first word, greetings)."""
    assist, customer_id = start_session(session, customer_ref, now=now)
    contact = desk.create_contact(session, customer_id=customer_id, channel=channel, title=title, agent=agent, started_at=now)
    contact.status = "open"
    session.flush()
    customer = dict(assist.customer.__dict__, events=[{"type": e.type, "days_ago": e.days_ago, "detail": e.detail} for e in assist.customer.events])
    live = LiveContact(contact.id, agent, team, customer, channel, assist)
    opening = {**assist.opening(), "history": history(session, customer_id, before=contact.id, engine=assist.engine)}
    return live, {**opening, "tickets": tickets.open_tickets(session, customer_id, now=now)}


def history(session: Session, customer_id: str | None, *, before: int, engine, limit: int = 5) -> list[dict]:
    """The customer's previous contacts, newest first."""
    if customer_id is None:
        return []
    labels = {r.code: r.label for r in engine.content.reasons}
    rows = session.scalars(select(Contact).where(Contact.customer_id == customer_id, Contact.id != before).order_by(Contact.id.desc()).limit(limit))
    return [{"contact_id": c.id, "started_at": c.started_at.isoformat(), "channel": c.channel, "reason": c.reason, "reason_label": labels.get(c.reason, ""), "result": c.result} for c in rows]


def live_contact(hub: LiveHub, session: Session, contact_id: int) -> LiveContact:
    """The live contact, or NotFound (no such contact) / Conflict (it is closed)."""
    live = hub.get(contact_id)
    if live is not None:
        return live
    if session.get(Contact, contact_id) is None:
        raise NotFound(f"no contact {contact_id}")
    raise Conflict(f"contact {contact_id} is not live (closed, or opened on another server)")


def feed(live: LiveContact, speaker: str, text: str, ts: float | None) -> tuple[AssistEvent, list]:
    """Analyse one utterance in memory; returns the event and the rows to store (write-behind)."""
    event = live.session.feed(speaker, text, ts)
    live.events.append(event)
    rows = [
        Utterance(contact_id=live.contact_id, turn=event.turn, speaker=event.speaker, text=event.text, ts=ts),
        event_row(live.contact_id, event),
    ]
    # A line the agent read out counts as used, for the knowledge base's "most used".
    rows += [ItemUseRow(username=live.agent, item=f"script:{sid}", action="used") for sid in event.scripts_used]
    return event, rows


def alert_row(live: LiveContact, alert: dict) -> AlertRow:
    """The alert as kept in the wall's history."""
    return AlertRow(contact_id=live.contact_id, agent=live.agent, team=live.team, turn=alert["turn"], risk=alert["risk"], reasons=alert["reasons"])


def answer_confirmation(live: LiveContact, agreed: bool) -> dict:
    """The agent records the customer's answer to the read-back of the last operation."""
    if not live.session.confirmations:
        raise Conflict("no operation to confirm on this contact")
    confirmation = live.session.confirmations[-1]
    confirmation.answer(agreed)
    return confirmation.as_dict()


def wrap_up(session: Session, live: LiveContact, *, reason: str, result: str, notes: str, follow_up: bool, now: datetime) -> Contact:
    """Close the contact with its wrap-up; refused while an operation is not confirmed."""
    pending = [c for c in live.session.confirmations if c.status != "confirmed"]
    if pending:
        raise Conflict(f"operation '{pending[-1].business_name}' at turn {pending[-1].turn} is not confirmed with the customer")
    codes = {r.code for r in live.session.engine.content.reasons}
    if reason not in codes:
        raise ValueError(f"unknown reason {reason!r}")
    contact = session.get(Contact, live.contact_id)
    contact.reason, contact.result = reason, result
    contact.notes = mask_pii(normalize(notes))
    contact.follow_up = follow_up
    contact.ended_at, contact.status = now, "closed"
    contact.peak_risk = max((e.emotion["risk"] for e in live.events), default=0.0)
    contact.moment = next(r.moment for r in live.session.engine.content.reasons if r.code == reason)
    session.add_all(confirmation_rows(live.contact_id, live.session))
    if follow_up:
        label = next(r.label for r in live.session.engine.content.reasons if r.code == reason)
        tickets.open_for_contact(session, contact, reason_label=label, now=now)
    return contact


def whisper(session: Session, live: LiveContact, sender: str, text: str) -> dict:
    """Store a team lead's whisper; the route sends it to the agent after the commit."""
    clean = mask_pii(normalize(text))
    session.add(WhisperRow(contact_id=live.contact_id, sender=sender, text=clean))
    return {"from": sender, "text": clean}


def recent_alerts(session: Session, team: str, limit: int = 50) -> list[dict]:
    """The team's latest alerts, newest first."""
    rows = session.scalars(select(AlertRow).where(AlertRow.team == team).order_by(AlertRow.id.desc()).limit(limit))
    return [{"contact_id": a.contact_id, "agent": a.agent, "turn": a.turn, "risk": a.risk, "reasons": a.reasons, "at": a.created_at.isoformat()} for a in rows]
