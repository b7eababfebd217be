"""The fixed customer panel: a reproducible draw from a segment, waves started as call-back
tasks, answers recorded or imported (a bad file keeps nothing), and the change between waves
against a hand-worked example."""

from datetime import UTC, datetime, timedelta

import pytest

from moqi.db import session_scope
from moqi.errors import Conflict, Forbidden, Invalid
from moqi.insight import panel, panel_work
from moqi.insight.research_models import Panel, PanelMember, PanelTask
from moqi.insight.research_tables import read_panel_answers
from moqi.insight.survey_table import SurveyError
from moqi.nlp.table import read_table
from moqi.service import services as desk
from tests.conftest import add_users, count

NOW = datetime(2026, 12, 7, 6, 0, tzinfo=UTC)
REGIONS = ["广东"] * 6 + ["浙江"] * 3 + ["四川"]


# --- the pure arithmetic --------------------------------------------------------------------


def test_the_draw_is_reproducible_and_stratified_by_region():
    people = [(f"C{i:03d}", REGIONS[i % 10]) for i in range(100)]
    first = panel.draw(people, 20, 7)
    assert first == panel.draw(list(reversed(people)), 20, 7)  # order of the input is irrelevant
    assert first != panel.draw(people, 20, 8)
    assert len(set(first)) == 20
    strat = panel.draw(people, 20, 7, stratify=True)
    regions = dict(people)
    assert sorted(regions[c] for c in strat).count("广东") == 12
    assert [regions[c] for c in strat].count("浙江") == 6
    assert [regions[c] for c in strat].count("四川") == 2
    assert panel.draw(people, 500, 1) and len(panel.draw(people, 500, 1)) == 100


def test_largest_remainders_give_each_region_its_share():
    assert panel.allocate({"a": 5, "b": 3, "c": 2}, 4) == {"a": 2, "b": 1, "c": 1}
    assert panel.allocate({"a": 1, "b": 1}, 1) == {"a": 1, "b": 0}  # a tie goes to the first
    assert panel.allocate({}, 3) == {}


def test_change_between_waves_by_hand():
    # Six members in wave 1; five answered wave 2 (m6 was unreachable), m5 skipped overall then.
    before = {
        "m1": {"overall": 3},
        "m2": {"overall": 4},
        "m3": {"overall": 2},
        "m4": {"overall": 5},
        "m5": {"overall": 3},
        "m6": {"overall": 4},
    }
    after = {
        "m1": {"overall": 4, "improved": "yes"},
        "m2": {"overall": 4, "improved": "same"},
        "m3": {"overall": 4, "improved": "yes"},
        "m4": {"overall": 3, "improved": "no"},
        "m5": {"improved": "same"},
    }
    moved = panel.change(before, after, "overall")
    assert (moved.improved, moved.same, moved.worse, moved.n) == (2, 1, 1, 4)
    measured = panel.measured(moved)  # 2 of 4 = 50%, Wilson 15.0–85.0
    assert measured.value == 50.0
    assert round(measured.low, 1) == 15.0 and round(measured.high, 1) == 85.0
    said = panel.self_reported(after, "improved")  # 2 of 5 = 40%, Wilson 11.8–76.9
    assert said.value == 40.0 and said.n == 5
    assert round(said.low, 1) == 11.8 and round(said.high, 1) == 76.9


# --- recruitment, waves, tasks ----------------------------------------------------------------


def _customers(db, n=30):
    with session_scope(db) as s:
        for i in range(n):
            desk.upsert_customer(
                s,
                {
                    "id": f"P{i:03d}",
                    "brand": "全球通" if i % 3 else "神州行",
                    "region": REGIONS[i % 10],
                    "vip": "钻石卡" if i % 2 else "",
                    "plan": "5G畅享套餐 融合宽带" if i % 5 == 0 else "4G套餐",
                },
                now=NOW,
            )


def test_segment_filters_pick_the_customers_held(db):
    _customers(db)
    with session_scope(db) as s:
        assert len(desk.segment_customers(s, brand="全球通")) == 20
        assert len(desk.segment_customers(s, brand="全球通", vip="钻石卡")) == 10
        assert [c for c, _ in desk.segment_customers(s, plan="宽带")] == [
            f"P{i:03d}" for i in range(0, 30, 5)
        ]
        assert desk.segment_customers(s, plan="%") == []  # a wildcard is a character
        assert len(desk.segment_customers(s, region="四川")) == 3


def test_recruiting_twice_with_one_seed_draws_the_same_members(db):
    _customers(db)
    add_users(db, mgr="agent", mgr2="agent", lead="team_lead", ed="knowledge_editor")
    with session_scope(db) as s:
        a = panel_work.create_panel(
            s,
            name="A",
            segment={"brand": "全球通"},
            size=8,
            seed=5,
            stratify=True,
            now=NOW,
            by="lead",
        )
        b = panel_work.create_panel(
            s,
            name="B",
            segment={"brand": "全球通"},
            size=8,
            seed=5,
            stratify=True,
            now=NOW,
            by="lead",
        )
        members = lambda p: sorted(  # noqa: E731
            m.customer_id for m in s.query(PanelMember).filter_by(panel_id=p.id)
        )
        assert members(a) == members(b) and len(members(a)) == 8
        for bad in (
            dict(name="A", segment={}, size=3, seed=1),  # the name is taken
            dict(name="C", segment={"colour": "红"}, size=3, seed=1),
            dict(name="C", segment={"brand": "不存在"}, size=3, seed=1),
            dict(name="C", segment={}, size=0, seed=1),
            dict(name=" ", segment={}, size=3, seed=1),
        ):
            with pytest.raises((Invalid, Conflict)):
                panel_work.create_panel(s, stratify=False, now=NOW, by="lead", **bad)
        wave = panel_work.plan_wave(s, a.id, planned_at=NOW)
        with pytest.raises(Invalid):
            panel_work.start_wave(s, wave.id, owners=["ed"], now=NOW)
        assert panel_work.start_wave(s, wave.id, owners=["mgr", "mgr2"], now=NOW) == 8
        with pytest.raises(Conflict):
            panel_work.start_wave(s, wave.id, owners=["mgr"], now=NOW)
        mine = panel_work.tasks(s, owner="mgr")
        assert len(mine) == 4 and mine[0]["due_at"] == (NOW + timedelta(days=14)).isoformat()
        task = mine[0]["id"]
        with pytest.raises(Forbidden):
            panel_work.record_answers(s, task, {"overall": 4}, by="mgr2", role="agent", now=NOW)
        for bad_answers in ({"overall": 6}, {"overall": "很好"}, {"colour": 3}, {}):
            with pytest.raises(Invalid):
                panel_work.record_answers(s, task, bad_answers, by="mgr", role="agent", now=NOW)
        done = panel_work.record_answers(
            s,
            task,
            {"overall": "4", "network": 3, "improved": "有改善"},
            by="mgr",
            role="agent",
            now=NOW,
        )
        assert done.status == "answered"
        assert done.answers == {"network": 3, "overall": 4, "improved": "yes"}
        assert len(panel_work.tasks(s, owner="mgr")) == 3


def _two_waves(db):
    """Four members; wave 1 answered by all, wave 2 by three (by file)."""
    _customers(db, 10)
    add_users(db, mgr="agent")
    with session_scope(db) as s:
        p = panel_work.create_panel(
            s,
            name="P",
            segment={"region": "广东"},
            size=4,
            seed=1,
            stratify=False,
            now=NOW,
            by="lead",
        )
        ids = []
        for number in (1, 2):
            w = panel_work.plan_wave(s, p.id, planned_at=NOW + timedelta(weeks=number))
            panel_work.start_wave(s, w.id, owners=["mgr"], now=NOW + timedelta(weeks=number))
            ids.append(w.id)
        members = [t["customer"] for t in panel_work.tasks(s) if t["wave"] == 1]
        for task, score in zip(panel_work.tasks(s), (3, 4, 2, 5), strict=False):
            panel_work.record_answers(
                s, task["id"], {"overall": score, "network": 3}, by="mgr", role="agent", now=NOW
            )
        return p.id, ids, dict(zip(members, (3, 4, 2, 5), strict=True))


def _csv(text: str) -> list[list[object]]:
    return read_table(text.encode("utf-8"), "a.csv")


def test_the_report_counts_change_between_waves(db):
    panel_id, (w1, w2), first = _two_waves(db)
    c = list(first)
    table = _csv(
        "客户编号,整体满意,网络质量,与上次相比是否感到改善\n"
        f"{c[0]},4,3,有改善\n{c[1]},4,4,差不多\n{c[2]},1,3,没有改善\n"
    )
    with session_scope(db) as s:
        rows = read_panel_answers(table, panel_work.questionnaire())
        assert panel_work.import_answers(s, w2, rows, by="lead", now=NOW) == 3
    with session_scope(db) as s:
        report = panel_work.report(s, panel_id)
    one, two = report["waves"]
    assert (one["answered"], two["answered"], two["tasks"]) == (4, 3, 4)
    assert two["response_rate"]["value"] == 75.0
    overall = {q["key"]: q for q in one["questions"]}["overall"]["mean"]
    assert overall["value"] == 3.5 and overall["n"] == 4
    change = report["changes"][0]
    rows = {q["key"]: q for q in change["questions"]}
    expected = [
        (first[c[0]] < 4) + (first[c[1]] < 4) + (first[c[2]] < 1),
        (first[c[0]] == 4) + (first[c[1]] == 4) + (first[c[2]] == 1),
        (first[c[0]] > 4) + (first[c[1]] > 4) + (first[c[2]] > 1),
    ]
    assert [
        rows["overall"]["improved"],
        rows["overall"]["same"],
        rows["overall"]["worse"],
    ] == expected
    assert rows["network"] == {
        "key": "network",
        "topic": "网络质量",
        "improved": 1,
        "same": 2,
        "worse": 0,
        "n": 3,
    }
    assert change["improved_self"]["value"] == pytest.approx(100 / 3, abs=0.01)
    assert change["improved_self"]["ci"] == [6.15, 79.23]


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("客户,整体满意\n", "文件里没有答案"),
        ("", "文件是空的"),
        ("姓名,整体满意\nX,3\n", "表头缺少列 customer"),
        ("客户编号,颜色\nX,3\n", "表头没有任何题目列"),
        ("客户编号,整体满意\n{c0},6\n", "第 2 行：整体满意须为 1–5 的整数"),
        ("客户编号,整体满意\n{c0},4\n{c0},5\n", "第 3 行：客户 {c0} 出现了两次"),
        ("客户编号,与上次相比是否感到改善\n{c0},也许\n", "须为 有改善/差不多/没有改善"),
        ("客户编号,整体满意\n{c0},4\nNOBODY,5\n", "第 3 行：客户 NOBODY 不在本波次"),
    ],
)
def test_a_bad_answers_file_keeps_nothing(db, text, message):
    _, (_, w2), first = _two_waves(db)
    c0 = next(iter(first))
    before = count(db, PanelTask)

    def both() -> None:
        rows = read_panel_answers(_csv(text.format(c0=c0)), panel_work.questionnaire())
        with session_scope(db) as s:
            panel_work.import_answers(s, w2, rows, by="lead", now=NOW)

    with pytest.raises(SurveyError) as caught:
        both()
    assert message.format(c0=c0) in str(caught.value)
    with session_scope(db) as s:
        assert all(not t["answers"] for t in panel_work.tasks(s) if t["wave"] == 2)
    assert count(db, PanelTask) == before and count(db, Panel) == 1


def test_gbk_and_traditional_headers_are_read(db):
    _, (_, w2), first = _two_waves(db)
    c0 = next(iter(first))
    data = f"客戶編號,整體滿意\n{c0},５\n".encode()
    gbk = f"客户编号,整体满意\n{c0},5\n".encode("gbk")
    for raw in (data, gbk):
        rows = read_panel_answers(read_table(raw, "a.csv"), panel_work.questionnaire())
        assert rows[0].answers == {"overall": 5}
