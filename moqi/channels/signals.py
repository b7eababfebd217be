"""What routing reads of a waiting conversation, taken from the assist engine: the businesses
the customer named (catalogue categories), the call reasons it predicts from the words and the
customer's profile, the emotion risk and escalation threats — the same reading a call gets."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.orm import Session

from moqi.assist import services as assist
from moqi.channels.routing import Signals
from moqi.service import services as desk


def read(session: Session, texts: list[str], customer_id: str | None, *, now: datetime) -> Signals:
    """Signals of a conversation's waiting messages (in order) for this customer (or none)."""
    session_, _ = assist.start_session(session, customer_id, now=now)
    event = None
    for text in texts:
        event = session_.feed("customer", text)
    brand = vip = ""
    if customer_id is not None:
        customer = desk.find_customer(session, customer_id)
        brand, vip = customer.brand or "", customer.vip or ""
    if event is None:
        return Signals(text="", brand=brand, vip=vip)
    categories = {b.code: b.category for b in session_.engine.content.businesses}
    named = {categories[m["code"]] for m in event.businesses["in_call"] if m["code"] in categories}
    emotion, need = event.emotion, event.need
    return Signals(
        text=" ".join(texts),
        categories=frozenset(named),
        reasons=tuple((r["code"], r["p"]) for r in need["reasons"]) if need["informed"] else (),
        moment=need["moment"] if need["informed"] else "",
        risk=emotion["risk"],
        escalation=bool(emotion["escalation_channels"]),
        brand=brand,
        vip=vip,
    )
