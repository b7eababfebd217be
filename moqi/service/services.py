"""Customers and contacts: store with masked identity, read back as an assist profile."""

from __future__ import annotations

from collections.abc import Collection
from datetime import UTC, datetime, timedelta

from sqlalchemy import Subquery, func, select
from sqlalchemy.orm import Session

from moqi import errors
from moqi.nlp.mask import mask_pii
from moqi.service.customer_view import (  # noqa: F401 - the capability's interface
    customer_account,
    customer_tickets,
)
from moqi.service.facts import (  # noqa: F401 - the capability's interface
    customer_counts,
    customer_facts,
    outbox_facts,
    ticket_facts,
)
from moqi.service.models import Contact, Customer, CustomerEventRow, Utterance
from moqi.service.outcomes import customer_lines, reason_outcomes  # noqa: F401 - the interface
from moqi.service.phone_keys import (  # noqa: F401 - the capability's interface
    KEY_PREFIX,
    keyed_customers,
    phone_key,
    recover_phone,
    rekey_customers,
)
from moqi.service.promises import sla_promises  # noqa: F401 - the capability's interface


class NotFound(errors.NotFound):
    """An id that names nothing."""


def mask_name(name: str) -> str:
    """王建国 → 王*国; 李娜 → 李*."""
    name = name.strip()
    if len(name) <= 1:
        return name
    if len(name) == 2:
        return name[0] + "*"
    return name[0] + "*" * (len(name) - 2) + name[-1]


def upsert_customer(session: Session, data: dict, *, now: datetime) -> Customer:
    """Create or replace a customer (and its events) from a plain mapping; PII is masked here."""
    cid = str(data.get("id") or "").strip()
    if not cid:
        raise errors.Invalid("customer needs an id")
    customer = session.get(Customer, cid) or Customer(id=cid)
    phone = str(data.get("phone") or "")
    name = str(data.get("name") or "")
    customer.name_masked = mask_name(name)
    customer.title = str(
        data.get("title")
        or (
            name[:1] + ("先生" if data.get("gender") == "male" else "女士")
            if name and data.get("gender") in ("male", "female")
            else ""
        )
    )
    customer.phone_masked = mask_pii(phone) if phone else ""
    customer.phone_key = phone_key(phone) if phone else None
    for attr in ("brand", "region", "city", "plan", "stage", "vip"):
        setattr(customer, attr, str(data.get(attr) or ""))
    customer.tenure_months = int(data.get("tenure_months") or 0)
    customer.arpu = float(data.get("arpu") or 0)
    customer.events = [
        CustomerEventRow(
            type=str(e["type"]),
            occurred_at=now - timedelta(days=float(e.get("days_ago") or 0)),
            detail=mask_pii(_event_detail(e, now)),
        )
        for e in data.get("events") or ()
    ]
    session.add(customer)
    return customer


def _event_detail(event: dict, now: datetime) -> str:
    """An event's detail; a trip given `in_days` (demo data that must stay ahead of the day it
    is loaded) gets its departure date written first, as trip_registered details say it."""
    detail = str(event.get("detail") or "")
    if event.get("in_days") is not None:
        day = now + timedelta(days=float(event["in_days"]))
        detail = f"{day:%Y-%m-%d} {detail}".strip()
    return detail


def find_customer(session: Session, ref: str) -> Customer:
    """A customer by id or by phone number; NotFound otherwise."""
    customer = session.get(Customer, ref)
    if customer is None and any(ch.isdigit() for ch in ref):
        customer = session.scalar(select(Customer).where(Customer.phone_key == phone_key(ref)))
    if customer is None:
        raise NotFound(f"no customer {ref!r}")
    return customer


def recent_contacts(
    session: Session, customer_id: str, *, now: datetime, days: int = 7, before: int | None = None
) -> int:
    """How many contacts this customer made in the last `days` days (before contact `before`, when given)."""
    since = now - timedelta(days=days)
    query = select(Contact.started_at).where(Contact.customer_id == customer_id)
    if before is not None:
        query = query.where(Contact.id < before)
    return sum(1 for started in session.scalars(query) if _aware(started) >= since)


def _aware(value: datetime) -> datetime:
    # SQLite hands timestamps back naive; they were stored in UTC.
    return value if value.tzinfo else value.replace(tzinfo=UTC)


def profile_of(
    session: Session, customer: Customer, *, now: datetime, before: int | None = None
) -> dict:
    """The customer as a plain profile mapping for the assist engine (as it stood when contact
    `before` began, when given: a restored call sees what the agent saw)."""
    return {
        "id": customer.id,
        "title": customer.title,
        "phone_masked": customer.phone_masked,
        "brand": customer.brand or None,
        "region": customer.region or None,
        "plan": customer.plan or None,
        "stage": customer.stage or None,
        "vip": customer.vip or None,
        "events": [
            {
                "type": e.type,
                "days_ago": max(0.0, (now - _aware(e.occurred_at)).total_seconds() / 86400),
                "detail": e.detail,
            }
            for e in customer.events
        ],
        "recent_contacts": recent_contacts(session, customer.id, now=now, before=before),
    }


def get_contact(session: Session, contact_id: int) -> Contact:
    """A stored contact; NotFound otherwise."""
    contact = session.get(Contact, contact_id)
    if contact is None:
        raise NotFound(f"no contact {contact_id}")
    return contact


def create_contact(
    session: Session,
    *,
    customer_id: str | None,
    channel: str,
    title: str,
    agent: str,
    started_at: datetime,
) -> Contact:
    """Open a contact (call or chat)."""
    if customer_id is not None and session.get(Customer, customer_id) is None:
        raise NotFound(f"no customer {customer_id!r}")
    contact = Contact(
        customer_id=customer_id,
        channel=channel,
        title=mask_pii(title),
        agent=agent,
        started_at=started_at,
    )
    session.add(contact)
    session.flush()
    return contact


def identify_contact(session: Session, contact_id: int, customer_ref: str) -> Customer:
    """Say who the customer of an open contact is (a chat from an unknown sender), by customer
    id or number; NotFound for either, Conflict when the contact is closed or has a customer."""
    contact = get_contact(session, contact_id)
    if contact.status != "open":
        raise errors.Conflict(f"contact {contact_id} is closed")
    customer = find_customer(session, customer_ref)
    if contact.customer_id not in (None, customer.id):
        raise errors.Conflict(f"contact {contact_id} is already for another customer")
    contact.customer_id = customer.id
    session.flush()
    return customer


def open_contacts(session: Session) -> list[Contact]:
    """The contacts still live (status open), oldest first."""
    return list(
        session.scalars(select(Contact).where(Contact.status == "open").order_by(Contact.id))
    )


def open_contacts_by_agent(
    session: Session, channels: Collection[str], agents: Collection[str] | None = None
) -> dict[str, int]:
    """How many open contacts on these channels each agent holds (their chat load)."""
    query = (
        select(Contact.agent, func.count())
        .where(Contact.status == "open", Contact.channel.in_(list(channels)))
        .group_by(Contact.agent)
    )
    if agents is not None:
        query = query.where(Contact.agent.in_(list(agents)))
    return {agent: n for agent, n in session.execute(query)}


def close_contact(
    session: Session, contact: Contact, *, result: str, notes: str, now: datetime
) -> Contact:
    """Close a contact with its result and notes (masked here)."""
    contact.result, contact.notes = result, mask_pii(notes)
    contact.ended_at, contact.status = now, "closed"
    return contact


def add_utterances(
    session: Session, contact: Contact, rows: list[tuple[int, str, str, float | None]]
) -> None:
    """Append (turn, speaker, masked text, ts) rows to a contact; text is masked again to be sure."""
    session.add_all(
        Utterance(contact_id=contact.id, turn=t, speaker=s, text=mask_pii(x), ts=ts)
        for t, s, x, ts in rows
    )


def utterance_count(session: Session, contact_id: int) -> int:
    """How many utterances of the contact are stored (one indexed count)."""
    return (
        session.scalar(
            select(func.count()).select_from(Utterance).where(Utterance.contact_id == contact_id)
        )
        or 0
    )


def agent_utterances(
    session: Session, *, since: datetime, until: datetime, agents: Collection[str] | None = None
) -> list[tuple[int, str, int, str]]:
    """(contact_id, agent, turn, text) of what agents said on contacts begun in [since, until),
    oldest contact first, in turn order; only these agents' contacts when `agents` is given
    (the caller knows who is in a team: users are not this capability's). Text is as stored:
    normalised and masked."""
    if agents is not None and not agents:
        return []
    # Stored in UTC (SQLite keeps no offset): compare in UTC.
    query = (
        select(Contact.id, Contact.agent, Utterance.turn, Utterance.text)
        .join(Utterance, Utterance.contact_id == Contact.id)
        .where(
            Utterance.speaker == "agent",
            Contact.started_at >= _utc(since),
            Contact.started_at < _utc(until),
        )
        .order_by(Contact.started_at, Contact.id, Utterance.turn)
    )
    if agents is not None:
        query = query.where(Contact.agent.in_(sorted(set(agents))))
    return [(cid, agent, turn, text) for cid, agent, turn, text in session.execute(query)]


def _utc(value: datetime) -> datetime:
    return _aware(value).astimezone(UTC)


def customer_card(session: Session, customer_id: str | None) -> dict:
    """The customer fields the live wall shows ({} for a contact without a known customer)."""
    customer = session.get(Customer, customer_id) if customer_id else None
    if customer is None:
        return {}
    return {
        "id": customer.id,
        "title": customer.title,
        "phone_masked": customer.phone_masked,
        "brand": customer.brand,
        "stage": customer.stage,
    }


# What other capabilities need of the service desk (they import nothing else of it).


def segment_customers(
    session: Session,
    *,
    brand: str = "",
    vip: str = "",
    plan: str = "",
    region: str = "",
    stage: str = "",
) -> list[tuple[str, str]]:
    """(id, region) of the customers held whose brand, VIP level, region and stage equal the
    ones given and whose plan contains `plan` (a blank filter matches everyone), by id."""
    query = select(Customer.id, Customer.region).order_by(Customer.id)
    for column, value in (
        (Customer.brand, brand),
        (Customer.vip, vip),
        (Customer.region, region),
        (Customer.stage, stage),
    ):
        if value:
            query = query.where(column == value)
    if plan:
        query = query.where(Customer.plan.contains(plan, autoescape=True))
    return [(cid, reg) for cid, reg in session.execute(query)]


def open_tickets(session: Session, customer_id: str | None, *, now: datetime) -> list[dict]:
    """A customer's tickets not yet closed, the most urgent first (the workbench's card)."""
    from moqi.service import queues

    return queues.open_tickets(session, customer_id, now=now)


def open_ticket_for_contact(session: Session, contact: Contact, **kwargs) -> int:
    """The ticket promised at wrap-up (see tickets.open_for_contact); its id."""
    from moqi.service import tickets

    return tickets.open_for_contact(session, contact, **kwargs).id


def open_ticket(session: Session, *, now: datetime, **fields) -> int:
    """A new ticket from another capability (tickets.create's fields); its id."""
    from moqi.service import tickets

    return tickets.create(session, now=now, **fields).id


def raise_ticket_priority(
    session: Session, ticket_id: int, priority: str, *, actor: str, now: datetime, note: str = ""
) -> bool:
    """Raise an open ticket's priority to `priority` (recorded, clocks restarted); never lowers
    it, and leaves a resolved or closed ticket alone. Whether it changed."""
    from moqi.service import clocks, tickets

    if priority not in clocks.PRIORITIES:
        raise errors.Invalid(f"priority must be one of {', '.join(clocks.PRIORITIES)}")
    ticket = tickets.get(session, ticket_id)
    order = list(clocks.PRIORITIES)
    if ticket.status not in tickets.OPEN or order.index(priority) >= order.index(ticket.priority):
        return False
    old, ticket.priority = ticket.priority, priority
    tickets.record(
        session,
        ticket,
        actor=actor,
        kind="change",
        now=now,
        field="priority",
        old=old,
        new=priority,
        body=tickets.clean(note, 4000),
    )
    tickets.restart_clocks(session, ticket, now=now)
    session.flush()
    return True


def ticket_of_contact(session: Session, contact_id: int) -> int | None:
    """The id of the ticket a contact opened, if it opened one."""
    from moqi.service import queues

    return queues.for_contact(session, contact_id)


def contact_facts(name: str = "contact_facts") -> Subquery:
    """Each contact's facts that reports group by, as a subquery another capability's SQL
    can join on `contact_id`: agent, channel, reason, moment, start, status, the customer (None
    for an unknown caller) and their region and brand (empty for an unknown caller)."""
    return (
        select(
            Contact.id.label("contact_id"),
            Contact.customer_id,
            Contact.status,
            Contact.agent,
            Contact.channel,
            Contact.reason,
            Contact.moment,
            Contact.started_at,
            func.coalesce(Customer.region, "").label("region"),
            func.coalesce(Customer.brand, "").label("brand"),
        )
        .outerjoin(Customer, Customer.id == Contact.customer_id)
        .subquery(name)
    )


def contact_exists(session: Session, contact_id: int) -> bool:
    return session.get(Contact, contact_id) is not None


def closed_transcripts(
    session: Session,
    *,
    since: datetime | None = None,
    region: str | None = None,
    brand: str | None = None,
) -> list[dict]:
    """Every closed contact begun at `since` or later (of the customers of a region and brand,
    when given), oldest first, as {id, region, brand, reason, started_at, utterances:
    [(speaker, text)]} with the utterances in turn order and their text as stored (normalised
    and masked). For batch analysis (moqi mine --contacts)."""
    conditions = [Contact.status == "closed"]
    if since is not None:
        conditions.append(Contact.started_at >= _utc(since))
    if region is not None:
        conditions.append(Customer.region == region)
    if brand is not None:
        conditions.append(Customer.brand == brand)
    contacts = (
        select(Contact.id, Contact.reason, Contact.started_at, Customer.region, Customer.brand)
        .outerjoin(Customer, Customer.id == Contact.customer_id)
        .where(*conditions)
        .order_by(Contact.started_at, Contact.id)
    )
    found: dict[int, dict] = {
        cid: {
            "id": cid,
            "region": cust_region or "",
            "brand": cust_brand or "",
            "reason": reason or "",
            "started_at": _aware(started),
            "utterances": [],
        }
        for cid, reason, started, cust_region, cust_brand in session.execute(contacts)
    }
    said = (
        select(Utterance.contact_id, Utterance.speaker, Utterance.text)
        .join(Contact, Contact.id == Utterance.contact_id)
        .outerjoin(Customer, Customer.id == Contact.customer_id)
        .where(*conditions)
        .order_by(Utterance.contact_id, Utterance.turn)
    )
    for cid, speaker, text in session.execute(said):
        if cid in found:
            found[cid]["utterances"].append((speaker, text))
    return list(found.values())
