"""Customers and contacts: store with masked identity, read back as an assist profile."""

from __future__ import annotations

from collections.abc import Collection
from datetime import UTC, datetime

from sqlalchemy import Subquery, func, select
from sqlalchemy.orm import Session

from moqi import errors
from moqi.nlp.mask import mask_pii
from moqi.service.customer_view import (  # noqa: F401 - the capability's interface
    customer_account,
    customer_tickets,
)
from moqi.service.customers import (  # noqa: F401 - the capability's interface
    NotFound,
    _aware,
    customer_card,
    find_customer,
    mask_name,
    profile_of,
    recent_contacts,
    segment_customers,
    upsert_customer,
)
from moqi.service.facts import (  # noqa: F401 - the capability's interface
    customer_counts,
    customer_facts,
    outbox_facts,
    ticket_facts,
)
from moqi.service.models import Contact, Customer, Utterance
from moqi.service.outcomes import customer_lines, reason_outcomes  # noqa: F401 - the interface
from moqi.service.phone_keys import (  # noqa: F401 - the capability's interface
    KEY_PREFIX,
    keyed_customers,
    phone_key,
    recover_phone,
    rekey_customers,
)
from moqi.service.promises import sla_promises  # noqa: F401 - the capability's interface


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


# What other capabilities need of the service desk (they import nothing else of it).


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
