"""Customers and contacts: store with masked identity, read back as an assist profile."""

from __future__ import annotations

import hashlib
from datetime import UTC, datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from moqi.nlp.mask import mask_pii
from moqi.service.models import Contact, Customer, CustomerEventRow, Utterance


class NotFound(LookupError):
    """An id that names nothing."""


def phone_key(phone: str) -> str:
    """A one-way key to find a customer by number without storing the number."""
    digits = "".join(ch for ch in phone if ch.isdigit())[-11:]
    return hashlib.sha256(f"moqi-phone:{digits}".encode()).hexdigest()


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
        raise ValueError("customer needs an id")
    customer = session.get(Customer, cid) or Customer(id=cid)
    phone = str(data.get("phone") or "")
    name = str(data.get("name") or "")
    customer.name_masked = mask_name(name)
    customer.title = str(data.get("title") or (name[:1] + ("先生" if data.get("gender") == "male" else "女士") if name and data.get("gender") in ("male", "female") else ""))
    customer.phone_masked = mask_pii(phone) if phone else ""
    customer.phone_key = phone_key(phone) if phone else None
    for attr in ("brand", "region", "city", "plan", "stage", "vip"):
        setattr(customer, attr, str(data.get(attr) or ""))
    customer.tenure_months = int(data.get("tenure_months") or 0)
    customer.arpu = float(data.get("arpu") or 0)
    customer.events = [
        CustomerEventRow(type=str(e["type"]), occurred_at=now - timedelta(days=float(e.get("days_ago") or 0)), detail=mask_pii(str(e.get("detail") or "")))
        for e in data.get("events") or ()
    ]
    session.add(customer)
    return customer


def find_customer(session: Session, ref: str) -> Customer:
    """A customer by id or by phone number; NotFound otherwise."""
    customer = session.get(Customer, ref)
    if customer is None and any(ch.isdigit() for ch in ref):
        customer = session.scalar(select(Customer).where(Customer.phone_key == phone_key(ref)))
    if customer is None:
        raise NotFound(f"no customer {ref!r}")
    return customer


def recent_contacts(session: Session, customer_id: str, *, now: datetime, days: int = 7) -> int:
    """How many contacts this customer made in the last `days` days."""
    since = now - timedelta(days=days)
    rows = session.scalars(select(Contact.started_at).where(Contact.customer_id == customer_id)).all()
    return sum(1 for started in rows if _aware(started) >= since)


def _aware(value: datetime) -> datetime:
    # SQLite hands timestamps back naive; they were stored in UTC.
    return value if value.tzinfo else value.replace(tzinfo=UTC)


def profile_of(session: Session, customer: Customer, *, now: datetime) -> dict:
    """The customer as a plain profile mapping for the assist engine."""
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
            {"type": e.type, "days_ago": max(0.0, (now - _aware(e.occurred_at)).total_seconds() / 86400), "detail": e.detail}
            for e in customer.events
        ],
        "recent_contacts": recent_contacts(session, customer.id, now=now),
    }


def get_contact(session: Session, contact_id: int) -> Contact:
    """A stored contact; NotFound otherwise."""
    contact = session.get(Contact, contact_id)
    if contact is None:
        raise NotFound(f"no contact {contact_id}")
    return contact


def create_contact(session: Session, *, customer_id: str | None, channel: str, title: str, agent: str, started_at: datetime) -> Contact:
    """Open a contact (call or chat)."""
    if customer_id is not None and session.get(Customer, customer_id) is None:
        raise NotFound(f"no customer {customer_id!r}")
    contact = Contact(customer_id=customer_id, channel=channel, title=mask_pii(title), agent=agent, started_at=started_at)
    session.add(contact)
    session.flush()
    return contact


def add_utterances(session: Session, contact: Contact, rows: list[tuple[int, str, str, float | None]]) -> None:
    """Append (turn, speaker, masked text, ts) rows to a contact; text is masked again to be sure."""
    session.add_all(Utterance(contact_id=contact.id, turn=t, speaker=s, text=mask_pii(x), ts=ts) for t, s, x, ts in rows)
