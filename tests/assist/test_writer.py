"""The write-behind writer stores live rows in batches, on both databases, and survives a bad batch."""

from sqlalchemy import func, select

from moqi.assist.writer import BatchWriter
from moqi.db import session_scope
from moqi.service.models import Contact, Utterance
from moqi.web.clock import now


def test_batches_are_committed_and_flush_waits(db):
    with session_scope(db) as s:
        contact = Contact(channel="voice", started_at=now())
        s.add(contact)
        s.flush()
        cid = contact.id
    writer = BatchWriter(db)
    try:
        for turn in range(1, 301):
            writer.submit([Utterance(contact_id=cid, turn=turn, speaker="customer", text=f"第{turn}句", ts=None if turn % 2 else float(turn))])
        writer.flush()
        with session_scope(db) as s:
            assert s.scalar(select(func.count()).select_from(Utterance)) == 300
        # A batch that breaks a constraint is logged and dropped; later batches still land.
        writer.submit([Utterance(contact_id=999999, turn=1, speaker="customer", text="孤儿", ts=None)])
        writer.flush()
        writer.submit([Utterance(contact_id=cid, turn=301, speaker="agent", text="好的", ts=1.0)])
        writer.flush()
        assert writer.failures == 1
        with session_scope(db) as s:
            assert s.scalar(select(func.count()).select_from(Utterance)) == 301
    finally:
        writer.close()
