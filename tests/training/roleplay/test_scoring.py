"""The score card: each part 0–100 with the lines that earned or cost it, on transcripts built
turn by turn (what the engine read is in each agent turn's reading)."""

from __future__ import annotations

from moqi.training.roleplay.scoring import score
from tests.training.roleplay.conftest import GOOD_OVERAGE


def _agent(turn, text, **reading):
    base = {
        "turn": turn,
        "text": text,
        "empathy": [],
        "facts": [],
        "wrong": [],
        "hints": [],
        "readback": None,
        "checked": {},
        "closing": False,
        "wrap_up": False,
    }
    return {
        "speaker": "agent",
        "text": text,
        "anger": 0,
        "mood": "calm",
        "reading": {**base, **reading},
    }


def _customer(mood):
    return {"speaker": "customer", "text": "……", "anger": 0, "mood": mood, "reading": None}


def test_a_full_good_call_scores_100_on_every_part(customer):
    sim = customer()
    for line in GOOD_OVERAGE:
        sim.hear(line)
    card = score(sim.scenario, [t.as_dict() for t in sim.turns], sim.outcome)
    assert {k: p["score"] for k, p in card["parts"].items()} == {
        "empathy": 100,
        "correctness": 100,
        "confirmation": 100,
        "closing": 70,  # no "还有其他可以帮您的吗" before the goodbye
    }
    assert card["total"] == round((25 * 100 + 35 * 100 + 25 * 100 + 15 * 70) / 100)
    assert card["parts"]["confirmation"]["evidence"][0]["turn"] == 10


def test_empathy_counts_the_upset_turns_and_each_phrase_rule_costs_25(scenarios):
    turns = [
        _customer("angry"),
        _agent(2, "您别着急", empathy=["cue"]),
        _customer("angry"),
        _agent(4, "嗯"),
        _customer("neutral"),
        _agent(
            6, "这是规定，没办法", hints=[{"label": "拿规定挡回去", "instead": "我跟您说明原因"}]
        ),
        _customer("neutral"),
        _agent(8, "嗯"),
    ]
    part = score(scenarios["data_overage_complaint"], turns, None)["parts"]["empathy"]
    # 4 upset turns: 1 soothed of the 2 wanted → 50, less 25 for the phrase
    assert part["score"] == 25
    assert [e["good"] for e in part["evidence"]] == [True, False]
    assert "我跟您说明原因" in part["evidence"][1]["note"]


def test_correctness_is_the_share_of_key_facts_less_30_per_wrong_claim(scenarios):
    played = scenarios["data_overage_complaint"]
    turns = [
        _agent(2, "您是机主本人吗", facts=["verify"]),
        _agent(4, "超出3.2个G", facts=["overage_cause"]),
        _agent(6, "不收费", wrong=["称超出的流量不收费或可以全部退"]),
    ]
    part = score(played, turns, None)["parts"]["correctness"]
    assert part["score"] == round(100 * 2 / 5) - 30
    assert len(part["missed"]) == 3 and "每100MB 3元" in part["missed"][0]
    assert [e["good"] for e in part["evidence"]] == [True, True, False]


def test_confirmation_takes_the_best_read_back_a_third_per_item(scenarios):
    played = scenarios["data_overage_complaint"]
    none = score(played, [_agent(2, "好的")], None)["parts"]["confirmation"]
    assert none["score"] == 0 and "没有向客户读回" in none["note"]
    partial = _agent(2, "已办理", checked={"business": True, "number": False, "result": True})
    full = _agent(4, "已办理", checked={"business": True, "number": True, "result": True})
    part = score(played, [partial], None)["parts"]["confirmation"]
    assert part["score"] == 67 and part["note"] == "读回缺少：办理号码"
    assert score(played, [partial, full], None)["parts"]["confirmation"]["score"] == 100


def test_closing_needs_the_call_resolved(scenarios):
    played = scenarios["data_overage_complaint"]
    turns = [
        _agent(2, "还有其他可以帮您的吗", wrap_up=True),
        _agent(4, "祝您生活愉快", closing=True),
    ]
    assert score(played, turns, "resolved")["parts"]["closing"]["score"] == 100
    hung = score(played, turns, "hung_up")["parts"]["closing"]
    assert hung["score"] == 30 and hung["evidence"][-1]["good"] is False
    assert score(played, [], None)["parts"]["closing"]["score"] == 0
