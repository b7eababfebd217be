"""Storage on SQLite and PostgreSQL: content round-trips, customers are masked, calls are all-or-nothing."""

import json
from datetime import UTC, datetime

import pytest
from sqlalchemy import func, select

from moqi.assist.models import AssistEventRow, ConfirmationRow
from moqi.assist.services import live_engine, record_call
from moqi.assist.transcript import parse_transcript
from moqi.content import load_files
from moqi.content.files import load_demo_customers
from moqi.db import session_scope
from moqi.knowledge import services as knowledge
from moqi.service import services as desk
from moqi.service.models import Contact, Customer, Utterance

NOW = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)


@pytest.fixture
def loaded(loaded_db):
    return loaded_db


def test_content_round_trips_through_the_database(loaded):
    files = load_files()
    with session_scope(loaded) as s:
        stored = knowledge.load_content(s)
    assert stored.counts() == files.counts()
    assert {b.code: b for b in stored.businesses} == {b.code: b for b in files.businesses}
    assert {e.word: e for e in stored.lexicon} == {e.word: e for e in files.lexicon}
    assert [r.code for r in stored.reasons] == [r.code for r in files.reasons]
    assert stored.advice == files.advice and stored.operations == files.operations
    assert stored.escalation == files.escalation and stored.escalation["channels"]
    assert stored.agent_phrases == files.agent_phrases and stored.agent_phrases["rules"]


def test_generic_terms_round_trip_and_an_older_instance_gets_the_shipped_ones(loaded):
    from sqlalchemy import delete, update

    from moqi.knowledge.models import BusinessRow, ContentDocRow

    shipped = load_files().generic_terms
    with session_scope(loaded) as s:
        assert knowledge.load_content(s).generic_terms == shipped
        # An instance loaded before generic terms existed has no document for them.
        s.execute(delete(ContentDocRow).where(ContentDocRow.key == "generic_terms"))
    with session_scope(loaded) as s:
        assert knowledge.load_content(s).generic_terms == shipped
        # A group whose business has since gone is left out; the engine still builds.
        s.execute(delete(BusinessRow).where(BusinessRow.code == "pts_query"))
        s.execute(
            update(BusinessRow).where(BusinessRow.code == "pts_redeem").values(aliases=["积分"])
        )
    with session_scope(loaded) as s:
        terms = knowledge.load_content(s).generic_terms
    assert len(terms) == len(shipped) - 1 and not any("积分" in t.words for t in terms)


def test_question_types_round_trip_and_an_older_instance_reads_the_shipped_ones(loaded):
    from sqlalchemy import delete

    from moqi.knowledge.models import ContentDocRow

    shipped = load_files().questions
    with session_scope(loaded) as s:
        assert knowledge.load_content(s).questions == shipped
        s.execute(delete(ContentDocRow).where(ContentDocRow.key == "questions"))
    with session_scope(loaded) as s:
        assert knowledge.load_content(s).questions == shipped


def test_masks_round_trip_and_an_older_instance_reads_the_shipped_list(loaded):
    from sqlalchemy import delete

    from moqi.knowledge.models import ModifierRow

    shipped = load_files().masks
    assert "一下" in shipped
    with session_scope(loaded) as s:
        assert set(knowledge.load_content(s).masks) == set(shipped)
        s.execute(delete(ModifierRow).where(ModifierRow.kind == "mask"))
    with session_scope(loaded) as s:
        # Loaded before masks existed: none stored, so the shipped list applies.
        assert knowledge.load_content(s).masks == shipped
        assert live_engine(s).read_emotion("帮我查一下套餐").category == "neutral"


def test_sample_utterances_round_trip_and_an_older_instance_reads_the_shipped_ones(loaded):
    from sqlalchemy import delete

    from moqi.knowledge.models import ContentDocRow

    shipped = {r.code: r.examples for r in load_files().reasons}
    assert shipped and all(shipped.values())
    with session_scope(loaded) as s:
        assert {r.code: r.examples for r in knowledge.load_content(s).reasons} == shipped
        s.execute(delete(ContentDocRow).where(ContentDocRow.key == "utterances"))
    with session_scope(loaded) as s:
        # Loaded before sample utterances existed: none stored, so the shipped ones apply.
        assert {r.code: r.examples for r in knowledge.load_content(s).reasons} == shipped


def test_a_database_without_content_loads_empty_content(db):
    # A fresh database (nothing loaded yet) has no reasons: the shipped sample utterances do
    # not apply to reasons it does not have.
    with session_scope(db) as s:
        content = knowledge.load_content(s)
    assert content.reasons == () and content.businesses == ()


def test_phrase_kinds_added_to_the_shipped_operations_reach_an_older_instance(loaded):
    from sqlalchemy import update

    from moqi.knowledge.models import ContentDocRow

    with session_scope(loaded) as s:
        stored = knowledge.load_content(s).operations
        older = {k: v for k, v in stored.items() if not k.startswith("wrap_up")}
        older["done"] = ["已经办好了"]  # what the instance has stays as it is
        s.execute(update(ContentDocRow).where(ContentDocRow.key == "operations").values(body=older))
    with session_scope(loaded) as s:
        operations = knowledge.load_content(s).operations
    assert operations["done"] == ["已经办好了"]
    assert (
        operations["wrap_up"] == stored["wrap_up"]
        and operations["wrap_up_short"] == stored["wrap_up_short"]
    )


def test_customers_are_stored_masked(loaded):
    with session_scope(loaded) as s:
        customer = s.get(Customer, "C1001")
        assert "*" in customer.phone_masked and "*" in customer.name_masked
        raw = next(c for c in load_demo_customers() if c["id"] == "C1001")
        assert raw["phone"] not in customer.phone_masked
        # Found by the full number without it being stored.
        assert desk.find_customer(s, raw["phone"]).id == "C1001"
        profile = desk.profile_of(s, customer, now=NOW)
        assert profile["events"] and profile["events"][0]["days_ago"] >= 0


def recorded(factory, customer: str, *turns: tuple[str, str]):
    """(contact id, events) of a call of these (speaker, text) turns, recorded as `moqi assist` does."""
    lines = [json.dumps({"customer": customer, "channel": "voice"})]
    lines += [
        json.dumps({"speaker": who, "text": text, "ts": 3 * i}, ensure_ascii=False)
        for i, (who, text) in enumerate(turns)
    ]
    with session_scope(factory) as s:
        return record_call(s, parse_transcript("\n".join(lines)), customer_ref=customer, now=NOW)


def test_a_call_is_recorded_with_events_and_confirmation(loaded):
    contact_id, events = recorded(
        loaded,
        "C1001",
        ("agent", "您好，请问有什么可以帮您"),
        ("customer", "我的号码13800001001流量怎么扣了这么多钱"),
        ("agent", "流量包已经为您办理成功"),
        ("customer", "对没问题"),
    )
    assert len(events) == 4
    with session_scope(loaded) as s:
        contact = s.get(Contact, contact_id)
        assert contact.customer_id == "C1001" and contact.reason
        # a call analysed whole is over, ending at its last turn (ts 9 s after it started)
        assert contact.status == "closed" and contact.notes
        assert (contact.ended_at - contact.started_at).total_seconds() == 9
        texts = [u.text for u in contact.utterances]
        assert texts and all("13800001001" not in t for t in texts)
        assert (
            s.scalar(
                select(func.count())
                .select_from(AssistEventRow)
                .where(AssistEventRow.contact_id == contact_id)
            )
            == 4
        )
        confirmation = s.scalars(
            select(ConfirmationRow).where(ConfirmationRow.contact_id == contact_id)
        ).one()
        assert confirmation.status == "confirmed" and confirmation.success


def test_a_report_of_several_operations_is_a_row_for_each(loaded):
    contact_id, _ = recorded(
        loaded,
        "C1005",
        ("customer", "莫名其妙扣了我代收费，都给我关了"),
        ("agent", "第一，“每日健康资讯”业务已经退订了；第二，代收费功能已经关闭了。"),
        ("customer", "好的，谢谢"),
    )
    with session_scope(loaded) as s:
        rows = s.scalars(
            select(ConfirmationRow)
            .where(ConfirmationRow.contact_id == contact_id)
            .order_by(ConfirmationRow.id)
        ).all()
        assert [(r.turn, r.business_code, r.business_name, r.status) for r in rows] == [
            (2, None, "退订每日健康资讯", "confirmed"),
            (2, "sp_sms_billing", "关闭短信代收费", "confirmed"),
        ]


def test_unknown_customer_leaves_nothing_behind(loaded):
    with pytest.raises(desk.NotFound, match="no customer 'C9999'"), session_scope(loaded) as s:
        record_call(s, parse_transcript("客户：你好"), customer_ref="C9999", now=NOW)
    with session_scope(loaded) as s:
        assert s.scalar(select(func.count()).select_from(Contact)) == 0
        assert s.scalar(select(func.count()).select_from(Utterance)) == 0


def test_live_engine_follows_content_changes_without_restart(loaded):
    with session_scope(loaded) as s:
        before = live_engine(s)
        assert live_engine(s) is before
    content = load_files()
    smaller = type(content)(**{**content.__dict__, "scripts": content.scripts[:50]})
    with session_scope(loaded) as s:
        knowledge.replace_content(s, smaller, note="edit")
    with session_scope(loaded) as s:
        after = live_engine(s)
    assert after is not before and len(after.content.scripts) == 50


def test_every_zoned_timestamp_reads_back_in_utc_on_every_database():
    """A column of DateTime(timezone=True) comes back naive from SQLite: comparing it with an
    aware time then fails at run time (a wrap-up once did). Every zoned column is UtcDateTime."""
    from sqlalchemy import DateTime

    from moqi.db.base import UtcDateTime
    from moqi.models import metadata

    plain = [
        f"{table.name}.{column.name}"
        for table in metadata.tables.values()
        for column in table.columns
        if isinstance(column.type, DateTime) and column.type.timezone
    ]
    assert plain == [], "use moqi.db.base.UtcDateTime for these columns"
    assert any(isinstance(c.type, UtcDateTime) for t in metadata.tables.values() for c in t.columns)
