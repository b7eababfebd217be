"""Lines the agent keeps passing over give way, without coming straight back."""

from moqi.assist import AssistSession

WAITING = [
    ("agent", "您好，请您稍等，我查一下"),
    ("customer", "嗯"),
    ("agent", "我这边正在查询"),
    ("customer", "好"),
    ("agent", "请您再稍等一下"),
    ("customer", "嗯嗯"),
]


def ids(event):
    return [x["id"] for x in event.scripts]


def test_lines_shown_for_three_agent_turns_and_not_said_give_way(engine):
    s = AssistSession(engine=engine)
    s.feed("customer", "我家宽带又断了，这个月第三次了")
    for speaker, text in WAITING:
        before = s.feed(speaker, text)
    assert ids(before) and all(s.passed_over[i] == 2 for i in ids(before))
    after = s.feed("agent", "还在查询中")
    assert not set(ids(before)) & set(ids(after)), (ids(before), ids(after))
    assert ids(after), "other lines take their place"
    # They stay away while nothing new is said: the count does not fall when a line is not shown.
    again = s.feed("agent", "马上就好")
    assert not set(ids(before)) & set(ids(again)), (ids(before), ids(again))


def test_a_passed_over_line_comes_back_when_the_customer_asks_what_it_answers(engine):
    s = AssistSession(engine=engine)
    s.feed("customer", "我家宽带又断了，这个月第三次了")
    for speaker, text in WAITING:
        s.feed(speaker, text)
    s.feed("agent", "还在查询中")
    assert s.passed_over["S0445"] >= 3  # 断网天数的费用减免: shown, never said
    asked = s.feed("customer", "那这几天断网的钱怎么算")
    assert "S0445" in ids(asked)


def test_a_pending_read_back_outweighs_being_passed_over(engine):
    s = AssistSession(engine=engine, customer={"phone_masked": "138****1001"})
    s.feed("customer", "给我加一个流量包")
    done = s.feed("agent", "好的，流量包已经为您办理成功了")
    read_back = done.scripts[0]
    assert read_back["kind"] == "confirmation"
    for text in (
        "系统这边显示已经生效",
        "短信稍后会发到您手机上",
        "您稍等一下",
        "我再看一下",
        "嗯",
        "好的",
        "稍等",
        "我看看",
    ):
        assert s.feed("agent", text).scripts[0]["id"] == read_back["id"]
