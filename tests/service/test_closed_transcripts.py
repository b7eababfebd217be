"""closed_transcripts: the stored contacts as batch analysis reads them."""

from __future__ import annotations

from datetime import UTC, datetime

from moqi.db import session_scope
from moqi.service import services as desk

MARCH = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
APRIL = datetime(2026, 4, 7, 15, 30, tzinfo=UTC)


def _contact(s, customer_id, started, said, *, closed=True):
    contact = desk.create_contact(
        s, customer_id=customer_id, channel="voice", title="", agent="a1", started_at=started
    )
    desk.add_utterances(s, contact, [(i, sp, t, None) for i, (sp, t) in enumerate(said, 1)])
    if closed:
        desk.close_contact(s, contact, result="resolved", notes="", now=started)
    else:
        contact.status = "open"
    contact.reason = "bill_dispute"
    return contact.id


def test_closed_contacts_with_their_customer_in_turn_order(loaded_db):
    with session_scope(loaded_db) as s:
        customer = desk.find_customer(s, "C1001")
        region, brand = customer.region, customer.brand
        first = _contact(
            s, "C1001", MARCH, [("agent", "您好"), ("customer", "我的号码是13812345678，话费不对")]
        )
        second = _contact(s, None, APRIL, [("customer", "流量怎么没了")])
        _contact(s, None, APRIL, [("customer", "还在说")], closed=False)
    with session_scope(loaded_db) as s:
        found = desk.closed_transcripts(s)
        assert [c["id"] for c in found] == [first, second]
        assert (found[0]["region"], found[0]["brand"]) == (region, brand) and region
        assert found[0]["utterances"] == [
            ("agent", "您好"),
            ("customer", "我的号码是138****5678，话费不对"),
        ]
        assert found[0]["reason"] == "bill_dispute" and found[0]["started_at"] == MARCH
        assert found[1]["region"] == "" and found[1]["utterances"] == [("customer", "流量怎么没了")]
        assert [c["id"] for c in desk.closed_transcripts(s, since=APRIL)] == [second]
        assert [c["id"] for c in desk.closed_transcripts(s, region=region)] == [first]
        assert desk.closed_transcripts(s, brand="没有的品牌") == []
