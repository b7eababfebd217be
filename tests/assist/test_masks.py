"""Words that hold an emotion word but carry none: the everyday hotline request must read calm."""

from dataclasses import replace

import pytest

from moqi.assist.engine import AssistEngine
from moqi.content import LexiconEntry, load_files
from moqi.content.reading import ContentError, word_list
from moqi.nlp.normalize import normalize


def read(engine, text):
    return engine.read_emotion(normalize(text))


@pytest.mark.parametrize(
    "text",
    [
        "帮我查一下套餐",  # 下套
        "我查一下流量还剩多少",  # 下流
        "请问号码怎么过户",  # 问号
        "手机丢失信号了怎么弄",  # 失信
        "怎么办理宽带",  # 怎么办
        "我操作了一下",  # 我操
        "今天才收到短信",  # 天才
        "我去年办的套餐",  # 我去
        "我去营业厅办的卡",  # 我去
        "只在用的那天扣是吧?我去五天",  # 我去
        "我想问下我的积分能换什么，听说快过期了",  # 过期了
        "麻烦你帮我查一下话费",  # 烦你
        "我妈的手机欠费停机了吗",  # 妈的 (欠费停机 is no keyword here)
        "满意度短信我收到了",  # 满意
        "流量没用完能结转吗",  # 没用
        "系统说不满足开通条件",  # 不满
    ],
)
def test_a_mask_hides_the_emotion_word_inside_it(engine, text):
    e = read(engine, text)
    masked = {
        "下套",
        "下流",
        "问号",
        "失信",
        "怎么办",
        "我操",
        "天才",
        "我去",
        "烦你",
        "妈的",
        "满意",
        "没用",
        "不满",
        "过期了",
    }
    assert not masked & {k.text.rstrip(",!") for k in e.keywords}, e.keywords


@pytest.mark.parametrize("text", ["我去！这个月怎么扣了三百", "我去，这么贵", "我去我去"])
def test_wo_qu_said_as_an_exclamation_is_surprise(engine, text):
    assert "surprise" in {k.category for k in read(engine, text).keywords}


def test_a_product_that_reads_as_praise_praises_nothing(engine):
    # 加油包 is a data add-on; 换个便宜点的套餐 asks for a cheaper plan.
    assert read(engine, "这个月都买了两次加油包了").polarity == "neutral"
    assert read(engine, "换个便宜点的套餐").polarity == "neutral"
    # Aliases that are complaints stay complaints.
    assert read(engine, "说好的优惠没给我").polarity == "negative"
    assert read(engine, "网络不稳定").polarity == "negative"
    # And the word outside the product still counts.
    assert read(engine, "这个套餐挺便宜的").polarity == "positive"
    assert read(engine, "加油！").polarity == "positive"


def test_the_mask_is_needed_for_the_reading_to_change():
    content = load_files()
    bare = AssistEngine(replace(content, masks=()))
    masked = AssistEngine(content)
    text = normalize("帮我查一下套餐")
    assert bare.read_emotion(text).category == "distrust"  # the bug the masks fix
    assert masked.read_emotion(text).category == "neutral"


def test_a_lexicon_entry_spelled_like_a_mask_wins():
    content = load_files()
    entry = LexiconEntry("满意度", "satisfaction", 3, False, False, "general")
    engine = AssistEngine(replace(content, lexicon=(*content.lexicon, entry)))
    assert engine.read_emotion("满意度很高").category == "satisfaction"


def test_word_lists_skip_comments_and_repeats_and_refuse_what_is_not_text(tmp_path):
    path = tmp_path / "words.txt"
    path.write_text("# a comment\n一下\n\n  请问 \n一下\n", encoding="utf-8")
    assert word_list(path) == ("一下", "请问")
    path.write_bytes("一下".encode("gbk"))
    with pytest.raises(ContentError, match="not UTF-8"):
        word_list(path)
    with pytest.raises(ContentError, match="missing"):
        word_list(tmp_path / "gone.txt")


def test_a_churn_word_asked_about_carries_churn_but_no_feeling(engine):
    asked = read(engine, "请问携号转网需要满足什么条件？")
    assert asked.polarity == "neutral" and asked.churn
    assert read(engine, "销户要带什么材料").polarity == "neutral"
    said = read(engine, "你们再这样我就携号转网")
    assert said.polarity == "negative" and said.churn
    # The question does not wash out a complaint said alongside it.
    assert read(engine, "你们这么坑我，销户怎么弄").polarity == "negative"
    # 好几次, 十几块 tell how often and how much; they ask nothing, and the churn word stands.
    assert read(engine, "销户需要几天").polarity == "neutral"
    for told in ("好几次投诉都没用我要销号", "十几块钱都扣了我要销号"):
        assert read(engine, told).polarity == "negative" and read(engine, told).churn, told


def test_turning_on_a_protection_service_is_no_complaint(engine):
    assert read(engine, "我想开通骚扰拦截功能").polarity == "neutral"
    assert read(engine, "防诈骗提醒在哪里设置").polarity == "neutral"
    assert read(engine, "天天接到骚扰电话烦死了").polarity == "negative"
