"""The simulated customer's moods and moves: empathy and right answers calm, a forbidden phrase,
a wrong fact or an ignored question anger; at high anger the customer threatens 工信部/12300,
after too many bad turns hangs up, and the call ends well when every step is done."""

from __future__ import annotations

import pytest

from moqi.assist import AssistSession
from moqi.errors import Invalid
from moqi.training.roleplay.customer import replay
from tests.training.roleplay.conftest import GOOD_OVERAGE


def test_the_customer_opens_with_the_first_state_at_the_starting_mood(customer, scenarios):
    sim = customer()
    first = sim.turns[0]
    assert first.speaker == "customer" and first.reaction == "open"
    assert sim.anger == scenarios["data_overage_complaint"].start_anger == 6
    assert first.mood == "neutral"
    assert first.text in scenarios["data_overage_complaint"].states[0].say["neutral"]


def test_empathy_alone_calms_by_one_and_the_customer_asks_again(customer):
    sim = customer()
    said = sim.hear("王先生，给您添麻烦了，您先别着急。")
    reading = sim.readings[-1]
    assert reading.empathy and not reading.facts and not reading.hints
    assert sim.anger == 5
    assert said.reaction == "again"
    assert sim.scenario.states[sim.state].id == "complaint"


def test_a_right_answer_with_empathy_moves_on_and_calms_by_three(customer):
    sim = customer()
    said = sim.hear(GOOD_OVERAGE[0])
    assert sim.readings[-1].facts == ["verify"]
    assert sim.anger == 3 and sim.mood == "calm"
    assert said.reaction == "advance"
    assert sim.scenario.states[sim.state].id == "why"
    assert said.text in sim.scenario.states[1].say["calm"]


def test_a_forbidden_phrase_angers_and_the_engine_names_the_rule(customer):
    sim = customer()
    said = sim.hear("这是规定，没办法。")
    reading = sim.readings[-1]
    assert [h["code"] for h in reading.hints] == ["system_excuse"]
    # +2 for the phrase, +0 for ignoring (a bad turn is not counted twice)
    assert sim.anger == 8 and sim.mood == "angry"
    assert said.reaction.startswith("forbidden")


def test_apology_followed_by_but_is_no_empathy(customer):
    sim = customer()
    sim.hear("不好意思，但是这个费用确实是您用的。")
    reading = sim.readings[-1]
    assert [h["code"] for h in reading.hints] == ["but_after_apology"]
    assert sim.anger == 8


def test_a_wrong_fact_angers_by_three(customer):
    sim = customer()
    sim.hear(GOOD_OVERAGE[0])  # anger 3
    said = sim.hear("超出的流量是免费的，不收费。")
    assert sim.readings[-1].wrong == ["称超出的流量不收费或可以全部退"]
    assert sim.anger == 6
    assert said.reaction.startswith("wrong")


def test_an_ignored_question_angers_by_one(customer):
    sim = customer()
    said = sim.hear("今天天气不错。")
    assert sim.anger == 7 and said.reaction == "again"


def test_high_anger_escalates_to_the_miit_once(customer):
    sim = customer()
    said = sim.hear("这是规定，没办法。")  # 8 = escalate_at
    assert said.reaction.endswith("escalate")
    assert "工信部" in said.text or "12300" in said.text
    assert sim.escalated
    again = sim.hear("今天天气不错。")  # 9: no second threat
    assert "escalate" not in again.reaction


def test_the_customer_hangs_up_at_full_anger(customer):
    sim = customer()
    sim.hear("这是规定，没办法。")  # 8
    said = sim.hear("这是规定，没办法。")  # 10
    assert sim.outcome == "hung_up" and sim.finished
    assert said.reaction == "hang_up" and "挂机" in said.text


def test_the_customer_hangs_up_after_too_many_ignored_turns(customer):
    sim = customer("roaming_before_trip")  # starts at 4: anger alone would take longer
    for _ in range(3):
        sim.hear("嗯。")
    assert not sim.finished
    said = sim.hear("嗯。")
    assert sim.bad_streak == 4 and sim.anger == 8
    assert sim.outcome == "hung_up" and said.reaction == "hang_up"


def test_a_good_call_ends_resolved_with_goodbye(customer):
    sim = customer()
    for line in GOOD_OVERAGE:
        said = sim.hear(line)
    assert sim.outcome == "resolved"
    assert said.reaction == "bye"
    assert sim.anger == 0
    assert {"verify", "overage_cause", "overage_rate", "alert_sent", "remedy"} <= sim.met


def test_a_read_back_without_the_number_is_asked_for_it(customer):
    sim = customer()
    for line in GOOD_OVERAGE[:4]:
        sim.hear(line)
    said = sim.hear("王先生，已经为您办理成功，办理的业务是30元20GB流量月包，办理结果是成功。")
    assert sim.readings[-1].checked == {"business": True, "number": False, "result": True}
    assert said.reaction == "confirm_no_number"
    assert sim.scenario.states[sim.state].id == "order"


def test_a_read_back_of_the_wrong_business_is_disputed(customer):
    sim = customer()
    for line in GOOD_OVERAGE[:4]:
        sim.hear(line)
    said = sim.hear("王先生，已经为您办理成功：国际漫游已经开通，办理号码是尾号2001的号码。")
    assert sim.readings[-1].checked["business"] is False
    assert said.reaction == "confirm_wrong_business"
    assert "30元20GB流量月包" in said.text
    assert sim.assist.confirmations[-1].status == "disputed"


def test_closing_before_the_matter_is_done_is_an_early_close(customer):
    sim = customer()
    said = sim.hear("感谢您的来电，祝您生活愉快，再见！")
    assert said.reaction == "early_close"
    assert not sim.finished and sim.anger == 7


def test_traditional_and_full_width_lines_are_read_as_simplified(customer):
    sim = customer()
    sim.hear("王先生您別著急，我馬上幫您查一下。請問您是機主本人嗎？")
    reading = sim.readings[-1]
    assert reading.facts == ["verify"] and reading.empathy
    sim.hear("超出了３．２个Ｇ，按每１００兆３块钱计费。")
    assert {"overage_cause", "overage_rate"} <= set(sim.readings[-1].facts)


def test_the_same_seed_and_lines_give_the_same_call_and_replay_rebuilds_it(customer):
    lines = ["今天天气不错。", *GOOD_OVERAGE[:3]]
    a, b = customer(seed=11), customer(seed=11)
    for line in lines:
        a.hear(line)
        b.hear(line)
    assert [t.as_dict() for t in a.turns] == [t.as_dict() for t in b.turns]
    fresh = AssistSession(customer=a.assist.customer, engine=a.assist.engine)
    agent_lines = [t.text for t in a.turns if t.speaker == "agent"]
    again = replay(a.scenario, fresh, 11, agent_lines)
    assert [t.as_dict() for t in again.turns] == [t.as_dict() for t in a.turns]
    assert again.anger == a.anger and again.state == a.state


def test_the_seed_chooses_among_the_customers_wordings(customer):
    openings = {customer("data_overage_complaint", seed).turns[0].text for seed in range(8)}
    confirmations = set()
    for seed in range(8):
        sim = customer(seed=seed)
        for line in GOOD_OVERAGE[:5]:
            said = sim.hear(line)
        confirmations.add(said.text.split("。")[0])
    assert len(openings) == 1  # one neutral opening line is written
    assert len(confirmations) == 2  # two calm read-back answers are written


def test_a_finished_call_hears_nothing_more_and_oversized_lines_are_refused(customer):
    sim = customer()
    with pytest.raises(Invalid, match="5000-character limit"):
        sim.hear("好" * 5001)
    sim.hear("这是规定，没办法。")
    sim.hear("这是规定，没办法。")
    with pytest.raises(RuntimeError, match="over"):
        sim.hear("您好")
