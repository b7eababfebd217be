"""Which lines the agent is offered: nothing reason-specific while nothing is known, a reason's
own lines only while it is a close call, and closings when an inquiry wraps up."""

from dataclasses import replace

from moqi.assist import AssistSession
from moqi.assist.scripts import Situation

GREETING = "您好，10086，工号3127为您服务，请问有什么可以帮您？"


def test_the_agents_greeting_is_not_evidence_of_the_need(engine):
    s = AssistSession(engine=engine)
    event = s.feed("agent", GREETING)
    # 工号 is a cue for a complaint about an agent, but not in the agent's own greeting.
    assert not event.need["informed"]
    assert event.need["moment"] == "inquiry", "with nothing known, the moment is not a complaint"
    assert event.scripts and all(x["kind"] == "guidance" and "场景" not in x["why"] for x in event.scripts)


def test_the_customer_asking_for_the_agents_number_still_counts(engine):
    s = AssistSession(engine=engine)
    s.feed("agent", GREETING)
    s.feed("customer", "你刚才什么态度")
    event = s.feed("agent", "您好，我的工号是3127")
    assert event.need["reasons"][0]["code"] == "service_attitude"


def test_a_reason_far_behind_the_best_offers_none_of_its_lines(engine):
    situation = Situation(
        kinds={"explanation": 1.2, "guidance": 1.0, "reassurance": 2.4},
        reasons=(("roaming_inquiry", "国际漫游咨询", 0.30), ("bill_dispute", "话费争议", 0.10)),
        emotion="anxiety", brand=None, region=None, stage=None,
    )
    picked = engine.ranker.rank(situation, {}, {})
    assert picked and all("话费争议" not in r.why for r in picked)
    close = replace(situation, reasons=(("roaming_inquiry", "国际漫游咨询", 0.30), ("bill_dispute", "话费争议", 0.20)))
    assert any("话费争议" in r.why for r in engine.ranker.rank(close, {}, {}, k=6))


def test_an_inquiry_that_wraps_up_is_offered_its_closing(engine):
    s = AssistSession(engine=engine, customer={"title": "陈女士"})
    s.feed("agent", GREETING)
    s.feed("customer", "我下周去泰国，漫游怎么收费")
    s.feed("agent", "泰国日包每天25元，当天用才收费")
    event = s.feed("customer", "知道了，没有了，拜拜")
    assert event.scripts[0]["kind"] == "closing"
    assert any("旅途" in x["text"] for x in event.scripts if x["kind"] == "closing")


def test_an_open_complaint_is_not_closed_with_a_pleasantry(engine):
    s = AssistSession(engine=engine)
    s.feed("agent", GREETING)
    s.feed("customer", "我家宽带又断了，修了三次都没修好")
    s.feed("agent", "给您加急派单了，师傅下午上门")
    event = s.feed("customer", "没了")
    assert event.need["moment"] == "complaint"
    assert all(x["kind"] != "closing" for x in event.scripts)


def test_only_a_short_answer_wraps_up(engine):
    assert engine.wraps_up("没有了,谢谢")
    assert engine.wraps_up("好的,请问还有其他可以帮您的吗?")
    assert not engine.wraps_up("我的流量怎么这么快就没有了")
