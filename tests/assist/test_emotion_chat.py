"""Short chat utterances on the shipped lexicon: everyday words, irony, questions, contrast, negation scope."""

import pytest

from moqi.assist.evaluate import polarity_label
from moqi.nlp.normalize import normalize


def read(engine, text):
    return engine.read_emotion(normalize(text))


@pytest.mark.parametrize(
    ("text", "polarity"),
    [
        ("服务太差了", "negative"),
        ("信号差，网速慢", "negative"),
        ("烦死了", "negative"),
        ("无语了", "negative"),
        ("我太难了", "negative"),
        ("你是猪吗", "negative"),
        ("什么玩意儿", "negative"),
        ("呵呵，你们可真行", "negative"),
        ("跟没说一样，有什么用", "negative"),
        ("等了四个小时都没答复", "negative"),
        ("太棒了👍", "positive"),
        ("笑死我了哈哈哈", "positive"),
        ("好的，谢谢啦", "positive"),
        ("666，杠杠的", "positive"),
        ("么么哒", "positive"),
        ("武汉加油", "positive"),
    ],
)
def test_everyday_chat_words(engine, text, polarity):
    assert read(engine, text).polarity == polarity


def test_the_clause_after_but_outweighs_the_one_before(engine):
    # The customer praises the phone but complains about the delivery: a complaint.
    assert read(engine, "东西还不错，但是物流太慢了").polarity == "negative"
    assert read(engine, "虽然有点贵，但是真的很好用").polarity == "positive"


def test_contrast_stays_inside_its_sentence(engine):
    e = read(engine, "我很失望。服务还不错，但是太慢了")
    weights = {k.text: k.weight for k in e.keywords}
    # 很失望 is in an earlier sentence and keeps its full weight; 还不错 sits before 但是 and is scaled down.
    assert weights["很失望"] == pytest.approx(read(engine, "我很失望").keywords[0].weight)
    assert weights["还不错"] < read(engine, "服务还不错").keywords[0].weight


def test_praise_asked_as_a_question_is_not_praise(engine):
    assert read(engine, "这个套餐划算吗").polarity == "neutral"
    assert read(engine, "这也叫满意吗").polarity != "positive"
    # A negated complaint asked rhetorically still asserts the complaint.
    assert read(engine, "这不是坑人吗").polarity == "negative"


@pytest.mark.parametrize("text", ["她不但很喜欢，还推荐给了同事", "别人都很满意", "识别率不错"])
def test_function_words_that_start_with_a_negation_negate_nothing(engine, text):
    e = read(engine, text)
    assert e.polarity == "positive"
    assert e.keywords and not any(k.negated for k in e.keywords)


def test_a_laugh_or_an_emoji_is_not_negated(engine):
    e = read(engine, "走不动了哈哈")
    (laugh,) = [k for k in e.keywords if k.text == "哈哈"]
    assert not laugh.negated and laugh.category == "satisfaction"


def test_a_word_inside_a_longer_word_is_not_read(engine):
    # 卫生间 is a room, not praise of hygiene; 平平安安 is a blessing, not "mediocre".
    assert read(engine, "卫生间真的有够脏的").polarity == "negative"
    assert read(engine, "平平安安回家").polarity == "positive"


def test_no_keyword_but_a_negation_leans_negative_without_changing_polarity(engine):
    leaning, plain = read(engine, "师傅到现在还没来"), read(engine, "我查一下话费")
    assert leaning.polarity == plain.polarity == "neutral"
    assert leaning.valence < 0 == plain.valence
    # With the phrase it runs into (还没 + 没人联系我), the same complaint has its keyword.
    assert read(engine, "到现在还没人联系我").polarity == "negative"


def test_irony_reads_as_irony(engine):
    # On Weibo and WeChat, [微笑] and 呵呵 are a cold smile, not a happy one.
    for text in ("你们真是太负责了[微笑]", "呵呵"):
        assert read(engine, text).keywords
    assert read(engine, "[微笑]").polarity == "negative"
    assert read(engine, "呵呵").polarity == "negative"


@pytest.mark.parametrize(
    ("text", "polarity"),
    [
        ("早点休息，注意身体", "positive"),
        ("众志成城，共渡难关", "positive"),
        ("平安归来", "positive"),
        ("真了不起", "positive"),
        ("考上了！", "positive"),
        ("[给你小心心]", "positive"),
        ("什么时候才能发货啊", "negative"),
        ("这都几天了", "negative"),
        ("一点用也没有", "negative"),
        ("被裁员了", "negative"),
        ("晚上停电了", "negative"),
        # The longer phrase wins over the praise inside it (还好, 好的).
        ("还好意思说", "negative"),
        ("说好的赠品呢", "negative"),
        # 好冷淡 / 好热情 keep their own words: no 好冷 or 好热 entry swallows them.
        ("好冷淡", "negative"),
        ("好热情", "positive"),
    ],
)
def test_everyday_wishes_praise_complaints_and_life_events(engine, text, polarity):
    assert read(engine, text).polarity == polarity


@pytest.mark.parametrize(
    "text", ["对面有必胜客", "走下台阶就到", "用了不起作用", "打开线上营业厅查一下"]
)
def test_words_that_live_inside_other_words_are_not_entries(engine, text):
    # 必胜 in 必胜客, 下台 in 下台阶, 了不起 in 用了不起作用 would be false praise or blame.
    assert read(engine, text).keywords == []


def test_surprise_alone_leans_negative_without_changing_polarity(engine):
    alone, praised = read(engine, "居然下雨了"), read(engine, "竟然这么好用")
    assert (alone.category, alone.polarity) == ("surprise", "neutral")
    assert alone.valence < 0
    assert polarity_label(alone, {"positive", "negative"}) == "negative"
    assert polarity_label(alone, {"positive", "negative", "neutral"}) == "neutral"
    # With a feeling beside it, the surprise changes nothing.
    assert praised.polarity == "positive"
