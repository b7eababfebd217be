"""Mining the real STC-3 helpdesk dialogues (../shared/data; skipped where absent)."""

from __future__ import annotations

import re

import pytest

from moqi.mining.calls import read_calls
from moqi.mining.findings import summarise
from moqi.mining.report import render_html
from moqi.mining.rules import Rules
from moqi.mining.run import mine
from tests.conftest import shared_file

pytestmark = pytest.mark.realdata
_PHONE = re.compile(r"(?<!\d)1[3-9]\d{9}(?!\d)")


def test_stc3_dialogues_are_read_and_mined(engine):
    calls = read_calls(shared_file("data", "dialogues", "stc3_helpdesk_dev.jsonl"))
    assert len(calls) == 1850
    assert all({s for s, _ in c.turns} <= {"customer", "agent"} for c in calls)
    assert sum(s == "agent" for c in calls for s, _ in c.turns) > 2000
    rules = Rules()
    tally = mine(calls[:240], rules, workers=1)
    summary = summarise(tally, engine, rules, min_support=3)
    assert summary["calls"] == 240
    assert summary["escalations"] > 20 and summary["calm_downs"] > 20
    calm = [r["item"] for r in summary["customer_words"]["down"]]
    assert "谢谢" in calm  # thanks mark a customer calming down
    up = summary["customer_words"]["up"]
    assert up and all(r["low"] <= r["lift"] <= r["high"] and r["n"] >= 3 for r in up)
    stages = {s["stage"]: s for s in summary["stages"]}
    assert stages["problem"]["utterances"] == 240  # every call has a problem statement
    assert summary["unexplained"]["calls"] > 0 and len(summary["unexplained"]["clusters"]) >= 2
    assert not _PHONE.search(render_html(summary))
