"""Live contacts with storage: open, feed, confirm, wrap up, whisper — each a short transaction.

Routes call these, commit, and only then publish to the hub (events after the commit);
utterances go through the group-commit writer instead: `feed` returns the rows to store and
the route waits for their commit before it answers. A contact whose session this process does
not hold (after a restart) is restored from what was stored: `restore_contact` replays it.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from concurrent.futures import Future
from datetime import datetime

from sqlalchemy import Connection, delete, insert, select
from sqlalchemy.orm import Session

from moqi.assist.confirm import Confirmation
from moqi.assist.live.hub import LiveContact, LiveHub, refusal
from moqi.assist.live.restore import customer_card, restore_contact, team_of
from moqi.assist.live.writer import row_values
from moqi.assist.models import (
    AlertRow,
    AssistEventRow,
    ConfirmationRow,
    DeadLetterRow,
    WhisperRow,
)
from moqi.assist.services import confirmation_rows, event_row, start_session
from moqi.assist.session import AssistEvent
from moqi.errors import Conflict, Invalid
from moqi.knowledge.experiments import services as experiments
from moqi.knowledge.models import ItemUseRow
from moqi.nlp.mask import mask_pii
from moqi.nlp.normalize import normalize
from moqi.service import services as desk
from moqi.service.models import Contact, Utterance

log = logging.getLogger("moqi.live")
# Restoring a contact twice at once would leave two sessions for one call.
_restoring = threading.Lock()


def open_contact(
    session: Session,
    *,
    customer_ref: str | None,
    channel: str,
    title: str,
    agent: str,
    team: str,
    now: datetime,
) -> tuple[LiveContact, dict]:
    """Open a live contact; returns it with the opening view (need before the first word, greetings)."""
    assist, customer_id = start_session(session, customer_ref, now=now)
    contact = desk.create_contact(
        session, customer_id=customer_id, channel=channel, title=title, agent=agent, started_at=now
    )
    contact.status = "open"
    session.flush()
    assist.variants = experiments.variants_for(session, contact.id, assist.customer.brand or "")
    live = LiveContact(contact.id, agent, team, customer_card(assist), channel, assist)
    opening = {
        **assist.opening(),
        "history": history(session, customer_id, before=contact.id, engine=assist.engine),
    }
    return live, {**opening, "tickets": desk.open_tickets(session, customer_id, now=now)}


def history(
    session: Session, customer_id: str | None, *, before: int, engine, limit: int = 5
) -> list[dict]:
    """The customer's previous contacts, newest first."""
    if customer_id is None:
        return []
    labels = {r.code: r.label for r in engine.content.reasons}
    rows = session.scalars(
        select(Contact)
        .where(Contact.customer_id == customer_id, Contact.id != before)
        .order_by(Contact.id.desc())
        .limit(limit)
    )
    return [
        {
            "contact_id": c.id,
            "started_at": c.started_at.isoformat(),
            "channel": c.channel,
            "reason": c.reason,
            "reason_label": labels.get(c.reason, ""),
            "result": c.result,
        }
        for c in rows
    ]


def live_contact(hub: LiveHub, session: Session, contact_id: int, *, now: datetime) -> LiveContact:
    """The live contact (restored from storage when this process does not hold it, or holds a
    session that another worker has moved on since), or NotFound (no such contact) / Conflict
    (it is closed)."""
    live = hub.get(contact_id)
    if live is not None and not live.stale and not _behind(hub, session, live):
        return live
    with _restoring:
        live = hub.get(contact_id)
        if live is not None and not live.stale and not _behind(hub, session, live):
            return live
        contact = desk.get_contact(session, contact_id)
        if contact.status != "open":
            hub.drop(contact_id)
            raise Conflict(f"contact {contact_id} is closed")
        live = restore_contact(session, contact, now=now)
        hub.hold(live)
        return live


def _behind(hub: LiveHub, session: Session, live: LiveContact) -> bool:
    # With several workers, another one may have stored utterances of this call since; the bus
    # says so within milliseconds, and this count closes the gap for a request that comes sooner.
    return hub.shared and desk.utterance_count(session, live.contact_id) > live.turns


def stored_refusal(
    session: Session, contact_id: int, *, role: str, username: str, team: str
) -> str | None:
    """Why a user may not read a stored contact (None: they may), by the live contacts' rule;
    NotFound for an unknown id."""
    contact = desk.get_contact(session, contact_id)
    return refusal(
        role, username, team, agent=contact.agent, agent_team=team_of(session, contact.agent)
    )


def feed(
    live: LiveContact, speaker: str, text: str, ts: float | None
) -> tuple[AssistEvent, list, Callable[[Connection | Session], None] | None]:
    """Analyse one utterance in memory; returns the event, the rows to store, and what else the
    storing must do (replace the rows of a read-back that is new or newly answered)."""
    before = {(c.turn, c.status) for c in live.session.confirmations}
    event = live.session.feed(speaker, text, ts)
    live.record(event)
    rows = [
        Utterance(
            contact_id=live.contact_id,
            turn=event.turn,
            speaker=event.speaker,
            text=event.text,
            ts=ts,
        ),
        event_row(live.contact_id, event),
    ]
    # A line the agent read out counts as used, for the knowledge base's "most used".
    rows += [
        ItemUseRow(username=live.agent, item=f"script:{sid}", action="used")
        for sid in event.scripts_used
    ]
    changed = [c for c in live.session.confirmations if (c.turn, c.status) not in before]
    return event, rows, replace_confirmations(live.contact_id, changed) if changed else None


def submit(
    hub: LiveHub, writer, live: LiveContact, speaker: str, text: str, ts: float | None
) -> tuple[dict, Future]:
    """Analyse in memory and queue the utterance's rows for the group commit; the answer is
    published to the sockets once they are committed, and the future says when."""
    started = time.perf_counter()
    with live.lock:
        event, rows, apply = feed(live, speaker, text, ts)
        alert = live.alert_for(event)
        if alert:
            rows.append(alert_row(live, alert))
        answer = {
            "event": event.as_dict(),
            "alert": alert,
            "server_ms": round((time.perf_counter() - started) * 1000, 3),
        }
        envelopes = hub.event_envelopes(live, answer)
        # Queued under the contact's lock: the writer stores and publishes in analysis order
        # (several workers: the envelopes go out with the commit, see bus.py).
        future = writer.submit(
            rows,
            contact_id=live.contact_id,
            apply=apply,
            messages=envelopes,
            on_stored=lambda: hub.bus.after_commit(envelopes),
        )
    return answer, future


def replace_confirmations(
    contact_id: int, confirmations: list[Confirmation]
) -> Callable[[Connection | Session], None]:
    """A step that stores these read-backs as they stand now (their rows replaced)."""
    values = [row_values(row)[1] for row in confirmation_rows(contact_id, confirmations)]
    turns = sorted({c.turn for c in confirmations})

    def apply(conn: Connection | Session) -> None:
        conn.execute(
            delete(ConfirmationRow).where(
                ConfirmationRow.contact_id == contact_id, ConfirmationRow.turn.in_(turns)
            )
        )
        conn.execute(insert(ConfirmationRow), values)

    return apply


def alert_row(live: LiveContact, alert: dict) -> AlertRow:
    """The alert as kept in the wall's history."""
    return AlertRow(
        contact_id=live.contact_id,
        agent=live.agent,
        team=live.team,
        turn=alert["turn"],
        risk=alert["risk"],
        reasons=alert["reasons"],
    )


def answer_confirmation(session: Session, live: LiveContact, agreed: bool) -> dict:
    """The agent records the customer's answer to the read-back of the last operation; it is
    stored at once (the caller commits), with the turn it was given at."""
    with live.lock:
        if not live.session.confirmations:
            raise Conflict("no operation to confirm on this contact")
        confirmation = live.session.confirmations[-1]
        confirmation.answer(agreed)
        confirmation.answered_turn = live.session.turn
        replace_confirmations(live.contact_id, [confirmation])(session)
        return confirmation.as_dict()


def wrap_up(
    session: Session,
    live: LiveContact,
    *,
    reason: str,
    result: str,
    notes: str,
    follow_up: bool,
    now: datetime,
    team: str = "",
) -> Contact:
    """Close the contact with its wrap-up; refused while an operation is not confirmed. A
    follow-up opens a ticket owned by the agent, with the businesses the call named and the
    channels the customer threatened to escalate to."""
    pending = [c for c in live.session.confirmations if c.status != "confirmed"]
    if pending:
        raise Conflict(
            f"operation '{pending[-1].business_name}' at turn {pending[-1].turn} is not confirmed with the customer"
        )
    codes = {r.code for r in live.session.engine.content.reasons}
    if reason not in codes:
        raise Invalid(f"unknown reason {reason!r}")
    contact = desk.get_contact(session, live.contact_id)
    if contact.status != "open":
        raise Conflict(f"contact {live.contact_id} is closed")
    contact.reason = reason
    desk.close_contact(session, contact, result=result, notes=normalize(notes), now=now)
    contact.follow_up = follow_up
    contact.peak_risk = live.peak_risk
    contact.moment = next(r.moment for r in live.session.engine.content.reasons if r.code == reason)
    session.execute(delete(ConfirmationRow).where(ConfirmationRow.contact_id == live.contact_id))
    session.add_all(confirmation_rows(live.contact_id, live.session.confirmations))
    experiments.record_exposures(
        session,
        live.contact_id,
        stored_events(session, live.contact_id),
        brand=live.session.customer.brand or "",
        reason=reason,
        now=now,
    )
    if follow_up:
        label = next(r.label for r in live.session.engine.content.reasons if r.code == reason)
        channels = live.session.engine.channels.by_code
        desk.open_ticket_for_contact(
            session,
            contact,
            reason_label=label,
            now=now,
            team=team,
            businesses=list(reversed(live.session.mentioned)),
            escalation="、".join(channels[c].label for c in live.session.mood.channels)[:64],
        )
    return contact


def whisper(session: Session, live: LiveContact, sender: str, text: str) -> dict:
    """Store a team lead's whisper; the route sends it to the agent after the commit."""
    clean = mask_pii(normalize(text))
    session.add(WhisperRow(contact_id=live.contact_id, sender=sender, text=clean))
    return {"from": sender, "text": clean}


def stored_events(session: Session, contact_id: int) -> list[dict]:
    """The contact's assist events as stored (every acknowledged utterance's), in order."""
    rows = session.scalars(
        select(AssistEventRow.payload)
        .where(AssistEventRow.contact_id == contact_id)
        .order_by(AssistEventRow.turn)
    )
    return list(rows)


def recent_alerts(session: Session, team: str, limit: int = 50) -> list[dict]:
    """The team's latest alerts, newest first."""
    rows = session.scalars(
        select(AlertRow).where(AlertRow.team == team).order_by(AlertRow.id.desc()).limit(limit)
    )
    return [
        {
            "contact_id": a.contact_id,
            "agent": a.agent,
            "turn": a.turn,
            "risk": a.risk,
            "reasons": a.reasons,
            "at": a.created_at.isoformat(),
        }
        for a in rows
    ]


def dead_letters(session: Session, limit: int = 100) -> list[dict]:
    """What the live writer kept aside, newest first, for an admin to read and repair."""
    rows = session.scalars(select(DeadLetterRow).order_by(DeadLetterRow.id.desc()).limit(limit))
    return [
        {
            "id": d.id,
            "at": d.created_at.isoformat(),
            "source": d.source,
            "contact_id": d.contact_id,
            "error": d.error,
            "payload": d.payload,
        }
        for d in rows
    ]
