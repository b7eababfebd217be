"""Taking a call up again from what was stored: assist is a fold over the call, so feeding the
stored utterances again puts a session where it was. Used when a worker lacks a contact's
session (another worker took it, or this one restarted) and at start-up."""

from __future__ import annotations

import logging
from datetime import UTC, datetime, timedelta

from sqlalchemy import select, text
from sqlalchemy.orm import Session

from moqi.accounts.models import User
from moqi.assist.live.hub import LiveContact, LiveHub, wall_summary
from moqi.assist.models import AssistEventRow, ConfirmationRow, WhisperRow
from moqi.assist.services import start_session
from moqi.assist.session import AssistSession
from moqi.knowledge.experiments import services as experiments
from moqi.service import services as desk
from moqi.service.models import Contact

log = logging.getLogger("moqi.live")
INTERRUPTED = "interrupted"


def team_of(session: Session, username: str) -> str | None:
    """The team of the user who took a contact (None for a contact no user took)."""
    return session.scalar(select(User.team).where(User.username == username)) if username else None


def restore_contact(session: Session, contact: Contact, *, now: datetime) -> LiveContact:
    """The contact's live session rebuilt from what was stored: the customer as the call began,
    every utterance fed again in order, the answers recorded on the workbench given again at the
    turn they were given, the whispers. Assist is a fold over the call, so the session is where
    it was (with the content as it is now)."""
    assist, customer_id = start_session(
        session, contact.customer_id, now=_aware(contact.started_at), before=contact.id
    )
    assist.variants = experiments.variants_for(session, contact.id, assist.customer.brand or "")
    assist.opening()  # the agent was shown the opening lines before the first word
    live = LiveContact(
        contact.id,
        contact.agent,
        team_of(session, contact.agent) or "default",
        customer_card(assist),
        contact.channel,
        assist,
    )
    answers = {
        r.turn: (r.answered_turn, r.status)
        for r in session.scalars(
            select(ConfirmationRow).where(
                ConfirmationRow.contact_id == contact.id, ConfirmationRow.answered_turn.is_not(None)
            )
        )
    }
    for utterance in contact.utterances:
        event = assist.feed(utterance.speaker, utterance.text, utterance.ts)
        live.record(event)
        live.alert_for(event)  # the alert was raised then; only its state matters now
        for confirmation in assist.confirmations:
            answered_turn, status = answers.get(confirmation.turn, (None, None))
            if answered_turn == event.turn and status in ("confirmed", "disputed"):
                confirmation.answer(status == "confirmed")
                confirmation.answered_turn = answered_turn
    rows = session.scalars(
        select(WhisperRow).where(WhisperRow.contact_id == contact.id).order_by(WhisperRow.id)
    )
    live.whispers = [{"from": w.sender, "text": w.text} for w in rows]
    return live


# Workers starting together take turns at closing what was left open (PostgreSQL).
_START_LOCK = 0x6D6F7169


def restore_open_contacts(
    session: Session, hub: LiveHub, *, now: datetime, max_hours: float
) -> tuple[int, int]:
    """At start: close every contact left open that began more than `max_hours` ago or cannot be
    restored, as interrupted; hold the others for their agents — restored here when this is the
    only process, shown on the walls and restored on first use when workers share the contacts.
    Returns (kept, closed)."""
    if hub.shared:
        session.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": _START_LOCK})
    kept = closed = 0
    for contact in desk.open_contacts(session):
        if hub.get(contact.id) is not None:
            continue
        if _aware(contact.started_at) < now - timedelta(hours=max_hours):
            note = f"系统：服务重启时通话仍未结束，且已开始超过{max_hours:g}小时，按中断关闭"
        elif hub.shared:
            hub.seed(team_of(session, contact.agent) or "default", stored_summary(session, contact))
            kept += 1
            continue
        else:
            try:
                with session.begin_nested():
                    hub.hold(restore_contact(session, contact, now=now))
                kept += 1
                continue
            except Exception as exc:  # noqa: BLE001 - one contact that cannot be restored must not stop the server
                log.exception("could not restore contact %s", contact.id)
                note = f"系统：服务重启后无法恢复通话（{type(exc).__name__}），按中断关闭"
        desk.close_contact(session, contact, result=INTERRUPTED, notes=note, now=now)
        closed += 1
    return kept, closed


def stored_summary(session: Session, contact: Contact) -> dict:
    """What the wall shows of a stored open contact, from its last stored assist event."""
    last = session.scalars(
        select(AssistEventRow)
        .where(AssistEventRow.contact_id == contact.id)
        .order_by(AssistEventRow.turn.desc())
        .limit(1)
    ).first()
    return wall_summary(
        contact.id,
        contact.agent,
        contact.channel,
        desk.customer_card(session, contact.customer_id),
        desk.utterance_count(session, contact.id),
        last.payload if last else None,
    )


def _aware(value: datetime) -> datetime:
    # SQLite hands timestamps back naive; they were stored in UTC.
    return value if value.tzinfo else value.replace(tzinfo=UTC)


def customer_card(assist: AssistSession) -> dict:
    return dict(
        assist.customer.__dict__,
        events=[
            {"type": e.type, "days_ago": e.days_ago, "detail": e.detail}
            for e in assist.customer.events
        ],
    )
