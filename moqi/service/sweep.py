"""The SLA sweep the server runs every few seconds: a warning before a clock falls due, an
alert at breach, the survey when a promise falls due, a callback when a survey goes unanswered.

It asks the database only for what is due (indexed `alert_at` / `expires_at`), so a million
open tickets cost what the handful due now cost. What it raised is stored with the ticket in
the same transaction, and each row is claimed with a compare-and-set update, so a restart
neither misses an alert nor raises one twice, and two workers never raise the same one."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from moqi.service import clocks, followup
from moqi.service.models import Commitment, Survey, Ticket
from moqi.service.tickets import CLOCK_LABELS, alert_points, plan_alerts, record

BATCH = 500


def sweep(session: Session, *, now: datetime, link_base: str, batch: int = BATCH) -> dict[str, int]:
    """Raise everything due by `now`; counts of what was raised. The caller commits."""
    counts = {"warnings": 0, "breaches": 0, "commitments": 0, "surveys_expired": 0}
    warn = clocks.desk_settings().warn_minutes
    due_tickets = session.scalars(
        select(Ticket).where(Ticket.alert_at <= now).order_by(Ticket.alert_at).limit(batch)
    ).all()
    for ticket in due_tickets:
        _raise(session, ticket, now=now, warn=warn, counts=counts)
    due_items = session.scalars(
        select(Commitment)
        .where(Commitment.alert_at <= now)
        .order_by(Commitment.alert_at)
        .limit(batch)
    ).all()
    for item in due_items:
        _commitment(session, item, now=now, warn=warn, link_base=link_base, counts=counts)
    expired = session.scalars(
        select(Survey).where(Survey.expires_at <= now).order_by(Survey.expires_at).limit(batch)
    ).all()
    for survey in expired:
        if _claim(session, Survey, survey.id, Survey.expires_at, survey.expires_at, None):
            followup.expire(session, survey, now=now)
            counts["surveys_expired"] += 1
    session.flush()
    return counts


def _claim(session: Session, model, row_id: int, column, old, new) -> bool:
    """Compare-and-set one column: True when this sweep won the row."""
    result = session.execute(
        update(model)
        .where(model.id == row_id, column == old)
        .values({column.key: new})
        .execution_options(synchronize_session=False)
    )
    return result.rowcount == 1  # type: ignore[attr-defined]


def _raise(session: Session, ticket: Ticket, *, now: datetime, warn: int, counts: dict) -> None:
    before = ticket.alerted
    raised = set(filter(None, before.split(",")))
    fresh = []
    for clock, stage, at, tag, due in alert_points(ticket, warn_minutes=warn):
        if at <= now and tag not in raised:
            raised.add(tag)
            fresh.append((clock, stage, due))
    alerted, alert_at = plan_alerts(ticket, raised, warn_minutes=warn)
    if not _claim_ticket(session, ticket.id, before, alerted, alert_at, now):
        session.expire(ticket)
        return
    session.expire(ticket, ["alerted", "alert_at", "updated_at"])  # as the update wrote them
    for clock, stage, due in fresh:
        # A warning whose breach is also past is not worth a line of its own.
        if stage == "warn" and any(c == clock and s == "breach" for c, s, _ in fresh):
            continue
        local = due.astimezone(clocks.calendar(session, ticket.calendar).zone)
        text = (
            f"{CLOCK_LABELS[clock]}时限 {local:%m-%d %H:%M} 即将到期，请责任人 {ticket.owner} 尽快处理"
            if stage == "warn"
            else f"{CLOCK_LABELS[clock]}已超时（时限 {local:%m-%d %H:%M}），责任人 {ticket.owner}"
        )
        record(
            session,
            ticket,
            actor="system",
            kind="alert",
            now=now,
            field=clock,
            new=stage,
            body=text,
        )
        counts["warnings" if stage == "warn" else "breaches"] += 1


def _claim_ticket(
    session: Session, ticket_id: int, before: str, alerted: str, alert_at, now: datetime
) -> bool:
    """Write the new bookmark only if nobody changed `alerted` since we read it."""
    result = session.execute(
        update(Ticket)
        .where(Ticket.id == ticket_id, Ticket.alerted == before)
        .values(alerted=alerted, alert_at=alert_at, updated_at=now)
        .execution_options(synchronize_session=False)
    )
    return result.rowcount == 1  # type: ignore[attr-defined]


def _commitment(
    session: Session, item: Commitment, *, now: datetime, warn: int, link_base: str, counts: dict
) -> None:
    due = item.due_at  # stored in UTC, read back aware (UtcDateTime)
    stage = "breach" if due <= now else "warn"
    nxt = None if stage == "breach" else due
    if stage in item.alerted.split(",") or not _claim(
        session, Commitment, item.id, Commitment.alert_at, item.alert_at, nxt
    ):
        return
    session.expire(item, ["alert_at"])
    item.alerted = ",".join(filter(None, [item.alerted, stage]))
    ticket = session.get(Ticket, item.ticket_id)
    assert ticket is not None
    if stage == "warn":
        text = f"承诺“{item.text[:40]}”即将到期，责任人 {item.owner}"
    else:
        text = f"承诺“{item.text[:40]}”已到期，已向客户发出回访"
        followup.commitment_due(session, item, now=now, link_base=link_base)
    record(
        session,
        ticket,
        actor="system",
        kind="alert",
        now=now,
        field="commitment",
        new=stage,
        body=text,
    )
    counts["commitments"] += 1


def tick(factory, *, now: datetime, link_base: str) -> dict[str, int]:
    """One round of the server's desk loop, in its own transaction: raise what is due."""
    from moqi.db import session_scope

    with session_scope(factory) as session:
        return sweep(session, now=now, link_base=link_base)
