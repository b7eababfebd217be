"""The live writer commits each unit before its future resolves, on both databases, and one bad
unit never costs the others their place: it is kept aside in dead_letters, not dropped."""

import json

from sqlalchemy import func, select

from moqi.assist.live.writer import BatchWriter
from moqi.assist.models import DeadLetterRow
from moqi.db import session_scope
from moqi.service.models import Contact, Utterance
from moqi.web.clock import now


def _contact(db) -> int:
    with session_scope(db) as s:
        contact = Contact(channel="voice", started_at=now())
        s.add(contact)
        s.flush()
        return contact.id


def _utterances(db) -> int:
    with session_scope(db) as s:
        return s.scalar(select(func.count()).select_from(Utterance))


def test_a_unit_is_committed_when_its_future_resolves_and_stored_hooks_run_in_order(db):
    cid = _contact(db)
    writer = BatchWriter(db.kw["bind"])
    published = []
    try:
        futures = [
            writer.submit(
                [
                    Utterance(
                        contact_id=cid,
                        turn=t,
                        speaker="customer",
                        text=f"第{t}句",
                        ts=None if t % 2 else float(t),
                    )
                ],
                contact_id=cid,
                on_stored=lambda t=t: published.append(t),
            )
            for t in range(1, 301)
        ]
        futures[-1].result(timeout=30)
        # Every earlier unit was committed no later than the last one.
        assert all(f.done() and f.result() is True for f in futures)
        assert _utterances(db) == 300
        assert published == list(range(1, 301))
    finally:
        writer.close()


def test_a_bad_unit_in_a_batch_is_kept_aside_and_the_others_are_stored(db):
    cid = _contact(db)
    writer = BatchWriter(db.kw["bind"])
    try:
        # Queue a batch where one unit (an utterance of a contact that does not exist, with
        # characters no column should see) breaks the transaction the others share.
        writer.flush()
        units = [
            [Utterance(contact_id=cid, turn=t, speaker="customer", text="好的", ts=1.0)]
            for t in range(1, 200)
        ]
        units.insert(
            100,
            [
                Utterance(
                    contact_id=999999, turn=1, speaker="customer", text="孤\x00儿", ts=float("nan")
                )
            ],
        )
        futures = [writer.submit(rows, contact_id=rows[0].contact_id) for rows in units]
        for future in futures:
            assert (
                future.result(timeout=30) is True
            )  # stored or kept aside: acknowledged either way
        assert _utterances(db) == 199
        assert writer.dead_letters == 1
        with session_scope(db) as s:
            letter = s.scalars(select(DeadLetterRow)).one()
        assert letter.contact_id == 999999 and letter.source == "live" and letter.error
        kept = json.loads(letter.payload)
        assert kept[0]["table"] == "utterances" and kept[0]["values"]["text"] == "孤\x00儿"
        assert "\x00" not in letter.payload  # escaped, so PostgreSQL stores it
        # Later units still land.
        writer.submit(
            [Utterance(contact_id=cid, turn=300, speaker="agent", text="好的", ts=1.0)]
        ).result(timeout=30)
        assert _utterances(db) == 200
    finally:
        writer.close()


def test_a_unit_that_cannot_even_be_kept_aside_fails_its_future(tmp_path):
    from moqi.assist.live.writer import StorageError
    from moqi.db import make_engine

    # A database without the tables: neither the unit nor its dead letter can be written.
    engine = make_engine(f"sqlite:///{tmp_path / 'empty.sqlite3'}")
    writer = BatchWriter(engine)
    try:
        future = writer.submit(
            [Utterance(contact_id=1, turn=1, speaker="customer", text="喂", ts=None)], contact_id=1
        )
        error = future.exception(timeout=30)
        assert isinstance(error, StorageError) and "not stored" in str(error)
    finally:
        writer.close()
        engine.dispose()


def test_a_writer_the_database_cannot_keep_up_with_refuses_rather_than_queue_without_bound(
    db, monkeypatch
):
    import threading

    import pytest

    from moqi.assist.live import writer as writer_module
    from moqi.assist.live.writer import StorageError

    monkeypatch.setattr(writer_module, "MAX_QUEUED", 3)
    cid = _contact(db)
    writer = BatchWriter(db.kw["bind"], window_s=0)
    release = threading.Event()
    try:
        # A unit whose storing hangs stands for a database that has stopped answering.
        stuck = writer.submit([], contact_id=cid, apply=lambda conn: release.wait(30))
        while writer._queue.qsize():
            pass  # the writer has taken the stuck unit
        waiting = [writer.submit([], contact_id=cid) for _ in range(3)]
        refused = writer.submit([], contact_id=cid)
        with pytest.raises(StorageError, match="3 units behind"):
            refused.result(timeout=1)
        release.set()
        for future in [stuck, *waiting]:
            future.result(timeout=30)  # what was queued is stored all the same
    finally:
        release.set()
        writer.close()
