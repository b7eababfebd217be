"""The emotion guide on the shipped lexicon: keywords, negation, degree, trend and risk."""

import pytest

from moqi.assist import AssistSession
from moqi.nlp.normalize import normalize


def read(engine, text):
    return engine.read_emotion(normalize(text))


@pytest.mark.parametrize(
    ("text", "category", "polarity"),
    [
        ("你们这是乱扣费，太过分了", "anger", "negative"),
        ("我马上就要出国了急死了", "anxiety", "negative"),
        ("非常满意，谢谢你", None, "positive"),
        ("为什么扣了我这么多钱看不懂账单", None, "negative"),
        ("骗子公司，我不相信你们", None, "negative"),
        ("我查一下话费", "neutral", "neutral"),
        # a promise broken before: nothing here is a classic emotion word
        ("上次也是这么说的,结果根本没人来", "distrust", "negative"),
        ("说好的师傅呢，等了一上午", "anger", "negative"),
        ("我上周三办的宽带到现在还没装，说好三天内上门的，一个人都没来", "anger", "negative"),
        ("每个月都扣我五块钱说是什么彩铃我从来没开过这个东西啊", "anger", "negative"),
    ],
)
def test_categories_and_polarity(engine, text, category, polarity):
    e = read(engine, text)
    assert e.polarity == polarity
    if category:
        assert e.category == category


def test_keywords_carry_spans_into_the_text(engine):
    text = normalize("你们乱扣费，我要投诉到工信部")
    e = engine.read_emotion(text)
    assert e.keywords
    for k in e.keywords:
        assert text[k.start : k.end] == k.text
    assert e.escalation


def test_negated_satisfaction_is_disappointment(engine):
    # "不是很满意" is not satisfaction: the negation three characters back flips it.
    e = read(engine, "说实话我不是很满意")
    assert e.polarity == "negative"
    assert any(k.negated for k in e.keywords)
    assert "satisfaction" not in {k.category for k in e.keywords if k.weight > 0}


@pytest.mark.parametrize("text", ["是不是你们乱给我开的", "到底能不能修好", "是不是又乱扣费了"])
def test_an_a_not_a_question_negates_nothing(engine, text):
    # 是不是/能不能/有没有 ask; the 不 or 没 in them must not cancel the complaint that follows.
    e = read(engine, text)
    assert e.polarity == "negative"
    assert e.keywords and not any(k.negated for k in e.keywords)


@pytest.mark.parametrize("text", ["这个套餐划不划算", "你满不满意", "是不是很方便"])
def test_an_a_not_a_question_judges_nothing(engine, text):
    assert read(engine, text).polarity == "neutral"


@pytest.mark.parametrize("text", ["沒有啦 謝謝小姐姐", "不用了谢谢", "没有了，谢谢你"])
def test_a_negation_closed_by_a_particle_does_not_reach_the_thanks(engine, text):
    e = read(engine, text)
    assert e.category == "gratitude" and e.polarity == "positive"


def test_numbers_do_not_read_as_a_hotline_threat(engine):
    assert read(engine, "服务密码改成123456了").polarity == "neutral"
    e = read(engine, "再不处理我就去12345投诉")
    assert e.category == "anger" and e.escalation


def test_negated_anger_carries_no_emotion(engine):
    e = read(engine, "我不生气")
    assert e.polarity != "negative"


def test_degree_adverbs_raise_intensity(engine):
    plain, strong = read(engine, "我很失望"), read(engine, "我非常非常失望")
    weak = read(engine, "我有点失望")
    assert weak.intensity < plain.intensity <= strong.intensity


def test_traditional_and_full_width_read_the_same(engine):
    assert read(engine, "你們亂扣費！").category == read(engine, "你们乱扣费!").category == "anger"


def test_single_character_keyword_needs_a_word_boundary(engine):
    # 坑 is a complaint on its own, but not inside 坑洼.
    assert read(engine, "你们太坑了").polarity == "negative"
    assert read(engine, "路上有个坑洼").polarity == "neutral"


def test_trend_and_risk_rise_as_a_call_turns_bad(engine):
    s = AssistSession(engine=engine)
    first = s.feed("customer", "我想问一下这个月的话费")
    s.feed("customer", "怎么扣了这么多，有点不对吧")
    s.feed("customer", "你们就是乱扣费，坑人")
    last = s.feed("customer", "再不给我解决我就投诉到工信部，然后销号！")
    assert last.emotion["trend"] == "worsening"
    assert last.emotion["risk"] > 0.7 > first.emotion["risk"]
    assert any("工信部" in r or "升级" in r for r in last.emotion["risk_reasons"])
    assert last.emotion["advice"], "a caller about to escalate gets handling advice"


def test_calming_call_improves(engine):
    s = AssistSession(engine=engine)
    s.feed("customer", "气死我了，你们太过分了")
    s.feed("customer", "好吧，这样还行")
    last = s.feed("customer", "谢谢你，解决了，非常满意")
    assert last.emotion["trend"] == "improving"
    assert last.emotion["polarity"] == "positive"


@pytest.mark.parametrize(
    ("text", "word"),
    [("我报修三天了，根本没人管", "没人管"), ("从来没人管过", "没人管"), ("根本不满意", "不满意")],
)
def test_a_compound_negation_gives_its_negation_to_the_phrase_it_runs_into(engine, text, word):
    # 根本没 + 人管 found nothing; 根本 (degree) + 没人管 (a complaint) is what was said.
    e = read(engine, text)
    assert e.polarity == "negative" and word in {k.text for k in e.keywords}, e.keywords
    if "根本" in text:
        assert max(k.weight for k in e.keywords) > 0.6  # 根本 (a degree word) still strengthens it


def test_a_negation_before_a_phrase_not_starting_with_one_still_negates(engine):
    assert read(engine, "还是不能上网了").polarity == "negative"
    assert read(engine, "我不生气").polarity == "neutral"


def test_a_calm_turn_after_a_threat_keeps_the_risk_until_the_customer_is_pleased(engine):
    s = AssistSession(engine=engine)
    threat = s.feed("customer", "你们又乱扣我话费，我要投诉到工信部")
    s.feed("agent", "非常抱歉，我马上帮您查一下")
    waiting = s.feed("customer", "嗯那你说怎么处理")
    assert waiting.emotion["polarity"] == "neutral"
    assert threat.emotion["risk"] > waiting.emotion["risk"] >= 0.6, (
        "a customer waiting for the fix has not calmed down"
    )
    assert any("尚未平复" in r for r in waiting.emotion["risk_reasons"])
    s.feed("agent", "已经为您退回多扣的30元")
    pleased = s.feed("customer", "好的，谢谢你啊")
    assert pleased.emotion["risk"] < 0.3
    assert not any("尚未平复" in r for r in pleased.emotion["risk_reasons"])


def test_a_customer_saying_they_called_before_raises_the_risk_as_the_profile_would(engine):
    said = AssistSession(engine=engine).feed(
        "customer", "我这已经是第四次打电话了，宽带退费的事到现在还没到账"
    )
    unsaid = AssistSession(engine=engine).feed("customer", "宽带退费的事到现在还没到账")
    assert said.emotion["risk"] > unsaid.emotion["risk"]
    assert "客户说为此事已多次来电" in said.emotion["risk_reasons"]
    known = AssistSession(engine=engine, customer={"recent_contacts": 4}).feed(
        "customer", "我这已经是第四次打电话了，宽带退费的事到现在还没到账"
    )
    assert known.emotion["risk"] == said.emotion["risk"], (
        "the profile and the words are one fact, counted once"
    )
    assert (
        "近期已来电 4 次" in known.emotion["risk_reasons"]
        and "客户说为此事已多次来电" not in known.emotion["risk_reasons"]
    )


@pytest.mark.parametrize(
    ("said", "channel"),
    [
        ("我要打12300投诉你们", "miit"),
        ("你们不解决我就去通管局", "miit"),
        ("我去消协告你们", "consumer_association"),
        ("我打12345市长热线", "government_hotline"),
        ("我要找电视台曝光你们", "media"),
        ("我已经请了律师", "legal"),
        ("叫你们领导来接电话", "management"),
    ],
)
def test_each_escalation_channel_is_named(engine, said, channel):
    event = AssistSession(engine=engine).feed("customer", said)
    assert channel in [c["code"] for c in event.emotion["escalation_channels"]]
    label = engine.channels.by_code[channel].label
    assert f"扬言升级：{label}" in event.emotion["risk_reasons"]
    assert event.emotion["advice"][0] == engine.channels.by_code[channel].advice


@pytest.mark.parametrize(
    "said", ["我不会去找工信部的，你放心", "我的订单号是1230012315", "上个月扣了12300多分钟?"]
)
def test_no_channel_where_none_is_threatened(engine, said):
    event = AssistSession(engine=engine).feed("customer", said)
    assert event.emotion["escalation_channels"] == []


def test_a_second_channel_later_in_the_call_is_a_new_reason(engine):
    s = AssistSession(engine=engine)
    first = s.feed("customer", "再不解决我就发到网上让大家都看看")
    s.feed("agent", "非常抱歉，我马上帮您加急处理")
    later = s.feed("customer", "我还要打12300投诉你们")
    assert [c["code"] for c in first.emotion["escalation_channels"]] == ["media"]
    assert [c["code"] for c in later.emotion["escalation_channels"]] == ["media", "miit"]
    assert len(later.emotion["risk_reasons"]) > len(first.emotion["risk_reasons"])


@pytest.mark.parametrize("said", ["我要销号", "弄不好我还是要转网的", "你们那个携号转网要怎么弄"])
def test_churn_is_its_own_risk(engine, said):
    calm = AssistSession(engine=engine).feed("customer", "我想查一下这个月的话费")
    leaving = AssistSession(engine=engine).feed("customer", said)
    assert leaving.emotion["churn"] >= 0.5 > calm.emotion["churn"]
    assert leaving.emotion["churn_reasons"] and not calm.emotion["churn_reasons"]
    # wanting to leave is not a threat to escalate
    assert leaving.emotion["escalation_channels"] == []
    assert leaving.emotion["risk"] < 0.6


def test_advice_kept_for_some_moments_is_not_given_in_others():
    from moqi.assist.advice import _one

    lines = [
        "先问清客户不明白的是哪一项",
        {"text": "操作类问题一步一步带着做", "moments": ["handling"]},
    ]
    complaint = {_one(lines, turn, "complaint")[0] for turn in range(4)}
    handling = {_one(lines, turn, "handling")[0] for turn in range(4)}
    assert complaint == {"先问清客户不明白的是哪一项"}
    assert handling == {"先问清客户不明白的是哪一项", "操作类问题一步一步带着做"}
    assert _one([{"text": "只在办理时", "moments": ["handling"]}], 0, "complaint") == []


def test_the_shipped_advice_has_no_step_by_step_line_in_a_bill_dispute(engine):
    s = AssistSession(engine=engine)
    said = [
        s.feed("customer", "这个月话费怎么多了这么多，这些费用都是什么我看不懂") for _ in range(4)
    ]
    assert said[-1].need["moment"] == "complaint"
    assert not any("一步一步带着做" in a for e in said for a in e.emotion["advice"])
