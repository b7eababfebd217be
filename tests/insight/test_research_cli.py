"""`moqi insight journey` and `moqi insight panel …` on the command line."""

import json

from typer.testing import CliRunner

from moqi.cli import app
from moqi.db import session_scope
from tests.conftest import add_users

runner = CliRunner()
EXAMPLE = "examples/insight/journey.csv"


def _example():
    from pathlib import Path

    return str(Path(__file__).resolve().parents[2] / EXAMPLE)


def test_journey_ranks_the_worked_example(db):
    r = runner.invoke(app, ["insight", "journey", "--answers", _example(), "--json"])
    assert r.exit_code == 0, r.output
    found = json.loads(r.output)
    assert [(n["code"], n["quadrant"], n["priority"]) for n in found["needs"]] == [
        ("J26", "重点改进", 15.0),
        ("J14", "次要改进", 1.25),
        ("J40", "保持优势", 0.0),
        ("J04", "过度投入", -4.0),
    ]
    assert found["importance"] == 3.5 and found["performance"] == 3.125
    r = runner.invoke(app, ["insight", "journey", "--answers", _example(), "--by", "brand"])
    assert r.exit_code == 0 and "全球通 · 2 位受访者" in r.output
    assert "J26 一次把问题解决" in r.output


def test_journey_refuses_a_bad_file_and_a_bad_split(db, tmp_path):
    bad = tmp_path / "bad.csv"
    bad.write_text("受访者编号,J99_重要度,J99_表现\nR1,3,3\n", encoding="utf-8")
    r = runner.invoke(app, ["insight", "journey", "--answers", str(bad)])
    assert r.exit_code == 2 and r.output.count("J99") == 1
    r = runner.invoke(app, ["insight", "journey", "--answers", _example(), "--by", "team"])
    assert r.exit_code == 2


def test_panel_commands_recruit_plan_start_and_report(loaded_db, tmp_path):
    add_users(loaded_db, mgr="agent")
    r = runner.invoke(
        app, ["insight", "panel", "create", "--name", "全体", "--size", "3", "--seed", "4"]
    )
    assert r.exit_code == 0, r.output
    assert "3 members" in r.output
    r = runner.invoke(app, ["insight", "panel", "plan", "1", "--date", "2026-12-10"])
    assert r.exit_code == 0 and "number 1" in r.output
    r = runner.invoke(app, ["insight", "panel", "start", "1", "--owner", "mgr"])
    assert r.exit_code == 0 and "3 call-back tasks" in r.output
    from moqi.insight import panel_work

    with session_scope(loaded_db) as s:
        customers = [t["customer"] for t in panel_work.tasks(s)]
    answers = tmp_path / "a.csv"
    answers.write_text(
        "客户编号,整体满意\n" + "".join(f"{c},4\n" for c in customers), encoding="utf-8"
    )
    r = runner.invoke(app, ["insight", "panel", "import", "1", str(answers)])
    assert r.exit_code == 0 and "3 customers" in r.output
    r = runner.invoke(app, ["insight", "panel", "report", "1", "--json"])
    wave = json.loads(r.output)["waves"][0]
    assert wave["answered"] == 3 and wave["response_rate"]["value"] == 100.0
    r = runner.invoke(app, ["insight", "panel", "start", "1", "--owner", "mgr"])
    assert r.exit_code == 2 and "started already" in r.output
