"""The time limits a line may promise come from the service desk's policies and calendars."""

import json
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy import select

from moqi.assist import services as assist
from moqi.content.scripts import placeholder_problem, with_slots
from moqi.db import session_scope
from moqi.service import services
from moqi.service.models import SlaPolicy

ROOT = Path(__file__).resolve().parents[2]


def test_the_numbers_are_the_normal_policys_rounded_up(loaded_db):
    with session_scope(loaded_db) as s:
        promised = services.sla_promises(s)
    # fault/normal: first response in 120 working minutes on the 7×24 hotline → 2 hours.
    assert promised["sla_hours:fault.first_response"] == "2"
    # complaint/normal: resolution in 1,440 working minutes on the back office's calendar, open
    # 09:00–12:00 and 13:30–18:00 (450 minutes) Monday to Friday: 3.2 working days → 4.
    assert promised["sla_workdays:complaint.resolution"] == "4"
    # On the 24-hour calendar a working day is 1,440 minutes: 120 minutes → within 1 day.
    assert promised["sla_workdays:fault.first_response"] == "1"
    assert len(promised) == 4 * 3 * 2  # every kind × clock, in hours and in working days


def test_a_changed_policy_changes_the_promise_and_the_line(loaded_db):
    with session_scope(loaded_db) as s:
        row = s.scalars(
            select(SlaPolicy).where(SlaPolicy.kind == "fault", SlaPolicy.priority == "normal")
        ).one()
        row.first_response_minutes = 241
    with session_scope(loaded_db) as s:
        assert services.sla_promises(s)["sla_hours:fault.first_response"] == "5"
        session, _ = assist.start_session(s, None, now=datetime.now(UTC))
    texts = set()
    for line in (ROOT / "examples" / "broadband_fault.jsonl").read_text("utf-8").splitlines()[1:]:
        said = json.loads(line)
        texts.update(r["text"] for r in session.feed(said["speaker"], said["text"]).scripts)
    assert any("5小时内联系您上门" in t for t in texts), texts
    assert not any("{sla_" in t or "〔N〕小时" in t for t in texts)


def test_outside_a_call_a_promise_is_a_field_to_fill_and_a_wrong_name_is_refused():
    line = "装维师傅会在{sla_hours:fault.first_response}小时内联系您"
    assert with_slots(line) == "装维师傅会在〔N〕小时内联系您"
    assert placeholder_problem(line) is None
    assert "sla_hours:fault.first_reply" in placeholder_problem("{sla_hours:fault.first_reply}")
    assert "unknown placeholder" in placeholder_problem("您好{customr}")
