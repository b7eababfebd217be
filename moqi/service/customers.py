"""Customers as the service desk holds them: stored with personal data masked, found by id or
phone, and handed to other capabilities as profiles and cards. Re-exported by services.py, the
capability's interface."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from moqi import errors
from moqi.nlp.mask import mask_pii
from moqi.service.models import Contact, Customer, CustomerEventRow
from moqi.service.phone_keys import phone_key


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
