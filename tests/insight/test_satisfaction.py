"""Satisfaction and NPS: the statistics against hand-worked figures, ratings recorded and
imported (a bad file keeps nothing), the report by agent, team, region, brand and week on both
databases, and the API and page for team leads only."""

import io
from datetime import UTC, datetime, timedelta

import pytest
from fastapi.testclient import TestClient
from openpyxl import Workbook

from moqi.db import session_scope
from moqi.errors import Invalid, NotFound
from moqi.insight import services, stats
from moqi.insight.models import ContactRating
from moqi.insight.ratings_table import read_ratings
from moqi.insight.survey_table import SurveyError
from moqi.service import services as desk
from tests.conftest import add_users, count, login, serving

NOW = datetime(2026, 12, 7, 6, 0, tzinfo=UTC)


# --- statistics -------------------------------------------------------------------------------


def test_the_mean_has_students_interval():
    f = stats.mean_score([4, 5, 3, 4, 4])
    # mean 4, s = √0.5, t(0.975, 4) = 2.776: ±2.776·√0.5/√5 = ±0.878
    assert f.value == 4 and f.high - f.value == pytest.approx(0.878, abs=0.001)
    assert f.small and stats.mean_score([]).value is None
    assert stats.mean_score([5]).low is None  # one answer: no interval


def test_the_share_satisfied_has_wilsons_interval():
    f = stats.share(8, 10)
    assert f.value == 80
    assert f.low == pytest.approx(49.0, abs=0.1) and f.high == pytest.approx(94.3, abs=0.1)
    assert stats.share(10, 10).low < 100 == stats.share(10, 10).high


def test_nps_is_promoters_minus_detractors_with_width_even_when_all_agree():
    f = stats.nps([10, 9, 9, 8, 7, 6, 3, 10, 10, 0])
    assert f.value == pytest.approx(50 - 30)  # 5 promoters, 3 detractors of 10
    assert f.low < 20 < f.high
    everyone = stats.nps([10] * 10)
    assert everyone.value == 100 and everyone.low < 100
    assert stats.nps([10] * 1000).low > everyone.low


# --- recording and the report -------------------------------------------------------------------


def _contact(s, agent: str, customer: str | None, channel: str = "voice", reason: str = "") -> int:
    contact = desk.create_contact(
        s, customer_id=customer, channel=channel, title="", agent=agent, started_at=NOW
    )
    contact.reason = reason
    return contact.id


def test_ratings_are_reported_by_agent_team_region_brand_and_week(loaded_db):
    add_users(loaded_db, ana="agent/north", bo="agent/south")
    with session_scope(loaded_db) as s:
        # ana: three voice calls of C1001 (全球通, 广东); bo: one chat of C1003 (神州行, 河南)
        for score, likely in ((5, 10), (4, 9), (2, 3)):
            cid = _contact(s, "ana", "C1001", reason="bill_dispute")
            services.record_rating(
                s, cid, source="ivr", satisfaction=score, recommend=likely, now=NOW
            )
        cid = _contact(s, "bo", "C1003", channel="web")
        services.record_rating(s, cid, source="chat", satisfaction=3, now=NOW - timedelta(days=7))
    with session_scope(loaded_db) as s:
        everyone, by_agent = services.satisfaction(s, by="agent")
        assert everyone.n == 4 and everyone.mean.value == pytest.approx(14 / 4)
        assert [(g.key, g.n) for g in by_agent] == [("ana", 3), ("bo", 1)]
        ana = by_agent[0]
        assert ana.mean.value == pytest.approx(11 / 3) and ana.satisfied.value == pytest.approx(
            200 / 3
        )
        assert ana.nps.value == pytest.approx(100 * (2 - 1) / 3)
        assert by_agent[1].nps.n == 0 and by_agent[1].nps.value is None
        assert [g.key for g in services.satisfaction(s, by="team")[1]] == ["north", "south"]
        assert [g.key for g in services.satisfaction(s, by="region")[1]] == ["广东", "河南"]
        assert [g.key for g in services.satisfaction(s, by="brand")[1]] == ["全球通", "神州行"]
        assert [g.key for g in services.satisfaction(s, by="week")[1]] == ["2026-W49", "2026-W50"]
        _, web_only = services.satisfaction(s, by="channel", channel="web")
        assert [(g.key, g.n) for g in web_only] == [("web", 1)]
        _, recent = services.satisfaction(s, by="agent", since=NOW - timedelta(days=1))
        assert [g.key for g in recent] == ["ana"]


def test_a_second_answer_from_the_same_source_replaces_the_first(loaded_db):
    with session_scope(loaded_db) as s:
        cid = _contact(s, "ana", None)
        services.record_rating(s, cid, source="chat", satisfaction=2, now=NOW)
        services.record_rating(
            s, cid, source="chat", satisfaction=5, comment="电话13812345678", now=NOW
        )
        services.record_rating(s, cid, source="ivr", satisfaction=4, now=NOW)
    with session_scope(loaded_db) as s:
        rows = s.query(ContactRating).order_by(ContactRating.source).all()
        assert [(r.source, r.satisfaction) for r in rows] == [("chat", 5), ("ivr", 4)]
        assert "13812345678" not in rows[0].comment  # masked like every stored text


@pytest.mark.parametrize(
    ("kwargs", "error"),
    [
        ({"satisfaction": 6}, Invalid),
        ({"satisfaction": 0}, Invalid),
        ({"satisfaction": True}, Invalid),
        ({"satisfaction": "5"}, Invalid),
        ({"recommend": 11}, Invalid),
        ({}, Invalid),
        ({"satisfaction": 4, "source": "fax"}, Invalid),
        ({"satisfaction": 4, "contact": 99999}, NotFound),
    ],
)
def test_bad_ratings_are_refused(loaded_db, kwargs, error):
    kwargs = dict(kwargs)  # the parameters are shared by both databases' runs
    with session_scope(loaded_db) as s:
        cid = kwargs.pop("contact", None) or _contact(s, "ana", None)
        source = kwargs.pop("source", "ivr")
        with pytest.raises(error):
            services.record_rating(s, cid, source=source, now=NOW, **kwargs)


# --- files -------------------------------------------------------------------------------------


def test_an_ivr_export_with_chinese_headers_is_read_with_china_time():
    [row] = read_ratings(
        [["联系编号", "满意度", "推荐意愿", "时间"], ["12", "5", "", "2026-12-07 14:30"]]
    )
    assert (row.contact_id, row.satisfaction, row.recommend) == (12, 5, None)
    assert row.answered_at == datetime(2026, 12, 7, 6, 30, tzinfo=UTC)


@pytest.mark.parametrize(
    ("rows", "message"),
    [
        ([["联系编号", "满意度"], ["abc", "5"]], "第 2 行：联系编号“abc”不是数字"),
        ([["联系编号", "满意度"], ["1", "6"]], "满意度须为 1–5 的整数"),
        ([["联系编号", "满意度"], ["1", "4.5"]], "满意度须为 1–5 的整数"),
        ([["联系编号", "推荐意愿"], ["1", "-1"]], "推荐意愿须为 0–10 的整数"),
        ([["联系编号", "满意度"], ["1", ""]], "没有评分"),
        ([["联系编号", "满意度", "时间"], ["1", "5", "昨天"]], "时间无法识别"),
        ([["联系编号", "意见"], ["1", "好"]], "表头缺少列 satisfaction"),
        ([["联系编号", "满意度"]], "没有评价"),
    ],
)
def test_bad_rows_are_named(rows, message):
    with pytest.raises(SurveyError, match=message):
        read_ratings(rows)


def test_a_file_naming_an_unknown_contact_keeps_nothing(loaded_db):
    with session_scope(loaded_db) as s:
        cid = _contact(s, "ana", None)
    rows = read_ratings([["contact", "satisfaction"], [str(cid), "5"], ["99999", "4"]])
    with (
        pytest.raises(SurveyError, match="第 3 行：没有编号为 99999 的联系"),
        session_scope(loaded_db) as s,
    ):
        services.import_ratings(s, rows, source="ivr", now=NOW)
    assert count(loaded_db, ContactRating.__table__) == 0


# --- API and page ------------------------------------------------------------------------------


@pytest.fixture
def app(loaded_db, db_url):
    add_users(loaded_db, ana="agent/north", lead="team_lead/north")
    yield from serving(db_url)


def _xlsx(rows) -> bytes:
    book = Workbook()
    for row in rows:
        book.active.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def test_a_lead_imports_an_ivr_export_and_reads_the_report(app, loaded_db):
    with session_scope(loaded_db) as s:
        ids = [_contact(s, "ana", "C1001") for _ in range(3)]
    data = _xlsx(
        [["联系编号", "满意度", "推荐意愿"]] + [[i, 5 - n, 10 - n] for n, i in enumerate(ids)]
    )
    with TestClient(app):
        lead = login(app, "lead")
        r = lead.post(
            "/api/insight/ratings/import",
            files={"file": ("ivr.xlsx", data)},
            data={"source": "ivr"},
        )
        assert r.status_code == 201, r.text
        assert r.json() == {"kept": 3}
        report = lead.get("/api/insight/satisfaction", params={"by": "region"}).json()
        assert report["all"]["n"] == 3
        assert report["groups"][0]["group"] == "广东"
        assert report["groups"][0]["satisfaction"]["value"] == 4.0
        assert report["groups"][0]["satisfaction"]["small_sample"] is True
        page = lead.get("/insight?by=agent")
        assert page.status_code == 200 and "ana" in page.text and "样本少" in page.text
        exported = lead.get("/insight/satisfaction.csv?by=region")
        assert (
            exported.status_code == 200 and "attachment" in exported.headers["content-disposition"]
        )
        lines = exported.content.decode("utf-8-sig").splitlines()
        assert lines[0].startswith("分组,评价数,满意度") and lines[1].startswith("全部,3,4.0,")
        assert lines[2].startswith("广东,3,4.0,") and lines[2].endswith(",是")
        book = lead.get("/insight/satisfaction.xlsx?by=agent")
        assert book.status_code == 200 and book.content[:2] == b"PK"
        assert lead.get("/insight/satisfaction.pdf").status_code == 422
        bad = lead.post(
            "/api/insight/ratings/import", files={"file": ("x.csv", "联系编号,满意度\n1,9\n")}
        )
        assert bad.status_code == 422 and "满意度须为 1–5" in bad.text
        assert lead.get("/api/insight/satisfaction", params={"by": "nope"}).status_code == 422
        agent = login(app, "ana")
        assert agent.get("/api/insight/satisfaction").status_code == 403
        assert agent.get("/insight").status_code == 403


def test_the_page_computes_the_index_from_two_uploaded_files(app):
    survey = "operator,choice,wave\n" + "联通,联通,1\n" * 3 + "移动,联通,1\n移动,移动,1\n"
    bases = "operator,subscribers\n中国移动,1000\n中国联通,300\n"
    with TestClient(app):
        lead = login(app, "lead")
        r = lead.post(
            "/insight/index",
            files={"survey": ("s.csv", survey), "bases": ("b.csv", bases)},
            data={"us": "中国联通"},
        )
        assert r.status_code == 200
        # (1·300 + 0.5·1000) / 1300 = 61.5
        assert "61.5" in r.text and "保有竞争力" in r.text
        bad = lead.post(
            "/insight/index",
            files={"survey": ("s.csv", survey), "bases": ("b.csv", "operator,subscribers\n")},
            data={"us": "中国联通"},
        )
        assert bad.status_code == 422 and "用户规模表未读入" in bad.text
        api = lead.post(
            "/api/insight/index",
            files={"survey": ("s.csv", survey), "bases": ("b.csv", bases)},
            data={"us": "联通", "wave": "1"},
        )
        assert api.status_code == 200 and api.json()["index"] == pytest.approx(800 / 13, abs=1e-3)


# --- command line ------------------------------------------------------------------------------


def test_the_command_line_imports_an_export_and_prints_the_report(loaded_db, tmp_path):
    import json

    from typer.testing import CliRunner

    from moqi.cli import app as cli

    with session_scope(loaded_db) as s:
        ids = [_contact(s, "ana", "C1002") for _ in range(2)]
    export = tmp_path / "ivr.csv"
    export.write_text(f"contact,satisfaction\n{ids[0]},5\n{ids[1]},3\n", encoding="utf-8")
    runner = CliRunner()
    done = runner.invoke(cli, ["insight", "import-ratings", str(export)])
    assert done.exit_code == 0 and "kept 2 ratings" in done.output
    shown = runner.invoke(cli, ["insight", "satisfaction", "--by", "region", "--json"])
    assert shown.exit_code == 0, shown.output
    out = json.loads(shown.output)
    assert out["groups"][0]["group"] == "上海" and out["all"]["satisfaction"]["value"] == 4.0
    text = runner.invoke(cli, ["insight", "satisfaction", "--by", "agent"]).output
    assert "ana：2 份 · 满意度 4.00" in text and "样本少" in text
    bad = runner.invoke(cli, ["insight", "satisfaction", "--by", "colour"])
    assert bad.exit_code == 2 and "by: one of agent" in bad.output
    export.write_text("contact,satisfaction\n99999,5\n", encoding="utf-8")
    refused = runner.invoke(cli, ["insight", "import-ratings", str(export)])
    assert refused.exit_code == 2 and "没有编号为 99999 的联系" in refused.output
