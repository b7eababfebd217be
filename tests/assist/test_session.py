"""AssistSession end to end on the shipped content: need, businesses, scripts, confirmation, masking."""

import pytest

from moqi.assist import AssistSession

OVERAGE_YESTERDAY = {
    "title": "王先生",
    "brand": "全球通",
    "region": "广东",
    "stage": "maturity",
    "phone_masked": "138****1001",
    "events": [{"type": "overage_charge", "days_ago": 1}],
}


def test_events_predict_the_need_before_the_first_word(engine):
    # An overage charge yesterday: the call is most likely about the bill, before a word is said.
    s = AssistSession(customer=OVERAGE_YESTERDAY, engine=engine)
    need = s.predicted_need()
    assert need["informed"]
    assert need["reasons"][0]["code"] in {"data_overage", "bill_dispute"}
    assert need["moment"] == "complaint"


def test_without_profile_the_prediction_is_uninformed(engine):
    need = AssistSession(engine=engine).predicted_need()
    assert not need["informed"]
    assert need["reasons"][0]["p"] < 0.1


@pytest.mark.parametrize(
    ("text", "reason", "moment"),
    [
        ("我下周去日本要开通国际漫游", "roaming_activation", "handling"),
        ("家里宽带又断网了，修了几次都没好", "broadband_fault", "complaint"),
        ("我想携号转网，授权码怎么弄", None, None),
        ("服务密码忘了，被锁了怎么办", "password_reset", None),
        ("帮我查一下还剩多少流量", "data_usage_query", "inquiry"),
    ],
)
def test_words_predict_reason_and_moment(engine, text, reason, moment):
    event = AssistSession(engine=engine).feed("customer", text)
    codes = [r["code"] for r in event.need["reasons"]]
    if reason:
        assert reason in codes[:2], codes
    else:
        assert any(c.startswith("porting") for c in codes), codes
    if moment:
        assert event.need["moment"] == moment
    probabilities = [r["p"] for r in event.need["reasons"]]
    assert probabilities == sorted(probabilities, reverse=True) and 0 < probabilities[0] <= 1


def test_aliases_resolve_to_businesses_with_related_ones(engine):
    event = AssistSession(engine=engine).feed("customer", "我想把号码带走换个运营商")
    names = [b["name"] for b in event.businesses["mentioned"]]
    assert names, "a colloquial alias of 携号转网 is recognised"
    assert event.businesses["related"]
    relations = {r["relation"] for r in event.businesses["related"]}
    assert relations <= {
        "requires",
        "conflicts_with",
        "bundles_with",
        "often_follows",
        "upgrade_to",
        "common_issue",
    }


def test_scripts_open_with_a_greeting_and_explain_why(engine):
    s = AssistSession(customer=OVERAGE_YESTERDAY, engine=engine)
    event = s.feed("customer", "喂你好")
    assert len(event.scripts) == 3
    assert any(x["kind"] == "greeting" for x in event.scripts)
    assert all(x["why"] for x in event.scripts)
    assert all("{" not in x["text"] for x in event.scripts), "placeholders are filled"


def test_angry_customer_gets_empathy_scripts(engine):
    s = AssistSession(customer=OVERAGE_YESTERDAY, engine=engine)
    s.feed("agent", "您好，很高兴为您服务")
    event = s.feed("customer", "你们乱扣我流量费，太坑人了，我要投诉！")
    kinds = {x["kind"] for x in event.scripts}
    assert kinds & {"empathy", "apology"}


def test_roaming_call_closes_with_a_travel_wish(engine):
    s = AssistSession(
        customer={"brand": "神州行", "events": [{"type": "roaming_activated", "days_ago": 0}]},
        engine=engine,
    )
    s.feed("agent", "您好")
    s.feed("customer", "我明天去日本，帮我开通国际漫游")
    s.feed("agent", "好的，国际漫游已经为您开通成功了")
    event = s.feed("customer", "好的，谢谢你")
    assert event.confirmation and event.confirmation["status"] == "confirmed"
    assert any(x["kind"] == "closing" for x in event.scripts)
    assert any("旅途" in x["text"] for x in event.scripts), [x["text"] for x in event.scripts]


def test_three_way_confirmation_after_an_operation(engine):
    s = AssistSession(customer=OVERAGE_YESTERDAY, engine=engine)
    s.feed("customer", "给我加一个流量包")
    done = s.feed("agent", "好的，流量包已经为您办理成功了")
    c = done.confirmation
    assert c["status"] == "pending" and c["success"] is True
    assert c["number"].endswith("1001")
    assert [i["key"] for i in c["items"]] == ["business", "number", "result"]
    assert any(x["kind"] == "confirmation" for x in done.scripts)
    answered = s.feed("customer", "对，没问题")
    assert answered.confirmation["status"] == "confirmed"
    assert answered.confirmation["items"] and all(
        i["checked"] for i in answered.confirmation["items"]
    )
    assert s.feed("customer", "还有别的事吗").confirmation is None


def test_personal_data_is_masked_in_the_event(engine):
    event = AssistSession(engine=engine).feed(
        "customer", "我的号码是１３８１２３４５６７８，身份证44190019900101123X"
    )
    assert "13812345678" not in event.text and "138****5678" in event.text
    assert "19900101" not in event.text


@pytest.mark.parametrize("bad", ["", "   "])
def test_empty_utterances_are_harmless(engine, bad):
    event = AssistSession(engine=engine).feed("customer", bad)
    assert event.emotion["category"] == "neutral"


def test_oversized_utterance_is_refused(engine):
    with pytest.raises(ValueError, match="5000"):
        AssistSession(engine=engine).feed("customer", "啊" * 5001)


def test_unknown_speaker_is_refused(engine):
    with pytest.raises(ValueError, match="unknown speaker"):
        AssistSession(engine=engine).feed("manager", "hi")


@pytest.mark.parametrize(
    ("said", "outcome"),
    [
        ("已经为您重置成功了", "done"),
        ("好的，已经帮您把来电提醒开好了", "done"),
        ("国际漫游已为您开通", "done"),
        ("抱歉，系统提示不能办理，没有办理成功", "failed"),
        ("我已经为您查询到了账单", None),
        ("请问还有什么可以帮您", None),
    ],
)
def test_operation_outcome_from_the_agents_words(engine, said, outcome):
    assert engine.operation_outcome(said) == outcome


def test_a_refusal_to_do_more_is_not_an_operation(engine):
    # "已经是我能为您申请到的最大额度了" is about a limit, not a completed operation.
    assert engine.operation_outcome("减免一半已经是我能为您申请到的最大额度了") is None


def test_asking_for_the_operation_moves_the_call_to_handling(engine):
    s = AssistSession(engine=engine)
    s.feed("agent", "您好，请问有什么可以帮您")
    s.feed("customer", "我明天去日本出差，漫游怎么收费，境外流量贵不贵")
    s.feed("agent", "日本流量日包每天25元，出境前开通国际漫游就可以用")
    anxious = s.feed("customer", "那到了那边要设置什么吗，别到时候没网，急死了")
    # An anxious question is still a question, not a complaint: the call stays on roaming
    # (asking about it, or about to turn it on).
    assert anxious.need["moment"] != "complaint", anxious.need
    assert {r["code"] for r in anxious.need["reasons"][:2]} == {
        "roaming_inquiry",
        "roaming_activation",
    }, anxious.need
    asked = s.feed("customer", "好好好，那你帮我开吧，漫游和日包一起开")
    assert asked.need["moment"] == "handling", asked.need
    # What the call asked about becomes the handling of it: the activation leads, and its
    # lines (identity check, arrears, the roaming switch) come before the inquiry's.
    assert asked.need["reasons"][0]["code"] == "roaming_activation", asked.need


@pytest.mark.parametrize(
    ("turns", "handling"),
    [
        (
            (
                ("customer", "我下周去泰国玩，手机在那边上网怎么收费啊"),
                ("agent", "泰国流量日包每天25元，用一天扣一天，不用不扣"),
                ("customer", "那挺好，那你帮我开吧"),
            ),
            "roaming_activation",
        ),
        (
            (
                ("customer", "宽带包年多少钱，三百兆的"),
                ("agent", "300兆融合套餐每月加30元"),
                ("customer", "行，那就帮我办一个吧"),
            ),
            "broadband_install",
        ),
        (
            (
                ("customer", "你们那个5G套餐129的都包含什么"),
                ("agent", "129元包含30G流量和500分钟通话"),
                ("customer", "好的那帮我改成这个吧"),
            ),
            "plan_change",
        ),
    ],
)
def test_asking_for_what_was_asked_about_makes_it_the_handling(engine, turns, handling):
    s = AssistSession(engine=engine)
    for speaker, text in turns:
        event = s.feed(speaker, text)
    assert event.need["moment"] == "handling"
    assert event.need["reasons"][0]["code"] == handling, event.need


def test_a_question_or_a_complaints_request_keeps_the_call_where_it_was(engine):
    s = AssistSession(engine=engine)
    s.feed("customer", "我想了解一下你们宽带，三百兆和千兆价格差多少啊")
    s.feed("agent", "单宽带300兆包年720元；办融合套餐需要有一个联通手机号做主卡")
    asked = s.feed("customer", "融合的话我手机卡也得换成联通的吗？")  # 换成, but in a question
    assert asked.need["reasons"][0]["code"] != "broadband_install", asked.need
    s = AssistSession(engine=engine)
    s.feed("customer", "我要投诉，我家里信号特别差，打电话打着打着就断了，快一个月了")
    s.feed("agent", "我给您派发网络测试工单，工程师会上门测信号，可以跟您约个时间")
    booked = s.feed("customer", "那就约周六上午吧，工作日家里没人")
    assert booked.need["reasons"][0]["code"] == "network_quality", booked.need


RESET_DONE = [
    ("customer", "我的服务密码锁住了，要重置"),
    ("agent", "好的，请提供一下身份证号码"),
    ("customer", "身份证330106200403151222"),
    ("agent", "已经为您重置成功了，新密码已经短信发送"),
    ("customer", "收到了，谢谢"),
]


@pytest.mark.parametrize(
    ("said", "moment", "top"),
    [
        # "对了，…" turns to another matter: the password call becomes a data question.
        ("对了，我这个月流量还剩多少啊", "inquiry", "data_usage_query"),
        ("嗯 还有个事，我这个月流量还剩多少啊", "inquiry", "data_usage_query"),
        # Without the turn, the done operation still weighs most; "对了，就是这个号" agrees.
        ("我这个月流量还剩多少啊", "handling", "password_reset"),
        ("对了，就是这个号", "handling", "password_reset"),
    ],
)
def test_a_customer_turning_to_another_matter_moves_the_need(engine, said, moment, top):
    s = AssistSession(engine=engine)
    for speaker, text in RESET_DONE:
        s.feed(speaker, text)
    need = s.feed("customer", said).need
    assert (need["moment"], need["reasons"][0]["code"]) == (moment, top), need


@pytest.mark.parametrize(
    ("said", "code", "named"),
    [
        ("我这个25G套餐不够用", "g5_plan", False),  # a 25 GB plan, not a 5G one
        ("手机加宽带每月98元套餐", "plan_low_tier", False),  # 98元套餐 is not the 8元 one
        ("我想换5G套餐", "g5_plan", True),
        ("帮我办个8元套餐", "plan_low_tier", True),
    ],
)
def test_a_number_does_not_run_across_a_business_name(engine, said, code, named):
    event = AssistSession(engine=engine).feed("customer", said)
    assert (code in [b["code"] for b in event.businesses["mentioned"]]) is named, event.businesses[
        "mentioned"
    ]
