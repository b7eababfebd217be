"""Script experiments on a real database: the split feeds the calls recorded, exposures are
stored as contacts close, the report, the winner proposed for review, and bad input refused."""

from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlalchemy import select

from moqi.assist.services import record_call
from moqi.assist.transcript import parse_transcript
from moqi.db import session_scope
from moqi.errors import Conflict, Invalid, NotFound
from moqi.knowledge import versions
from moqi.knowledge.experiments import design
from moqi.knowledge.experiments import services as experiments
from moqi.knowledge.experiments.models import ExperimentRow, ExposureRow
from moqi.knowledge.models import ProposalRow
from moqi.service import services as desk
from tests.conftest import count

NOW = datetime(2026, 12, 7, 10, 0, tzinfo=UTC)
CALL = Path(__file__).resolve().parents[2] / "examples" / "bill_overage.jsonl"
VARIANT = "{customer}，真的很抱歉让您着急了，这笔费用我一定帮您查清楚。"


def _record(s):
    transcript = parse_transcript(CALL.read_bytes())
    return record_call(s, transcript, customer_ref=transcript.header.get("customer"), now=NOW)


def _shown_line(s) -> str:
    """The first line the example call shows (the customer speaks after it), found by running it."""
    _, events = _record(s)
    s.rollback()
    return events[0].scripts[0]["id"]


def test_no_running_experiment_changes_nothing(loaded_db):
    with session_scope(loaded_db) as s:
        sid = _shown_line(s)
        experiments.create(s, name="草稿不生效", script_id=sid, variant=VARIANT, user="ed", now=NOW)
        contact_id, events = _record(s)
        assert experiments.variants_for(s, contact_id, "全球通") == {}
        published = versions.live_body(s, "script", sid)["text"]
        assert not any(VARIANT[12:] in x["text"] for e in events for x in e.scripts)
        assert s.scalars(select(ExposureRow)).all() == []
        assert published


def test_the_variant_is_shown_only_in_its_arm_and_each_closed_call_is_an_exposure(loaded_db):
    with session_scope(loaded_db) as s:
        sid = _shown_line(s)
        e = experiments.create(
            s, name="致歉话术", script_id=sid, variant=VARIANT, user="ed", now=NOW
        )
        experiments.start(s, e.id, now=NOW)
        seen: dict[str, int] = {}
        for _ in range(12):
            contact_id, events = _record(s)
            arm = design.arm(e.id, contact_id)
            seen[arm] = seen.get(arm, 0) + 1
            shown = [x["text"] for ev in events for x in ev.scripts if x["id"] == sid]
            assert shown, "the example call shows the line in both arms"
            with_variant = [t for t in shown if "这笔费用我一定帮您查清楚" in t]
            assert bool(with_variant) == (arm == "variant")
            exposure = s.scalar(select(ExposureRow).where(ExposureRow.contact_id == contact_id))
            assert exposure is not None and exposure.arm == arm
            assert exposure.experiment_id == e.id
            # The agent of the example says their own words: they never read the variant out.
            assert not (arm == "variant" and exposure.read_out)
            assert exposure.emotion_change is not None
            if len(seen) == 2 and min(seen.values()) >= 2:
                break
        assert set(seen) == {"control", "variant"}
        r = experiments.report(s, e.id)
        assert r["arms"]["control"]["exposed"] == seen["control"]
        assert r["arms"]["variant"]["exposed"] == seen["variant"]
        assert r["decision"] == "pending" and r["still_needed"]["control"] == 99 - seen["control"]
        with pytest.raises(Conflict):
            experiments.propose_winner(s, e.id, user="ed", now=NOW)
        # Stopped, the experiment neither splits nor counts any more.
        experiments.stop(s, e.id, now=NOW)
        contact_id, events = _record(s)
        assert not any("这笔费用我一定帮您查清楚" in x["text"] for ev in events for x in ev.scripts)
        assert s.scalar(select(ExposureRow).where(ExposureRow.contact_id == contact_id)) is None


def test_at_the_horizon_a_better_variant_is_proposed_for_review_not_published(loaded_db):
    with session_scope(loaded_db) as s:
        e = experiments.create(
            s, name="问候", script_id="S0001", variant=VARIANT, mde=1.0, sd=0.5, user="ed", now=NOW
        )
        assert e.per_arm == 4  # 2·7.8489·0.25/1 = 3.92 → 4
        experiments.start(s, e.id, now=NOW)
        values = {"control": [-0.1, 0.0, 0.1, 0.0], "variant": [0.5, 0.6, 0.4, 0.5]}
        made = {"control": 0, "variant": 0}
        while min(made.values()) < 4:
            c = desk.create_contact(
                s, customer_id=None, channel="voice", title="", agent="", started_at=NOW
            )
            s.flush()
            arm = design.arm(e.id, c.id)
            if made[arm] < 4:
                s.add(
                    ExposureRow(
                        experiment_id=e.id,
                        contact_id=c.id,
                        arm=arm,
                        read_out=True,
                        emotion_change=values[arm][made[arm]],
                        escalated=False,
                        recorded_at=NOW,
                    )
                )
                made[arm] += 1
        s.flush()
        r = experiments.report(s, e.id)
        assert r["decision"] == "variant" and r["difference"]["value"] == pytest.approx(0.5)
        assert r["difference"]["low"] > 0
        before = versions.live_body(s, "script", "S0001")
        proposal = experiments.propose_winner(s, e.id, user="ed", now=NOW)
        assert proposal.status == "open" and proposal.kind == "script"
        assert proposal.body["text"] == VARIANT and proposal.source_ref == f"experiment:{e.id}"
        assert versions.live_body(s, "script", "S0001") == before  # not published silently
        assert s.get(ExperimentRow, e.id).status == "finished"
        with pytest.raises(Conflict):
            experiments.propose_winner(s, e.id, user="ed", now=NOW)
        assert len(s.scalars(select(ProposalRow)).all()) == 1


@pytest.mark.parametrize(
    ("fields", "error"),
    [
        ({"script_id": "S9999"}, NotFound),
        ({"variant": ""}, Invalid),
        ({"variant": "好" * 301}, Invalid),
        ({"variant": "{手机号}您好"}, Invalid),
        ({"name": ""}, Invalid),
        ({"brand": "小灵通"}, Invalid),
        ({"reason": "no_such_reason"}, NotFound),
        ({"outcome": "revenue"}, Invalid),
        ({"mde": 0}, Invalid),
    ],
)
def test_bad_input_is_refused_and_stores_nothing(loaded_db, fields, error):
    with session_scope(loaded_db) as s, pytest.raises(error):
        experiments.create(
            s,
            **{"name": "x", "script_id": "S0001", "variant": VARIANT, **fields},
            user="ed",
            now=NOW,
        )
    assert count(loaded_db, ExperimentRow) == 0


def test_starting_twice_and_two_experiments_on_one_line_are_refused(loaded_db):
    with session_scope(loaded_db) as s:
        a = experiments.create(s, name="a", script_id="S0001", variant=VARIANT, user="ed", now=NOW)
        b = experiments.create(
            s, name="b", script_id="S0001", variant=VARIANT + "好吗", user="ed", now=NOW
        )
        with pytest.raises(Conflict):
            experiments.stop(s, a.id, now=NOW)  # a draft is not running
        experiments.start(s, a.id, now=NOW)
        with pytest.raises(Conflict):
            experiments.start(s, a.id, now=NOW)
        with pytest.raises(Conflict):
            experiments.start(s, b.id, now=NOW)
        with pytest.raises(NotFound):
            experiments.start(s, 999, now=NOW)


def test_a_rating_experiment_joins_the_ratings_as_they_arrive(loaded_db):
    from moqi.insight import services as insight

    with session_scope(loaded_db) as s:
        sid = _shown_line(s)
        e = experiments.create(
            s, name="满意度", script_id=sid, variant=VARIANT, outcome="rating", user="ed", now=NOW
        )
        experiments.start(s, e.id, now=NOW)
        contact_id, _ = _record(s)
        arm = design.arm(e.id, contact_id)
        before = experiments.report(s, e.id)["arms"][arm]
        assert before["exposed"] == 1 and before["outcome"]["n"] == 0  # no rating yet
        insight.record_rating(s, contact_id, source="ivr", now=NOW, satisfaction=4)
        after = experiments.report(s, e.id)["arms"][arm]
        assert after["outcome"] == {"value": 4.0, "low": None, "high": None, "n": 1}
        assert after["rating"]["value"] == 4.0


def test_a_variant_is_kept_as_written_with_personal_data_masked(loaded_db):
    with session_scope(loaded_db) as s:
        e = experiments.create(
            s,
            name="  全形　名稱 ",
            script_id="S0001",
            variant="您好，有問題請撥13812345678找我。",
            user="ed",
            now=NOW,
        )
        assert "13812345678" not in e.variant_text and e.variant_text.startswith("您好，有問題")
        assert e.name == "全形名称"  # traditional and full-width folded, as search does
