"""Issue 20, point 11: the ACD import holds every number to its bound and names the row at
fault, from Python, the API and the CLI (see limits_helpers.py)."""

import re

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select

from moqi.app import create_app
from moqi.db import session_scope
from moqi.workforce import acd, acd_parse
from moqi.workforce.models import IntervalRow
from tests.conftest import add_users
from tests.workforce.limits_helpers import LEAD, moqi, one_error_line

HEAD = "时段,呼入量,接通量,放弃量,20秒内接通,平均处理时长(秒),在线坐席,平均应答时长\n"
GOOD_ROW = "2026-03-02 09:00-09:30,10,8,2,7,180,3,12\n"


@pytest.fixture
def client(db, db_url):
    add_users(db, team_lead="team_lead")
    with TestClient(create_app(db_url)) as c:
        yield c


@pytest.mark.parametrize(
    ("row", "message"),
    [
        (
            "2026-03-02 09:00-09:30,1e308,8,2,7,180,3,12",
            "第 2 行：“呼入量”的值“1e308”超出范围（0–100,000）",
        ),
        (
            "2026-03-02 09:00-09:30,10,1e308,2,7,180,3,12",
            "第 2 行：“接通量”的值“1e308”超出范围（0–100,000）",
        ),
        (
            "2026-03-02 09:00-09:30,10,8,2,7,180,1e308,12",
            "第 2 行：“在线坐席”的值“1e308”超出范围（0–100,000）",
        ),
        (
            "2026-03-02 09:00-09:30,10,8,2,7,180,3,1e308",
            "第 2 行：“平均应答时长”的值“1e308”超出范围（0–86,400 秒）",
        ),
        (
            "2026-03-02 09:00-09:30,10,8,2,7,1e308,3,12",
            "第 2 行：平均处理时长 1e+308 秒超过 4 小时",
        ),
    ],
)
def test_acd_numbers_past_their_bounds_name_the_row(row, message):
    with pytest.raises(acd.AcdError, match=re.escape(message)):
        acd_parse.parse((HEAD + row + "\n").encode(), "acd.csv")


def test_acd_thresholds_are_bounded():
    with pytest.raises(acd.AcdError, match="第 1 行：表头“99999秒内接通”的门限超出范围"):
        acd_parse.parse((HEAD.replace("20秒", "99999秒") + GOOD_ROW).encode(), "acd.csv")
    # A header of thousands of digits is past Python's own int() limit: still a row error.
    with pytest.raises(acd.AcdError, match="的门限超出范围"):
        acd_parse.parse((HEAD.replace("20秒", "9" * 5000 + "秒") + GOOD_ROW).encode(), "acd.csv")
    with pytest.raises(acd.AcdError, match="指定的门限 1000000000000 秒超出范围"):
        acd_parse.parse(
            (HEAD.replace("20秒内接通", "及时接通量") + GOOD_ROW).encode(),
            "acd.csv",
            threshold_s=10**12,
        )


def test_api_import_of_huge_counts_is_422_naming_the_row(client, db):
    # Reproduced: a count of 1e308 reached the database and came back as a 500.
    r = client.post(
        "/api/workforce/queues/q/imports",
        files={
            "file": (
                "acd.csv",
                (HEAD + GOOD_ROW.replace(",10,", ",1e308,", 1)).encode(),
                "text/csv",
            )
        },
        auth=LEAD,
    )
    assert r.status_code == 422 and r.headers["content-type"] == "application/problem+json", r.text
    assert r.json()["errors"][0]["row"] == 2 and "呼入量" in r.json()["errors"][0]["message"]
    with session_scope(db) as s:
        assert s.scalar(select(func.count()).select_from(IntervalRow)) == 0


def test_cli_import_of_huge_counts_is_one_line_naming_the_row(tmp_path):
    bad = tmp_path / "bad.csv"
    bad.write_text(HEAD + GOOD_ROW.replace(",10,", ",1e308,", 1), encoding="utf-8")
    line = one_error_line(moqi("staff", "import", str(bad), "--queue", "q"))
    assert "bad.csv 未导入" in line and "第 2 行" in line and "呼入量" in line
