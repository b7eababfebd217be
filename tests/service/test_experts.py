"""The virtual expert centre: a question goes to the department that serves its business (before
one that only has the skill), to its expert on duty with the fewest open questions, with an
answer due on the department's duty calendar; the answer reaches the agent and the ticket, and
a good one is proposed to the knowledge base once."""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select

from moqi.db import session_scope
from moqi.errors import Conflict, Forbidden, Invalid
from moqi.service import clocks
from moqi.service.experts import services as experts
from moqi.service.experts.models import Consultation, ExpertDepartment
from moqi.service.experts.routing import (
    Candidate,
    Department,
    choose_department,
    choose_expert,
    is_open,
    route,
)
from moqi.service.models import Ticket, TicketEvent
from tests.conftest import add_users, count, login, serving

CST = ZoneInfo("Asia/Shanghai")


def at(year: int, month: int, day: int, hour: int, minute: int) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=CST)


# --- routing (pure) ---------------------------------------------------------------------------

BILLING = Department("billing", ("acct_bill", "pay_refund"), ("退费审批",), 60)
PORTING = Department("porting", ("port_out",), ("账单核查",), 30)
BILLING_2 = Department("billing_night", ("acct_bill",), ("账单核查",), 60)
CATCH_ALL = Department("support", ("*",), ("业务规则",), 15)


@pytest.mark.parametrize(
    ("departments", "business", "skill", "staffed", "chosen"),
    [
        # The business wins over the skill: porting has the skill, billing serves the business.
        ([PORTING, BILLING], "acct_bill", "账单核查", (), "billing"),
        # Among departments serving the business, the one with the skill too.
        ([BILLING, BILLING_2], "acct_bill", "账单核查", (), "billing_night"),
        # No department serves the business: the skill decides.
        ([BILLING, PORTING], "vas_ringback", "账单核查", (), "porting"),
        # Neither: the catch-all department; without one, nobody.
        ([BILLING, PORTING, CATCH_ALL], "vas_ringback", "", (), "support"),
        ([BILLING, PORTING], "vas_ringback", "", (), None),
        # A named business beats the catch-all, even though the catch-all answers faster.
        ([CATCH_ALL, BILLING], "acct_bill", "", (), "billing"),
        # Equal matches: the one with somebody on duty, else the faster promise.
        ([BILLING, Department("b2", ("acct_bill",), (), 90)], "acct_bill", "", ("b2",), "b2"),
        ([Department("b2", ("acct_bill",), (), 90), BILLING], "acct_bill", "", (), "billing"),
    ],
)
def test_department_business_first_then_skill(departments, business, skill, staffed, chosen):
    found = choose_department(departments, business, skill, staffed)
    assert (found.code if found else None) == chosen


@pytest.mark.parametrize(
    ("candidates", "skill", "chosen"),
    [
        # Only experts on duty: an idle expert off duty is not chosen over a busy one on duty.
        (
            [Candidate("wang", "billing", on_duty=False), Candidate("li", "billing", (), True, 5)],
            "",
            "li",
        ),
        # The least loaded of those on duty.
        (
            [Candidate("wang", "billing", (), True, 3), Candidate("li", "billing", (), True, 1)],
            "",
            "li",
        ),
        # The one with the skill asked for first; ties by name.
        (
            [
                Candidate("wang", "billing", ("退费审批",), True, 3),
                Candidate("li", "billing", (), True, 0),
            ],
            "退费审批",
            "wang",
        ),
        ([Candidate("wang", "billing", (), True), Candidate("li", "billing", (), True)], "", "li"),
        # Another department's expert never; nobody on duty: the department's queue.
        ([Candidate("zhao", "porting", (), True)], "", None),
        ([Candidate("wang", "billing", (), False)], "", None),
    ],
)
def test_expert_on_duty_least_loaded(candidates, skill, chosen):
    assert choose_expert(candidates, "billing", skill) == chosen


def test_route_prefers_staffed_department_and_queues_when_nobody_is_on():
    b2 = Department("b2", ("acct_bill",), (), 60)
    r = route([BILLING, b2], [Candidate("li", "b2", (), True)], "acct_bill", "")
    assert r is not None and (r.department, r.expert) == ("b2", "li")
    r = route([BILLING], [Candidate("li", "billing", (), False)], "acct_bill", "")
    assert r is not None and (r.department, r.expert) == ("billing", None)


@pytest.mark.parametrize(
    ("moment", "open_"),
    [
        (at(2026, 3, 2, 10, 0), True),  # Monday morning
        (at(2026, 3, 2, 12, 30), False),  # lunch break
        (at(2026, 3, 2, 13, 30), True),  # the afternoon opens on the dot
        (at(2026, 3, 2, 18, 0), False),  # closed at the period's end
        (at(2026, 3, 7, 10, 0), False),  # Saturday
        (at(2026, 10, 1, 10, 0), False),  # National Day
        (at(2026, 10, 10, 10, 0), True),  # a Saturday worked in exchange (调休)
        (datetime(2026, 3, 2, 2, 0, tzinfo=ZoneInfo("UTC")), True),  # 10:00 in Shanghai
    ],
)
def test_duty_hours_follow_the_calendar(moment, open_):
    doc = clocks.load_calendar_file(clocks.CALENDARS / "back_office.yaml")
    from moqi.service.calendar import parse_calendar

    assert is_open(parse_calendar(doc), moment) is open_


# --- services on a database -------------------------------------------------------------------


def _desk(factory, **users: str) -> None:
    """Calendars, the shipped departments, and experts placed and on duty."""
    add_users(factory, **users)
    with session_scope(factory) as s:
        clocks.import_shipped(s, now=at(2026, 1, 1, 0, 0))
        experts.load_departments(s)
        for name, role in users.items():
            if role == "expert":
                dept = {"bill": "billing_center", "port": "number_porting"}.get(
                    name.rstrip("0123456789"), "intl_business"
                )
                experts.set_expert(s, name, dept, [])
                experts.set_duty(s, name, True)


def test_departments_load_once_and_refuse_a_bad_file(db, tmp_path):
    with session_scope(db) as s:
        clocks.import_shipped(s, now=at(2026, 1, 1, 0, 0))
        first = experts.load_departments(s)
        assert first["added"] == first["departments"] >= 8
        assert experts.load_departments(s) == {**first, "added": 0, "changed": 0}
    bad = tmp_path / "experts.yaml"
    for text, message in [
        (
            "departments:\n- {code: night, name: 夜班组, businesses: [acct_bill], calendar: night_shift, response_minutes: 30}\n",
            "no calendar 'night_shift'",
        ),
        ("departments:\n- {code: a, name: x}\n", "code 'a'"),
        (
            "departments:\n- {code: billing_center, name: 计费, businesses: [acct_bill], calendar: back_office, response_minutes: 0}\n",
            "response_minutes",
        ),
        ("departments: [1, 2\n", "experts.yaml"),
    ]:
        bad.write_text(text, encoding="utf-8")
        with session_scope(db) as s, pytest.raises(Invalid, match=message):
            experts.load_departments(s, bad)
    with session_scope(db) as s:  # nothing half-written: the shipped response times stand
        billing = s.get(ExpertDepartment, "billing_center")
        assert billing is not None and billing.response_minutes == 60


def test_shipped_departments_name_real_businesses(loaded_db):
    with session_scope(loaded_db) as s:
        clocks.import_shipped(s, now=at(2026, 1, 1, 0, 0))
        assert experts.load_departments(s)["departments"] >= 8  # validated against the catalogue
        with pytest.raises(Invalid, match="unknown business code 'no_such'"):
            experts.ask(
                s, asked_by="a", question="怎么办", business="no_such", now=at(2026, 3, 2, 10, 0)
            )


@pytest.mark.parametrize(
    ("business", "asked", "due", "expert"),
    [
        # Billing (back office, 60 min): 15 minutes before lunch, 45 after it.
        ("acct_bill", at(2026, 3, 2, 11, 45), at(2026, 3, 2, 14, 15), "bill"),
        # Half an hour on the eve of National Day, the rest after the week of holidays.
        ("acct_bill", at(2026, 9, 30, 17, 30), at(2026, 10, 8, 9, 30), "bill"),
        # Saturday night: nobody is on duty (the toggle is on, the calendar is closed), so the
        # question waits in the porting group's queue and its clock starts on Monday.
        ("port_out", at(2026, 3, 7, 22, 0), at(2026, 3, 9, 9, 30), ""),
        # The roaming desk works round the clock: 15 minutes, at night too.
        ("intl_roaming", at(2026, 3, 7, 22, 0), at(2026, 3, 7, 22, 15), "roam"),
    ],
)
def test_due_time_on_the_department_calendar(db, business, asked, due, expert):
    _desk(db, agent="agent", bill="expert", port="expert", roam="expert")
    with session_scope(db) as s:
        c = experts.ask(s, asked_by="agent", question="客户问题", business=business, now=asked)
        assert c.due_at == due and c.expert == expert


def test_question_is_normalised_and_masked(db):
    _desk(db, agent="agent", roam="expert")
    with session_scope(db) as s:
        c = experts.ask(
            s,
            asked_by="agent",
            question="客戶13812345678在泰國開了漫遊，號碼１３９１２３４５６７８也不能上網",
            business="intl_roaming",
            now=at(2026, 3, 2, 10, 0),
        )
        assert "13812345678" not in c.question and "138****5678" in c.question
        assert "139****5678" in c.question  # full-width digits are numbers too
        assert "泰国开了漫游" in c.question
        assert c.messages[0].body == c.question and c.messages[0].role == "agent"


def test_answer_goes_on_the_ticket_and_follow_up_reopens(db):
    _desk(db, agent="agent", roam="expert", bill="expert")
    now = at(2026, 3, 2, 10, 0)
    with session_scope(db) as s:
        ticket = Ticket(kind="complaint", title="漫游扣费争议", owner="agent", due_at=now)
        s.add(ticket)
        s.flush()
        c = experts.ask(
            s,
            asked_by="agent",
            question="境外扣费能否减免？",
            business="intl_roaming",
            ticket_id=ticket.id,
            now=now,
        )
        with pytest.raises(Forbidden, match="only the experts of department intl_business"):
            experts.reply(s, c.id, author="bill", role="expert", body="可以", now=now)
        with pytest.raises(Forbidden, match="only agent"):
            experts.reply(s, c.id, author="bill", role="agent", body="?", now=now)
        experts.reply(
            s,
            c.id,
            author="roam",
            role="expert",
            body="可申请封顶减免，客户电话13812345678",
            now=now + timedelta(minutes=5),
        )
        assert (c.status, c.answered_at) == ("answered", now + timedelta(minutes=5))
        [line] = s.scalars(select(TicketEvent).where(TicketEvent.kind == "expert")).all()
        assert line.ticket_id == ticket.id and line.actor == "roam"
        assert "封顶减免" in line.body and "13812345678" not in line.body
        later = now + timedelta(hours=1)
        experts.reply(s, c.id, author="agent", role="agent", body="客户不认可", now=later)
        assert c.status == "open" and c.due_at == later + timedelta(minutes=15)
        assert c.expert == "roam"  # still on duty: the follow-up stays with who answered
        experts.close(s, c.id, "agent")
        with pytest.raises(Conflict, match="closed"):
            experts.reply(s, c.id, author="agent", role="agent", body="再问", now=later)


def test_queue_take_and_going_off_duty(db):
    _desk(db, agent="agent", roam="expert", roam2="expert")
    now = at(2026, 3, 2, 10, 0)
    with session_scope(db) as s:
        a = experts.ask(s, asked_by="agent", question="问一", business="intl_roaming", now=now)
        b = experts.ask(s, asked_by="agent", question="问二", business="intl_roaming", now=now)
        assert (a.expert, b.expert) == ("roam", "roam2")  # the second goes to the idle one
        with pytest.raises(Conflict, match="with roam, who is on duty"):
            experts.take(s, a.id, "roam2")
        experts.set_duty(s, "roam", False)  # roam's question goes back to the queue
        s.refresh(a)
        assert a.expert == "" and b.expert == "roam2"
        queue = experts.queue_for_expert(s, "roam2", now + timedelta(minutes=20))
        assert [q["id"] for q in queue] == [a.id, b.id] and all(q["overdue"] for q in queue)
        assert experts.take(s, a.id, "roam2").expert == "roam2"
        c = experts.ask(s, asked_by="agent", question="问三", business="intl_roaming", now=now)
        assert c.expert == "roam2"  # the only one on duty, however busy
    with session_scope(db) as s, pytest.raises(Invalid, match="only experts join"):
        experts.set_expert(s, "agent", "intl_business", [])
    with session_scope(db) as s, pytest.raises(Invalid, match="lists no skill"):
        experts.set_expert(s, "roam", "intl_business", ["不存在的专长"])


# --- the API ----------------------------------------------------------------------------------


@pytest.fixture
def app(loaded_db, db_url):
    _desk(
        loaded_db,
        agent="agent",
        agent2="agent",
        lead="team_lead",
        admin="admin",
        editor="knowledge_editor",
        roam="expert",
        bill="expert",
    )
    yield from serving(db_url)


def test_consultation_over_http(app, loaded_db):
    with TestClient(app):
        agent, agent2, roam, bill = (login(app, u) for u in ("agent", "agent2", "roam", "bill"))
        ask = {"question": "客户在泰国开了漫游无法上网", "business": "intl_roaming"}
        assert login(app, "editor").post("/api/consultations", json=ask).status_code == 403
        assert roam.post("/api/consultations", json=ask).status_code == 403
        before = count(loaded_db, Consultation)
        for bad in (
            {**ask, "question": ""},
            {**ask, "question": "问" * 2001},
            {**ask, "question": "  "},
        ):
            assert agent.post("/api/consultations", json=bad).status_code == 422
        assert agent.post("/api/consultations", json={**ask, "skill": "算命"}).status_code == 422
        assert (
            agent.post("/api/consultations", json={**ask, "contact_id": 99999}).status_code == 404
        )
        assert count(loaded_db, Consultation) == before

        r = agent.post("/api/consultations", json=ask)
        assert r.status_code == 201, r.text
        c = r.json()
        assert c["department_name"] == "国际及港澳台业务支撑组" and c["expert"] == "roam"
        assert c["business_name"] == "国际及港澳台漫游" and not c["overdue"]
        url = f"/api/consultations/{c['id']}"
        assert agent2.get(url).status_code == 403
        assert bill.get(url).status_code == 403  # an expert of another department
        assert agent.get("/api/consultations/99999").status_code == 404
        assert [x["id"] for x in roam.get("/api/consultations").json()] == [c["id"]]
        assert bill.get("/api/consultations").json() == []
        assert agent2.get("/api/consultations").json() == []
        assert [x["id"] for x in login(app, "lead").get("/api/consultations").json()] == [c["id"]]

        assert agent.post(f"{url}/propose").status_code == 409  # nothing answered yet
        assert bill.post(f"{url}/messages", json={"body": "可以"}).status_code == 403
        r = roam.post(
            f"{url}/messages", json={"body": "请客户手动选择当地运营商网络并开启数据漫游"}
        )
        assert r.status_code == 201 and r.json()["status"] == "answered"
        seen = agent.get("/api/consultations?contact_id=1").json()
        assert seen == []  # asked without a contact
        [mine] = agent.get("/api/consultations").json()
        assert (
            mine["messages"][-1]["role"] == "expert" and "手动选择" in mine["messages"][-1]["body"]
        )

        r = roam.post(f"{url}/propose")
        assert r.status_code == 201, r.text
        proposal = r.json()["proposal_id"]
        assert roam.post(f"{url}/propose").status_code == 409
        p = agent.get(f"/api/knowledge/proposals/{proposal}").json()
        assert p["source"] == "expert" and p["source_ref"] == str(c["id"])
        assert p["body"]["businesses"] == ["intl_roaming"] and "手动选择" in p["body"]["answer"]

        page = login(app, "admin").get(f"/experts?c={c['id']}")
        assert page.status_code == 200 and "客户在泰国开了漫游无法上网" in page.text
        assert 'id="propose"' not in page.text and "已提交到知识库审核" in page.text
        assert roam.get("/experts").status_code == 200
        assert bill.get(f"/experts?c={c['id']}").status_code == 403
        assert agent.get("/experts").status_code == 403

        assert agent.post(f"{url}/close").status_code == 200
        assert agent.post(f"{url}/close").status_code == 409


def test_duty_and_placement_over_http(app):
    with TestClient(app):
        roam, admin = login(app, "roam"), login(app, "admin")
        duty = roam.get("/api/experts/me/duty").json()
        assert duty["department"] == "intl_business" and duty["on_duty"] is True
        assert duty["available"] is True  # the roaming desk is open round the clock
        assert roam.post("/api/experts/me/duty", json={"on_duty": False}).json()["on_duty"] is False
        assert login(app, "agent").get("/api/experts/me/duty").status_code == 403
        placed = admin.put(
            "/api/experts/roam", json={"department": "billing_center", "skills": ["退费审批"]}
        )
        assert placed.status_code == 200 and placed.json()["skills"] == ["退费审批"]
        assert (
            admin.put("/api/experts/agent", json={"department": "billing_center"}).status_code
            == 422
        )
        assert (
            admin.put("/api/experts/nobody", json={"department": "billing_center"}).status_code
            == 404
        )
        assert admin.put("/api/experts/roam", json={"department": "nope"}).status_code == 422
        assert (
            roam.put("/api/experts/roam", json={"department": "billing_center"}).status_code == 403
        )
        depts = login(app, "agent").get("/api/experts/departments").json()
        billing = next(d for d in depts if d["code"] == "billing_center")
        assert {"code": "acct_bill", "name": "账单查询"} in billing["businesses"]
