"""The SLA sweep: a warning before a clock falls due and an alert at breach, each raised once,
across restarts and with two workers sweeping at the same time."""

from datetime import UTC, datetime, timedelta

from sqlalchemy import select

from moqi.db import session_scope
from moqi.service import queues, sweep, ticket_work, tickets
from moqi.service.models import TicketEvent

# Monday 2026-10-12 09:00 in Shanghai.
MONDAY = datetime(2026, 10, 12, 1, 0, tzinfo=UTC)
LINK = "http://moqi.test"


def _alerts(session, ticket_id):
    return [
        (e.field, e.new)
        for e in session.scalars(
            select(TicketEvent)
            .where(TicketEvent.ticket_id == ticket_id, TicketEvent.kind == "alert")
            .order_by(TicketEvent.id)
        )
    ]


def test_warning_then_breach_each_once_and_nothing_before_time(loaded_db):
    with session_scope(loaded_db) as s:
        # An urgent complaint on the 24-hour calendar: first response in 30 min.
        t = tickets.create(
            s, kind="complaint", priority="urgent", title="扬言投诉工信部", owner="a", now=MONDAY
        )
        tid = t.id
        assert t.alert_at == MONDAY + timedelta(minutes=15)
    with session_scope(loaded_db) as s:
        assert sweep.sweep(s, now=MONDAY + timedelta(minutes=14), link_base=LINK)["warnings"] == 0
    with session_scope(loaded_db) as s:
        counts = sweep.sweep(s, now=MONDAY + timedelta(minutes=16), link_base=LINK)
        assert counts["warnings"] == 1 and counts["breaches"] == 0
    # A restart: a new session (a new process would read the same rows) raises nothing again.
    with session_scope(loaded_db) as s:
        assert sweep.sweep(s, now=MONDAY + timedelta(minutes=20), link_base=LINK)["warnings"] == 0
    with session_scope(loaded_db) as s:
        counts = sweep.sweep(s, now=MONDAY + timedelta(minutes=31), link_base=LINK)
        assert counts["breaches"] == 1
        assert _alerts(s, tid) == [("first_response", "warn"), ("first_response", "breach")]
        # The resolution clock (720 min) is next.
        t = tickets.get(s, tid)
        assert tickets.aware(t.alert_at) == MONDAY + timedelta(minutes=720 - 15)


def test_a_server_down_through_both_raises_only_the_breach(loaded_db):
    with session_scope(loaded_db) as s:
        tid = tickets.create(
            s, kind="complaint", priority="urgent", title="x", owner="a", now=MONDAY
        ).id
    with session_scope(loaded_db) as s:
        sweep.sweep(s, now=MONDAY + timedelta(hours=2), link_base=LINK)
        assert _alerts(s, tid) == [("first_response", "breach")]


def test_two_workers_sweeping_at_once_raise_an_alert_once(loaded_db):
    with session_scope(loaded_db) as s:
        tid = tickets.create(
            s, kind="complaint", priority="urgent", title="x", owner="a", now=MONDAY
        ).id
    later = MONDAY + timedelta(minutes=16)
    a, b = loaded_db(), loaded_db()
    try:
        # Both read the due ticket before either writes.
        ta, tb = tickets.get(a, tid), tickets.get(b, tid)
        assert ta.alert_at is not None and tb.alert_at is not None
        first = sweep.sweep(a, now=later, link_base=LINK)
        a.commit()
        second = sweep.sweep(b, now=later, link_base=LINK)
        b.commit()
    finally:
        a.close()
        b.close()
    assert first["warnings"] + second["warnings"] == 1
    with session_scope(loaded_db) as s:
        assert _alerts(s, tid) == [("first_response", "warn")]


def test_a_reply_meets_the_first_response_and_starts_the_update_clock(loaded_db):
    with session_scope(loaded_db) as s:
        t = tickets.create(s, kind="complaint", priority="urgent", title="x", owner="a", now=MONDAY)
        ticket_work.reply(
            s,
            t.id,
            username="a",
            role="agent",
            body="已受理，正在核查",
            now=MONDAY + timedelta(minutes=10),
        )
        assert {c["clock"] for c in queues.clock_view(t, MONDAY)} == {"update", "resolution"}
        assert tickets.aware(t.update_due) == MONDAY + timedelta(minutes=130)
        tid = t.id
    with session_scope(loaded_db) as s:
        sweep.sweep(s, now=MONDAY + timedelta(minutes=200), link_base=LINK)
        assert _alerts(s, tid) == [("update", "breach")]


def test_a_promise_falling_due_warns_then_sends_the_survey(loaded_db):
    with session_scope(loaded_db) as s:
        t = tickets.create(
            s,
            kind="handling",
            priority="normal",
            title="退费",
            owner="a",
            customer_id="C1001",
            now=MONDAY,
        )
        ticket_work.commit_to(
            s,
            t.id,
            username="a",
            role="agent",
            text="周五前退回 30 元",
            due_at=MONDAY + timedelta(hours=3),
            now=MONDAY,
        )
        tid = t.id
    with session_scope(loaded_db) as s:
        assert (
            sweep.sweep(s, now=MONDAY + timedelta(hours=2, minutes=50), link_base=LINK)[
                "commitments"
            ]
            == 1
        )
    with session_scope(loaded_db) as s:
        assert sweep.sweep(s, now=MONDAY + timedelta(hours=3), link_base=LINK)["commitments"] == 1
    with session_scope(loaded_db) as s:
        assert sweep.sweep(s, now=MONDAY + timedelta(hours=4), link_base=LINK)["commitments"] == 0
        assert _alerts(s, tid)[-2:] == [("commitment", "warn"), ("commitment", "breach")]
        kinds = [e.kind for e in s.scalars(select(TicketEvent).where(TicketEvent.ticket_id == tid))]
        assert "survey" in kinds
