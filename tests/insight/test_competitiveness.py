"""The service competitiveness index against hand-worked examples, and `moqi insight index` on
the files a research firm hands over (CSV in UTF-8 or GBK, XLSX, Chinese headers), bad ones
included."""

import io
import json

import pytest
from openpyxl import Workbook
from typer.testing import CliRunner

from moqi.cli import app
from moqi.errors import Invalid
from moqi.insight.competitiveness import by_wave, competitiveness, wave_order
from moqi.insight.operators import canonical
from moqi.insight.survey_table import Response, SurveyError, read_bases, read_survey

BASES = {"中国移动": 1000.0, "中国联通": 300.0, "中国电信": 400.0}


def _people(operator: str, yes: int, no: int, us: str = "中国联通", wave: str = "") -> list:
    other = "中国移动" if us != "中国移动" else "中国电信"
    return [Response(operator, us, wave=wave)] * yes + [Response(operator, other, wave=wave)] * no


def test_the_index_weights_each_operators_share_by_its_subscribers():
    # Unicom users: 4 of 5 stay; Telecom: 2 of 3 would come; Mobile: 2 of 6 would come.
    survey = _people("中国联通", 4, 1) + _people("中国电信", 2, 1) + _people("中国移动", 2, 4)
    result = competitiveness(survey, BASES, "中国联通")
    # (0.8·300 + 2/3·400 + 1/3·1000) / 1700 = 840 / 1700
    assert result.index.value == pytest.approx(100 * 840 / 1700)
    assert result.retention.value == pytest.approx(80.0)
    # (2/3·400 + 1/3·1000) / 1400 = 600 / 1400
    assert result.market.value == pytest.approx(100 * 600 / 1400)
    assert result.n == 14
    assert result.index.low < result.index.value < result.index.high
    assert all(s.small for s in result.operators)  # 5, 3 and 6 respondents


def test_weights_count_each_respondent_as_many_people():
    survey = [
        Response("中国联通", "中国联通", weight=3.0),
        Response("中国联通", "中国移动", weight=1.0),
        Response("中国移动", "中国联通", weight=1.0),
        Response("中国移动", "中国移动", weight=4.0),
    ]
    result = competitiveness(survey, {"中国联通": 100.0, "中国移动": 300.0}, "中国联通")
    assert result.retention.value == pytest.approx(75.0)
    assert result.market.value == pytest.approx(20.0)
    assert result.index.value == pytest.approx((75 * 100 + 20 * 300) / 400)


def test_the_interval_narrows_as_the_sample_grows_and_has_width_at_0_and_100():
    small = competitiveness(_people("中国联通", 10, 0), {"中国联通": 1.0}, "中国联通")
    large = competitiveness(_people("中国联通", 1000, 0), {"中国联通": 1.0}, "中国联通")
    assert small.retention.value == 100.0 and small.retention.low < 90
    assert large.retention.low > small.retention.low and large.retention.high == 100.0
    half = competitiveness(_people("中国联通", 500, 500), {"中国联通": 1.0}, "中国联通")
    # p = 0.5 over n = 1000: ±1.96·√(0.25/1004) ≈ ±3.09 points
    assert half.retention.high - half.retention.value == pytest.approx(3.09, abs=0.01)


def test_an_operator_in_the_bases_but_not_surveyed_is_left_out_and_listed():
    survey = _people("中国联通", 3, 1) + _people("中国移动", 1, 3)
    result = competitiveness(survey, BASES | {"中国广电": 50.0}, "中国联通")
    assert result.not_surveyed == ("中国广电", "中国电信")
    assert result.index.value == pytest.approx((75 * 300 + 25 * 1000) / 1300)


def test_answers_that_cannot_be_weighted_or_no_own_users_are_refused():
    with pytest.raises(Invalid, match="中国电信"):
        competitiveness(_people("中国电信", 1, 1), {"中国联通": 1.0}, "中国联通")
    with pytest.raises(Invalid, match="用户规模表里没有我方（中国广电）"):
        competitiveness(_people("中国移动", 1, 1), BASES, "中国广电")
    with pytest.raises(Invalid, match="权重都是 0"):
        competitiveness([Response("中国移动", "中国联通", 0.0)], BASES, "中国联通")


def test_a_side_nobody_asked_has_no_figure_rather_than_a_made_up_one():
    only_ours = competitiveness(_people("中国联通", 1, 1), BASES, "中国联通")
    assert only_ours.market is None and only_ours.retention.value == 50
    only_rivals = competitiveness(_people("中国移动", 1, 3), BASES, "中国联通")
    assert only_rivals.retention is None and only_rivals.market.value == 25
    assert only_rivals.index.value == 25 and "中国联通" in only_rivals.not_surveyed


def test_waves_come_in_natural_order_with_the_change_and_its_interval():
    survey = _people("中国联通", 6, 4, wave="第10波") + _people("中国联通", 8, 2, wave="第2波")
    series = by_wave(survey, BASES, "中国联通")
    assert [w for w, _, _ in series] == ["第2波", "第10波"]
    (_, first, none), (_, second, change) = series
    assert none is None and change.since == "第2波"
    assert change.index.value == pytest.approx(second.index.value - first.index.value) == -20
    assert change.index.low < -20 < change.index.high < 100
    assert sorted(["2026Q2", "2025Q4", "2026Q1"], key=wave_order) == ["2025Q4", "2026Q1", "2026Q2"]


@pytest.mark.parametrize("name", ["联通", "中國聯通", "ＣＵＣＣ", "china unicom", " 中国联通 "])
def test_every_way_a_survey_writes_an_operator_is_the_same_operator(name):
    assert canonical(name) == "中国联通"


def test_a_regional_operator_unknown_to_moqi_matches_itself():
    assert canonical("某某虚拟运营商") == "某某虚拟运营商"


def test_tables_with_chinese_headers_and_units_are_read():
    survey = read_survey(
        [["当前运营商", "下次选择", "权重", "地区", "波次"], ["移动", "联通", "2", "上海", "1"]]
    )
    assert survey == [Response("中国移动", "中国联通", 2.0, "上海", "1")]
    assert read_bases([["运营商", "用户数"], ["联通", "1,200"], ["电信", "3.5万"]]) == {
        "中国联通": 1200.0,
        "中国电信": 35000.0,
    }


@pytest.mark.parametrize(
    ("rows", "message"),
    [
        ([], "空"),
        ([["operator", "choice"]], "没有受访者"),
        ([["who", "what"], ["a", "b"]], "表头缺少列 operator（当前运营商）、choice（下次选择）"),
        ([["operator", "choice"], ["", "联通"]], "第 2 行：缺少当前运营商"),
        ([["operator", "choice", "weight"], ["移动", "联通", "-1"]], "第 2 行：权重“-1”"),
        ([["operator", "choice", "weight"], ["移动", "联通", "很多"]], "第 2 行：权重“很多”"),
    ],
)
def test_bad_surveys_name_the_row(rows, message):
    with pytest.raises(SurveyError, match=message):
        read_survey(rows)


@pytest.mark.parametrize(
    ("rows", "message"),
    [
        ([["operator", "subscribers"], ["移动", "0"]], "第 2 行：移动 的用户数“0”不是正数"),
        ([["operator", "subscribers"], ["移动", "nan"]], "不是正数"),
        (
            [["operator", "subscribers"], ["移动", "1"], ["中国移动", "2"]],
            "第 3 行：中国移动 出现了两次",
        ),
        ([["operator", "subscribers"], ["", "1"]], "缺少运营商名称"),
    ],
)
def test_bad_bases_name_the_row(rows, message):
    with pytest.raises(SurveyError, match=message):
        read_bases(rows)


# --- the command line: the stable contract -------------------------------------------


def _run(*args: str):
    return CliRunner().invoke(app, ["insight", "index", *args])


@pytest.fixture
def files(tmp_path):
    survey = tmp_path / "survey.csv"
    lines = ["operator,choice,region,wave"]
    lines += ["中国联通,中国联通,上海,1"] * 4 + ["中国联通,中国移动,上海,1"]
    lines += ["中國電信,联通,上海,1", "电信,电信,上海,1", "电信,联通,上海,2"]
    lines += ["中国移动,中国联通,上海,1"] + ["中国移动,中国移动,上海,1"] * 3
    lines += ["移动,联通,上海,2", "移动,移动,上海,2", "联通,联通,上海,2"]
    survey.write_text("\n".join(lines) + "\n", encoding="utf-8")
    bases = tmp_path / "bases.csv"
    bases.write_text("operator,subscribers\n中国移动,1000\n中国联通,300\n中国电信,400\n")
    return survey, bases


def test_the_json_contract(files):
    survey, bases = files
    r = _run("--survey", str(survey), "--bases", str(bases), "--us", "中国联通", "--json")
    assert r.exit_code == 0, r.output
    out = json.loads(r.output)
    # Unicom 5 of 6 stay: (5/6·300 + 2/3·400 + 1/3·1000) / 1700
    assert out["index"] == pytest.approx(100 * 850 / 1700, abs=1e-3)
    assert out["retention"] == pytest.approx(100 * 5 / 6, abs=1e-3)
    assert out["market"] == pytest.approx(100 * 600 / 1400, abs=1e-3)
    assert out["n"] == 15
    assert [w["wave"] for w in out["waves"]] == ["1", "2"]
    assert out["waves"][1]["change"]["since"] == "1"


def test_one_wave_with_its_change_since_the_wave_before(files):
    survey, bases = files
    r = _run(
        "--survey", str(survey), "--bases", str(bases), "--us", "联通", "--wave", "2", "--json"
    )
    assert r.exit_code == 0, r.output
    out = json.loads(r.output)
    # wave 2: Unicom 1/1, Telecom 1/1, Mobile 1/2 = (300 + 400 + 500) / 1700
    assert out["wave"] == "2" and out["n"] == 4
    assert out["index"] == pytest.approx(100 * 1200 / 1700, abs=1e-3)
    # wave 1: Unicom 4/5, Telecom 1/2, Mobile 1/4 = (240 + 200 + 250) / 1700
    assert out["change"]["since"] == "1"
    assert out["change"]["index"] == pytest.approx(100 * (1200 - 690) / 1700, abs=1e-3)
    r = _run(
        "--survey", str(survey), "--bases", str(bases), "--us", "联通", "--wave", "1", "--json"
    )
    out = json.loads(r.output)
    assert out["wave"] == "1" and out["n"] == 11 and "change" not in out
    assert out["retention"] == pytest.approx(80.0)


def test_the_text_report_reads_as_a_manager_expects(files):
    survey, bases = files
    r = _run("--survey", str(survey), "--bases", str(bases), "--us", "中国联通")
    assert r.exit_code == 0
    assert "竞争力指数：50.0" in r.output and "保有竞争力" in r.output
    assert "样本少于 30" in r.output


def test_gbk_csv_and_xlsx_are_read_alike(files, tmp_path):
    survey, bases = files
    gbk = tmp_path / "survey_gbk.csv"
    gbk.write_bytes(survey.read_text(encoding="utf-8").encode("gb18030"))
    book = Workbook()
    sheet = book.active
    sheet.append(["运营商", "用户数"])
    for name, value in BASES.items():
        sheet.append([name, value])
    buffer = io.BytesIO()
    book.save(buffer)
    xlsx = tmp_path / "bases.xlsx"
    xlsx.write_bytes(buffer.getvalue())
    r = _run("--survey", str(gbk), "--bases", str(xlsx), "--us", "中国联通", "--json")
    assert r.exit_code == 0, r.output
    assert json.loads(r.output)["index"] == pytest.approx(100 * 850 / 1700, abs=1e-3)


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"bases": "operator,subscribers\n中国移动,1000\n"}, "用户规模表里没有这些运营商"),
        ({"survey": "operator\n移动\n"}, "表头缺少列 choice"),
        ({"survey": b"\xff\xfe\x00garbage\x81"}, "文件编码无法识别"),
        ({"us": "中国广电"}, "用户规模表里没有我方（中国广电）"),
        ({"wave": "9"}, "调查里没有波次“9”；调查的波次：1、2"),
        ({"survey_name": "survey.json"}, "不支持的文件类型"),
        ({"survey_name": "missing.csv", "write": False}, "cannot read"),
    ],
)
def test_bad_input_gets_one_clear_line_and_exit_2(files, tmp_path, change, message):
    survey, bases = files
    if "survey" in change:
        data = change["survey"]
        survey.write_bytes(data if isinstance(data, bytes) else data.encode("utf-8"))
    if "bases" in change:
        bases.write_text(change["bases"], encoding="utf-8")
    if "survey_name" in change:
        renamed = tmp_path / change["survey_name"]
        if change.get("write", True):
            renamed.write_bytes(survey.read_bytes())
        survey = renamed
    args = ["--survey", str(survey), "--bases", str(bases), "--us", change.get("us", "中国联通")]
    if "wave" in change:
        args += ["--wave", change["wave"]]
    r = _run(*args)
    assert r.exit_code == 2
    assert message in r.output and "Traceback" not in r.output


def test_the_worked_example_in_the_docs_prints_what_the_docs_say():
    from pathlib import Path

    root = Path(__file__).resolve().parents[2]
    r = _run(
        "--survey",
        str(root / "examples/insight/survey.csv"),
        "--bases",
        str(root / "examples/insight/bases.csv"),
        "--us",
        "中国联通",
    )
    assert r.exit_code == 0
    docs = (root / "docs/insight.md").read_text(encoding="utf-8")
    printed = docs.split("--us 中国联通\n", 1)[1].split("```", 1)[0]
    assert r.output == printed
