"""`moqi mine`: the report, the JSON summary, refusals that leave nothing behind, and
--propose filing proposals (never published) on a test database."""

from __future__ import annotations

import csv
import json
from datetime import UTC, datetime

from sqlalchemy import select
from typer.testing import CliRunner

from moqi.cli import app
from moqi.db import session_scope
from moqi.knowledge.models import LexiconRow, ProposalRow, ScriptRow
from moqi.mining.analyse import line_key
from moqi.nlp import normalize
from tests.mining.calls_made import APOLOGY, made_calls, write_jsonl


def mine(*args: str):
    return CliRunner().invoke(app, ["mine", *args])


def test_report_and_json_summary(tmp_path):
    path = write_jsonl(made_calls(30), tmp_path / "calls.jsonl")
    report = tmp_path / "report"
    result = mine(str(path), "--report", str(report), "--workers", "1", "--json")
    assert result.exit_code == 0, result.output
    out = json.loads(result.stdout)
    assert (out["calls"], out["positions"], out["escalations"], out["calm_downs"]) == (
        30,
        30,
        10,
        10,
    )
    assert out["agent_lines"]["down"][0]["item"] == line_key(normalize(APOLOGY))
    assert {s["label"] for s in out["stages"]} == {"开场", "问题陈述", "处理", "结束"}
    names = sorted(p.name for p in report.iterdir())
    assert names == [
        "lift.csv",
        "mining-state.json",
        "new_reasons.csv",
        "reason_mix.csv",
        "report.html",
        "stage_needs.csv",
    ]
    html = (report / "report.html").read_text(encoding="utf-8")
    assert "<svg" in html and "http://" not in html.replace("http://www.w3.org/2000/svg", "")
    with (report / "lift.csv").open(encoding="utf-8-sig") as f:
        rows = list(csv.DictReader(f))
    refusal = [
        r for r in rows if r["table"] == "aline" and r["group"] == "*" and r["outcome"] == "up"
    ]
    assert refusal and float(refusal[0]["lift"]) == 3.0 and refusal[0]["n"] == "10"
    mix = (report / "reason_mix.csv").read_text(encoding="utf-8-sig")
    assert mix.splitlines()[0] == "region,brand,month,reason,label,calls"


def test_filters_leave_calls_out(tmp_path):
    path = write_jsonl(made_calls(30), tmp_path / "calls.jsonl")
    result = mine(str(path), "--region", "广东", "--since", "2026-02", "--workers", "1", "--json")
    assert result.exit_code == 0, result.output
    expected = [c for c in made_calls(30) if c.region == "广东" and c.month >= "2026-02"]
    assert json.loads(result.stdout)["calls"] == len(expected)


def test_bad_input_is_one_line_and_writes_nothing(tmp_path):
    path = tmp_path / "calls.jsonl"
    path.write_text(
        '{"id": "a", "turns": [{"speaker": "客户", "text": "hi"}]}\n{oops\n', encoding="utf-8"
    )
    report = tmp_path / "report"
    result = mine(str(path), "--report", str(report))
    assert result.exit_code == 2
    assert "line 2: not valid JSON" in result.output and "nothing mined" in result.output
    assert not report.exists()
    for args in (
        [],
        [str(path), "--contacts"],
        [str(path), "--scheduler", "localhost:8786"],
    ):
        result = mine(*args)
        assert result.exit_code == 2 and result.output.startswith("moqi: error:"), result.output


def test_propose_files_words_and_lines_for_review_and_publishes_nothing(loaded_db, tmp_path):
    path = write_jsonl(made_calls(60), tmp_path / "calls.jsonl")
    with session_scope(loaded_db) as s:
        words_before = s.scalar(select(LexiconRow.word).where(LexiconRow.word == "营业厅"))
        scripts_before = len(list(s.scalars(select(ScriptRow.id))))
    result = mine(str(path), "--propose", "--workers", "1", "--json")
    assert result.exit_code == 0, result.output
    filed = json.loads(result.stdout)["proposals"]["filed"]
    assert "lexicon 乱扣费: already published" in json.loads(result.stdout)["proposals"]["skipped"]
    assert filed
    with session_scope(loaded_db) as s:
        proposals = list(s.scalars(select(ProposalRow).order_by(ProposalRow.id)))
        assert [p.id for p in proposals] == filed
        assert all(p.status == "open" and p.source == "mining" for p in proposals)
        lines = [p for p in proposals if p.kind == "script"]
        assert [p.body["text"] for p in lines] == [normalize(APOLOGY)]
        assert lines[0].body["kind"] == "reassurance" and lines[0].body["emotion"] == "anger"
        assert "3.00 倍" in lines[0].summary and "20/20" in lines[0].summary
        # Words the lexicon has already (乱扣费, 投诉到工信部) are left out; new ones are filed
        # with the feeling they were said in.
        words = {p.key: p for p in proposals if p.kind == "lexicon"}
        assert "营业厅" in words and words["营业厅"].body["category"] == "anger"
        assert words["营业厅"].body["escalation"] is True
        assert "乱扣费" not in words
        assert all("倍（95% 区间" in p.summary and "例：" in p.summary for p in words.values())
        # Nothing is published: the lexicon and the scripts are as they were.
        assert (
            s.scalar(select(LexiconRow.word).where(LexiconRow.word == "营业厅"))
            == words_before
            is None
        )
        assert len(list(s.scalars(select(ScriptRow.id)))) == scripts_before
    again = mine(str(path), "--propose", "--workers", "1", "--json")
    assert again.exit_code == 0, again.output
    out = json.loads(again.stdout)["proposals"]
    assert out["filed"] == [] and any("already proposed" in x for x in out["skipped"])


def test_contacts_moqi_stored_are_mined(loaded_db):
    from moqi.service import services as desk

    started = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
    with session_scope(loaded_db) as s:
        for call in made_calls(9):
            contact = desk.create_contact(
                s, customer_id=None, channel="voice", title="", agent="a1", started_at=started
            )
            desk.add_utterances(
                s, contact, [(i, sp, normalize(t), None) for i, (sp, t) in enumerate(call.turns, 1)]
            )
            desk.close_contact(s, contact, result="resolved", notes="", now=started)
    result = mine("--contacts", "--workers", "1", "--json")
    assert result.exit_code == 0, result.output
    out = json.loads(result.stdout)
    assert (out["calls"], out["escalations"], out["calm_downs"]) == (9, 3, 3)
    later = mine("--contacts", "--since", "2026-04", "--json")
    assert later.exit_code == 2 and "no calls match" in later.output


def test_an_interrupted_run_says_how_to_resume(tmp_path, monkeypatch):
    path = write_jsonl(made_calls(6), tmp_path / "calls.jsonl")

    def interrupted(*args, **kwargs):
        raise KeyboardInterrupt

    monkeypatch.setattr("moqi.mining.run.mine", interrupted)
    result = mine(str(path), "--report", str(tmp_path / "report"))
    assert result.exit_code == 130
    assert "interrupted" in result.output and "run the same command to resume" in result.output


def test_unexplained_calls_keep_no_personal_data_from_their_ids(engine):
    from moqi.mining.analyse import analyse_calls
    from moqi.mining.calls import Call
    from moqi.mining.rules import Rules

    call = Call(id="13812345678", turns=[("customer", "嗯嗯"), ("agent", "您好")])
    tally = analyse_calls([call], engine, Rules())
    assert [u[1] for u in tally.unexplained] == ["138****5678"]
