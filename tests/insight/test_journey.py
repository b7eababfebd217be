"""Journey research: quadrants, ranking and core needs against a hand-worked example, the
questionnaire edited with its history kept, and the importer refusing bad files whole."""

from datetime import UTC, datetime

import pytest

from moqi.db import session_scope
from moqi.errors import Invalid, NotFound
from moqi.insight import journey, journey_work
from moqi.insight.research_models import JourneyAnswer, JourneyNeed, JourneySurvey
from moqi.insight.research_tables import MAX_ROWS, read_journey_answers
from moqi.insight.survey_table import SurveyError
from moqi.nlp.table import read_table
from tests.conftest import count

NOW = datetime(2026, 12, 7, 6, 0, tzinfo=UTC)


def _answers(table: dict[str, list[tuple[int, int]]], regions=("广东", "浙江")) -> list:
    out = []
    for code, pairs in table.items():
        for i, (imp, perf) in enumerate(pairs):
            out.append(journey.Answer(f"R{i}", regions[i % 2], "全球通", code, imp, perf))
    return out


# Four need points, four respondents each. By hand:
#   A: I = 5.0, P = 2.0, gap 3 (differences 3,3,3,3: sd 0, interval 3–3)  → 重点改进, priority 15
#   B: I = 4.5, P = 4.5, gap 0                                           → 保持优势, priority 0
#   C: I = 2.5, P = 2.0, gap 0.5 (differences 1,0,1,0)                    → 次要改进, priority 1.25
#   D: I = 2.0, P = 4.0, gap −2                                          → 过度投入, priority −4
#   Grand means: Ī = (5 + 4.5 + 2.5 + 2) / 4 = 3.5; P̄ = (2 + 4.5 + 2 + 4) / 4 = 3.125.
#   E (I = 4.0, P = 3.0, differences 3, −1, 2, 0: mean 1, sd 1.826, t(3) interval −1.91–3.91)
#   joins for the core test: 重点改进 but its gap is not significant.
EXAMPLE = {
    "A": [(5, 2)] * 4,
    "B": [(4, 4), (5, 5), (4, 4), (5, 5)],
    "C": [(3, 2), (2, 2), (3, 2), (2, 2)],
    "D": [(2, 4)] * 4,
}


def test_quadrants_ranking_and_priority_by_hand():
    found = journey.analyse(_answers(EXAMPLE))
    assert found.respondents == 4 and found.small
    assert found.importance == 3.5 and found.performance == 3.125
    ranked = [(n.code, n.quadrant, n.priority, n.rank) for n in found.needs]
    assert ranked == [
        ("A", "重点改进", 15.0, 1),
        ("C", "次要改进", 1.25, 2),
        ("B", "保持优势", 0.0, 3),
        ("D", "过度投入", -4.0, 4),
    ]
    assert [n.code for n in found.needs if n.core] == ["A"]


def test_a_core_need_needs_a_significant_gap_and_the_cap_holds():
    table = EXAMPLE | {"E": [(4, 1), (4, 5), (4, 2), (4, 4)]}
    found = journey.analyse(_answers(table))
    e = next(n for n in found.needs if n.code == "E")
    assert e.quadrant == "重点改进" and not e.core  # its gap's interval includes 0
    assert round(e.gap.low, 2) == -1.91 and round(e.gap.high, 2) == 3.91
    assert [n.code for n in journey.analyse(_answers(table), core=0).needs if n.core] == []


def test_split_by_region_counts_each_group():
    groups = journey.split(_answers(EXAMPLE), "region")
    assert list(groups) == ["广东", "浙江"]
    assert groups["广东"].respondents == 2 and groups["广东"].small
    assert journey.analyse([]).needs == []


# --- the questionnaire ------------------------------------------------------------------------


def test_the_shipped_questionnaire_has_nine_stages_and_edits_keep_history(db):
    with session_scope(db) as s:
        needs = journey_work.needs(s)
        assert len(journey_work.stages()) == 9 and 40 <= len(needs) <= 56
        assert needs[0].stage == "拨号接入" and needs[-1].stage == "事后跟进"
        new = journey_work.add_need(
            s, stage="IVR导航", text="方言也能识别语音菜单", by="lead", now=NOW
        )
        assert new.code == f"J{len(needs) + 1:02d}"
        order = [n.code for n in journey_work.needs(s)]
        assert order.index(new.code) == order.index("J10") + 1  # at the end of its stage
        journey_work.change_need(s, "J05", text="菜单不超过三层", retired=None, by="lead", now=NOW)
        journey_work.change_need(s, "J06", retired=True, by="lead", now=NOW)
        with pytest.raises(Invalid):
            journey_work.add_need(s, stage="不存在", text="随便", by="lead", now=NOW)
        with pytest.raises(Invalid):
            journey_work.change_need(s, "J05", text=" ", by="lead", now=NOW)
        with pytest.raises(NotFound):
            journey_work.change_need(s, "J999", retired=True, by="lead", now=NOW)
        assert [h["action"] for h in journey_work.history(s)] == ["retire", "rename", "add"]
        active, known = journey_work.codes(s)
        assert "J06" not in active and "J06" in known


def _file(text: str, encoding="utf-8") -> list[list[object]]:
    return read_table(text.encode(encoding), "a.csv")


GOOD = "受访者编号,地区,品牌,J01_重要度,J01_表现,J02_importance,J02_performance\nR1,广东,全球通,5,3,4,4\nR2,浙江,神州行,4,2,,\n"


def test_a_good_file_imports_and_is_analysed(db):
    with session_scope(db) as s:
        active, known = journey_work.codes(s)
        rows = read_journey_answers(_file(GOOD), active, known)
        survey = journey_work.import_survey(s, "2026年第四季度", rows, by="lead", now=NOW)
        result = journey_work.analysis(s, survey.id, by="brand")
    assert result["survey"]["respondents"] == 2
    assert [n["code"] for n in result["needs"]] == ["J01", "J02"]
    assert result["needs"][0]["gap"]["value"] == 2.0
    assert [g["group"] for g in result["groups"]] == ["全球通", "神州行"]
    assert count(db, JourneyAnswer) == 3


@pytest.mark.parametrize(
    ("text", "encoding", "message"),
    [
        ("", "utf-8", "文件是空的"),
        ("地区,J01_重要度,J01_表现\n广东,3,3\n", "utf-8", "表头缺少列 respondent"),
        ("受访者编号,J01_重要度\nR1,3\n", "utf-8", "J01 缺少重要度或表现列"),
        ("受访者编号,J99_重要度,J99_表现\nR1,3,3\n", "utf-8", "问卷中没有需求点 J99"),
        ("受访者编号,J06_重要度,J06_表现\nR1,3,3\n", "utf-8", "需求点 J06 已停用"),
        ("受访者编号,颜色\nR1,3\n", "utf-8", "无法识别的列"),
        ("受访者编号,J01_重要度,J01_表现\nR1,6,3\n", "utf-8", "第 2 行：J01 重要度须为 1–5"),
        ("受访者编号,J01_重要度,J01_表现\nR1,3,\n", "utf-8", "只填了重要度或表现中的一个"),
        ("受访者编号,J01_重要度,J01_表现\nR1,3,3\nR1,4,4\n", "utf-8", "第 3 行"),
        ("受访者编号,J01_重要度,J01_表现\nR1,,\n", "utf-8", "文件里没有答案"),
        ("受访者编号,J01_重要度,J01_表现\nR1,3,abc\n", "gbk", "J01 表现须为 1–5"),
    ],
)
def test_a_bad_file_writes_nothing(db, text, encoding, message):
    with session_scope(db) as s:
        journey_work.change_need(s, "J06", retired=True, by="lead", now=NOW)
    with session_scope(db) as s:
        active, known = journey_work.codes(s)
        with pytest.raises(SurveyError) as caught:
            read_journey_answers(_file(text, encoding), active, known)
    assert message in str(caught.value)
    assert count(db, JourneySurvey) == 0 and count(db, JourneyAnswer) == 0


def test_an_oversized_file_and_traditional_gbk_headers(db):
    with session_scope(db) as s:
        active, known = journey_work.codes(s)
    big = [["受访者编号", "J01_重要度", "J01_表现"]] + [
        [f"R{i}", 3, 3] for i in range(MAX_ROWS + 1)
    ]
    with pytest.raises(SurveyError, match="文件超过"):
        read_journey_answers(big, active, known)
    text = "受訪者編號,地區,品牌,J01_重要度,J01_表現\nR1,廣東,全球通,５,3\n"
    rows = read_journey_answers(_file(text, "gbk"), active, known)
    assert rows == [journey.Answer("R1", "广东", "全球通", "J01", 5, 3)]
    assert count(db, JourneyNeed) >= 40
