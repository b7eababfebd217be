"""The KPI board's counts, in SQL: for each KPI, its numerator and denominator over a period,
in all or per team, region or brand, from the subqueries the owning capabilities expose
(tickets and outbox messages from the service desk, contacts, self-service uses from the
channels, users' teams from accounts). Nothing walks rows in Python but the ACD intervals,
which are a few thousand a quarter.

Each function returns {group: (numerator, denominator)}, or None when the KPI cannot be
split that way (a reminder SMS has no team)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from sqlalchemy import ColumnElement, FromClause, and_, case, exists, func, literal, select
from sqlalchemy.orm import Session

from moqi.accounts import services as accounts
from moqi.channels import services as channels
from moqi.service import services as desk

Counts = dict[str, tuple[int, int]]
FCR_DAYS = 7
REFUND_CODE = "refunded"  # policies.yaml: 已退费/已返还


def seconds_between(session: Session, start, end) -> ColumnElement:
    """end − start in seconds, as SQL on either backend."""
    if session.get_bind().dialect.name == "sqlite":
        return (func.julianday(end) - func.julianday(start)) * 86400.0
    return func.extract("epoch", end - start)


def _tally(session: Session, query) -> Counts:
    return {str(g or ""): (int(num or 0), int(den or 0)) for g, num, den in session.execute(query)}


def _count(session: Session, source, group, hit, *conditions) -> Counts:
    """Rows of `source` meeting `conditions`, by `group`: (rows where `hit` holds, rows)."""
    query = (
        select(group.label("g"), func.sum(case((hit, 1), else_=0)), func.count())
        .select_from(source)
        .where(*conditions)
        .group_by(group)
    )
    return _tally(session, query)


def _tickets(by: str | None):
    facts = desk.ticket_facts()
    group = literal("") if by is None else facts.c[by]
    return facts, group


def complaint_timeliness(session: Session, since: datetime, until: datetime, by) -> Counts:
    """Complaint tickets resolved in the period; those resolved by their deadline."""
    t, group = _tickets(by)
    return _count(
        session,
        t,
        group,
        t.c.resolved_at <= t.c.due_at,
        t.c.kind == "complaint",
        t.c.resolved_at >= since,
        t.c.resolved_at < until,
    )


def reply_return_rate(session: Session, since: datetime, until: datetime, by) -> Counts:
    """Tickets replied to (resolved) in the period; those the customer sent back."""
    t, group = _tickets(by)
    return _count(
        session, t, group, t.c.reopened > 0, t.c.resolved_at >= since, t.c.resolved_at < until
    )


def sla_attainment(session: Session, since: datetime, until: datetime, by) -> Counts:
    """Tickets resolved in the period; those with first response and resolution in time."""
    t, group = _tickets(by)
    responded = (t.c.first_response_due.is_(None)) | (
        t.c.first_responded_at.is_not(None) & (t.c.first_responded_at <= t.c.first_response_due)
    )
    return _count(
        session,
        t,
        group,
        and_(t.c.resolved_at <= t.c.due_at, responded),
        t.c.resolved_at >= since,
        t.c.resolved_at < until,
    )


def _contacts(by: str | None, name: str = "contact_facts"):
    facts = desk.contact_facts(name)
    if by == "team":
        teams = accounts.user_teams()
        source = facts.outerjoin(teams, teams.c.username == facts.c.agent)
        return facts, source, func.coalesce(teams.c.team, "")
    return facts, facts, literal("") if by is None else facts.c[by]


def first_contact_resolution(session: Session, since: datetime, until: datetime, by) -> Counts:
    """Closed contacts begun in the period with a known customer and reason; those with no
    contact of the same customer and reason in the FCR_DAYS after."""
    c, source, group = _contacts(by)
    later = desk.contact_facts("later_contact")
    repeated = exists().where(
        later.c.customer_id == c.c.customer_id,
        later.c.reason == c.c.reason,
        later.c.contact_id != c.c.contact_id,
        later.c.started_at >= c.c.started_at,
        seconds_between(session, c.c.started_at, later.c.started_at) <= FCR_DAYS * 86400,
    )
    return _count(
        session,
        source,
        group,
        ~repeated,
        c.c.status == "closed",
        c.c.customer_id.is_not(None),
        c.c.reason != "",
        c.c.started_at >= since,
        c.c.started_at < until,
    )


def e_channel_share(session: Session, since: datetime, until: datetime, by) -> Counts:
    """Contacts begun and self-service paths used in the period; those not on the voice line
    plus every self-service use (by team, the uses fall in the group "" : no agent)."""
    c, source, group = _contacts(by)
    counts = dict(
        _count(
            session,
            source,
            group,
            c.c.channel != "voice",
            c.c.started_at >= since,
            c.c.started_at < until,
        )
    )
    uses = channels.self_service_uses()
    use_source: FromClause = uses
    use_group: ColumnElement = literal("")
    if by in ("region", "brand"):
        customers = desk.customer_facts()
        use_source = uses.outerjoin(customers, customers.c.customer_id == uses.c.customer_id)
        use_group = func.coalesce(customers.c[by], "")
    query = (
        select(use_group.label("g"), func.count())
        .select_from(use_source)
        .where(uses.c.received_at >= since, uses.c.received_at < until)
        .group_by(use_group)
    )
    for g, n in session.execute(query):
        num, den = counts.get(str(g or ""), (0, 0))
        counts[str(g or "")] = (num + n, den + n)
    return counts


def reminder_sms_timeliness(
    session: Session, since: datetime, until: datetime, by, *, within_minutes: int
) -> Counts | None:
    """SMS written to the outbox in the period; those sent within `within_minutes`."""
    if by == "team":
        return None
    m = desk.outbox_facts()
    group = literal("") if by is None else m.c[by]
    on_time = and_(
        m.c.status == "sent",
        m.c.sent_at.is_not(None),
        seconds_between(session, m.c.created_at, m.c.sent_at) <= within_minutes * 60,
    )
    return _count(
        session,
        m,
        group,
        on_time,
        m.c.channel == "sms",
        m.c.created_at >= since,
        m.c.created_at < until,
    )


def _per_customer(session: Session, by, numerator: Callable) -> Counts | None:
    if by == "team":
        return None
    t, group = _tickets(by)
    hits = _tally(
        session,
        select(group.label("g"), func.count(), literal(0))
        .select_from(t)
        .where(*numerator(t))
        .group_by(group),
    )
    customers = desk.customer_counts(session, by)
    return {g: (hits.get(g, (0, 0))[0], customers.get(g, 0)) for g in {*hits, *customers}}


def complaint_per_10k(session: Session, since: datetime, until: datetime, by) -> Counts | None:
    """Complaint tickets opened in the period; customers on record."""
    return _per_customer(
        session,
        by,
        lambda t: (t.c.kind == "complaint", t.c.created_at >= since, t.c.created_at < until),
    )


def refund_per_10k(session: Session, since: datetime, until: datetime, by) -> Counts | None:
    """Tickets resolved as refunded in the period; customers on record."""
    return _per_customer(
        session,
        by,
        lambda t: (
            t.c.resolution_code == REFUND_CODE,
            t.c.resolved_at >= since,
            t.c.resolved_at < until,
        ),
    )
