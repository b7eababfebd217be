"""Social posts: a listening tool's webhook and CSV exports are read (UTF-8, BOM, GBK, Chinese
headers), every bad row is reported by its row and never stops the rest, personal numbers are
masked in what comes back, negative or escalating posts become tickets with a priority that
weighs their reach, and the drafted replies stay short, polite, promise nothing and repeat no
personal data."""

import json
import re
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path

import pytest

from moqi.assist.emotion import UtteranceEmotion
from moqi.channels import social, social_parse
from moqi.channels.selfservice import reason_moments
from moqi.channels.social import (
    ADMISSIONS,
    AUTHOR_IN_REPLY,
    MAX_BODY_BYTES,
    MAX_FILE_BYTES,
    MAX_PRIVATE_CHARS,
    MAX_PUBLIC_CHARS,
    MAX_ROWS,
    MAX_TEXT_CHARS,
    PLATFORMS,
    PROMISES,
    TEMPLATES_FILE,
    Assessment,
    SocialError,
    SocialPost,
    assess,
    drafts,
    load_templates,
    parse_csv,
    parse_webhook,
    reach_of,
    reading_text,
)
from moqi.errors import Invalid
from moqi.service.clocks import PRIORITIES as DESK_PRIORITIES

BEIJING = timezone(timedelta(hours=8))
REASONS = reason_moments()
TEMPLATES = load_templates()
PHONE = "13812345678"
ID_CARD = "441900199001011234"
# Anything that reads as a mainland mobile or an ID-card number, however it is written.
_PERSONAL = re.compile(r"1[3-9]\d{9}|\d{17}[\dXx]")

# Weibo-style posts as a listening tool reports them.
ANGRY_BILL = {
    "platform": "weibo",
    "post_id": "4987654321098765",
    "author": "北漂小周",
    "text": "@中国移动 又乱扣费！这个月莫名其妙多扣了58块，打10086转了半天人工也没人管，太坑了",
    "url": "https://weibo.com/5678123456/Nabc123",
    "posted_at": "2026-03-01T09:30:00+08:00",
    "reposts": 3,
    "comments": 12,
    "likes": 40,
    "followers": 860,
}
BROADBAND = {
    **ANGRY_BILL,
    "post_id": "4987654321098766",
    "author": "朝阳区打工人",
    "text": "#宽带报修# 宽带报修三天了没人来，天天说师傅在路上，在家办公全靠它，你们到底管不管？",
    "reposts": 0,
    "comments": 1,
    "likes": 2,
    "followers": 150,
}
THREAT = {
    **ANGRY_BILL,
    "post_id": "4987654321098767",
    "author": "维权的老李",
    "text": "再不给我解决我就投诉到工信部，12300见！已经打了五次客服了",
}
RALLY = {
    **ANGRY_BILL,
    "post_id": "4987654321098768",
    "author": "避坑小能手",
    "text": "转发求扩散！大家千万别办他们家的宽带，装了一个月天天断网，一起投诉",
    "reposts": 0,
    "comments": 0,
    "likes": 1,
    "followers": 35,
}
QUESTION = {
    **ANGRY_BILL,
    "post_id": "4987654321098769",
    "author": "学生党阿青",
    "text": "请问一下5G套餐能不能改成低一档的？在App上没找到入口",
}
PRAISE = {
    **ANGRY_BILL,
    "post_id": "4987654321098770",
    "author": "开心的小樱桃",
    "text": "今天营业厅的小姐姐态度超好，帮我把套餐调好了，点赞！",
}
SARCASM = {
    **ANGRY_BILL,
    "post_id": "4987654321098771",
    "author": "无语的网友",
    "text": "呵呵 真行，交了钱网速还不如2G",
}
PERSONAL = {
    **ANGRY_BILL,
    "post_id": "4987654321098772",
    "author": f"用户{PHONE}",
    "text": f"我的号码{PHONE}突然被停机了，身份证{ID_CARD}都验证过了，到底怎么回事",
}


def body(doc: dict, **changes: object) -> bytes:
    merged = {**doc, **changes}
    return json.dumps(
        {k: v for k, v in merged.items() if v is not ...}, ensure_ascii=False
    ).encode()


def post_of(doc: dict, **changes: object) -> SocialPost:
    return parse_webhook(body(doc, **changes))


@pytest.fixture(scope="module")
def channels(engine) -> dict[str, str]:
    return {c.code: c.label for c in engine.channels.channels}


@pytest.fixture(scope="module")
def read(engine, channels):
    """Parse a post and assess it with the real engine's reading of it."""

    def run(doc: dict, **changes: object) -> tuple[SocialPost, Assessment]:
        post = post_of(doc, **changes)
        return post, assess(post, engine.read_customer(reading_text(post)), channels)

    return run


# -- the webhook ----------------------------------------------------------------------------


def test_a_webhook_post_is_read():
    post = post_of(ANGRY_BILL)
    assert post == SocialPost(
        platform="weibo",
        post_id="4987654321098765",
        author="北漂小周",
        text=ANGRY_BILL["text"],
        url="https://weibo.com/5678123456/Nabc123",
        posted_at=datetime(2026, 3, 1, 9, 30, tzinfo=BEIJING),
        reposts=3,
        comments=12,
        likes=40,
        followers=860,
        in_reply_to=None,
    )
    assert post.posted_at.utcoffset() == timedelta(hours=8)


def test_a_webhook_post_in_the_tools_own_words():
    post = post_of(
        ANGRY_BILL,
        platform="新浪微博",
        post_id=4987654321098765,  # a JSON number
        author="@北漂小周",
        posted_at="Sun Mar 01 09:30:00 +0800 2026",  # the Weibo API's created_at
        reposts="1.2万",
        likes="10万+",
        comments=...,  # absent: 0
        followers="1,234",
        in_reply_to="4987654321000001",
        sentiment="负面",  # the tool's own fields are ignored
    )
    assert post.platform == "weibo" and post.post_id == "4987654321098765"
    assert post.author == "北漂小周"
    assert post.posted_at == datetime(2026, 3, 1, 1, 30, tzinfo=UTC)
    assert (post.reposts, post.likes, post.comments, post.followers) == (12000, 100000, 0, 1234)
    assert post.in_reply_to == "4987654321000001"


@pytest.mark.parametrize(
    ("name", "code"),
    [("抖音", "douyin"), ("XiaoHongShu", "xiaohongshu"), ("知乎", "zhihu"), ("黑猫投诉", "other")],
)
def test_platforms_are_read_by_code_or_name_and_others_are_kept(name, code):
    assert post_of(ANGRY_BILL, platform=name).platform == code


def test_personal_numbers_are_masked_in_what_comes_back():
    post = post_of(PERSONAL)
    assert PHONE not in post.text and ID_CARD not in post.text
    assert "138****5678" in post.text and "441***********1234" in post.text
    assert post.author == "用户138****5678"
    assert not _PERSONAL.search(repr(post))


def test_text_of_exactly_the_limit_passes():
    assert len(post_of(ANGRY_BILL, text="扣" * MAX_TEXT_CHARS).text) == MAX_TEXT_CHARS


@pytest.mark.parametrize(
    ("raw", "code"),
    [
        (b"x" * (MAX_BODY_BYTES + 1), "too_large"),
        (b"\xff\xfe{}", "not_json"),
        (b"{not json", "not_json"),
        (b"[]", "not_object"),
        (b'{"post_id": "1", "post_id": "2"}', "not_object"),
        (body(ANGRY_BILL, text=...), "missing_field"),
        (body(ANGRY_BILL, url=..., posted_at=...), "missing_field"),
        (body(ANGRY_BILL, text="   "), "missing_field"),
        (body(ANGRY_BILL, text=["乱扣费"]), "bad_field"),
        (body(ANGRY_BILL, text="扣" * (MAX_TEXT_CHARS + 1)), "text_too_long"),
        (body(ANGRY_BILL, posted_at="2026-03-01T09:30:00"), "bad_time"),  # no offset
        (body(ANGRY_BILL, posted_at="昨天 09:30"), "bad_time"),
        (body(ANGRY_BILL, posted_at="2026-03-01"), "bad_time"),  # a date is no time
        (body(ANGRY_BILL, reposts=-1), "bad_count"),
        (body(ANGRY_BILL, likes=True), "bad_count"),
        (body(ANGRY_BILL, likes=1.5), "bad_count"),
        (body(ANGRY_BILL, followers="很多"), "bad_count"),
        (body(ANGRY_BILL, url="javascript:alert(1)"), "bad_field"),
        (body(ANGRY_BILL, url="https://weibo.com/a b"), "bad_field"),
        (body(ANGRY_BILL, post_id="49876 54321"), "bad_field"),
        (body(ANGRY_BILL, post_id="4.98765E+15"), "bad_field"),
        (body(ANGRY_BILL, author="a" * 65), "bad_field"),
        (body(ANGRY_BILL, text="乱扣费\x00"), "bad_field"),
    ],
)
def test_a_bad_webhook_body_is_refused_with_its_reason(raw, code):
    with pytest.raises(SocialError) as e:
        parse_webhook(raw)
    assert e.value.code == code
    assert isinstance(e.value, Invalid)


def test_an_excel_mangled_id_is_explained():
    with pytest.raises(SocialError, match="科学计数法"):
        parse_webhook(body(ANGRY_BILL, post_id="4.98765E+15"))


# -- the CSV export -------------------------------------------------------------------------

CSV_ZH = (
    "平台,帖子ID,作者,内容,链接,发布时间,转发,评论,点赞,粉丝数,地区\r\n"
    "微博,4987654321098765,北漂小周,"
    '"@中国移动 又乱扣费！这个月莫名其妙多扣了58块，打10086转了半天人工也没人管，太坑了",'
    "https://weibo.com/5678123456/Nabc123,2026-03-01 09:30,3,12,40,860,北京\r\n"
    "微博,4987654321098766,朝阳区打工人,"
    '"宽带报修三天了没人来，天天说师傅在路上，\r\n在家办公全靠它，你们到底管不管？",'
    "https://weibo.com/5678123457/Nabc124,2026/3/2 20:15,0,1,2,150,北京\r\n"
    "小红书,64a1b2c3d4e5f6a7b8c9d0e1,开心的小樱桃,"
    "今天营业厅的小姐姐态度超好，帮我把套餐调好了，点赞！,"
    "https://www.xiaohongshu.com/explore/64a1b2c3d4e5f6a7b8c9d0e1,"
    "2026年3月3日 12:00,,,1.2万,3.5万,上海\r\n"
)


def test_a_utf8_bom_export_with_chinese_headers_is_read():
    posts, errors = parse_csv(b"\xef\xbb\xbf" + CSV_ZH.encode("utf-8"))
    assert errors == []
    assert [p.post_id for p in posts] == [
        "4987654321098765",
        "4987654321098766",
        "64a1b2c3d4e5f6a7b8c9d0e1",
    ]
    bill, broadband, praise = posts
    assert bill.platform == "weibo" and bill.author == "北漂小周"
    assert bill.text.startswith("@中国移动 又乱扣费")
    assert (bill.reposts, bill.comments, bill.likes, bill.followers) == (3, 12, 40, 860)
    # An export's local time is Beijing time.
    assert bill.posted_at == datetime(2026, 3, 1, 9, 30, tzinfo=BEIJING)
    assert "\n在家办公" in broadband.text  # a line break inside a quoted cell
    assert broadband.posted_at == datetime(2026, 3, 2, 20, 15, tzinfo=BEIJING)
    assert praise.platform == "xiaohongshu"
    assert (praise.reposts, praise.comments, praise.likes, praise.followers) == (0, 0, 12000, 35000)


def test_a_gbk_export_reads_the_same_as_utf8():
    from_gbk = parse_csv(CSV_ZH.encode("gbk"))
    assert from_gbk == parse_csv(CSV_ZH.encode("utf-8"))
    assert len(from_gbk[0]) == 3


def test_an_english_tab_separated_export_is_read():
    data = (
        "Platform\tpost_id\tauthor\ttext\turl\tposted_at\tlikes\n"
        "douyin\t7301234567890123456\t川妹子\t信号差到打电话都断断续续\t"
        "https://www.douyin.com/video/7301234567890123456\t2026-03-01T09:30:00+08:00\t5\n"
    ).encode()
    posts, errors = parse_csv(data)
    assert errors == []
    assert posts[0].platform == "douyin" and posts[0].likes == 5 and posts[0].followers == 0


def test_bad_rows_are_reported_by_row_and_the_rest_imported():
    rows = [
        "平台,帖子ID,作者,内容,链接,发布时间,转发",
        '微博,1001,甲,"多行内容\n第二行",https://weibo.com/1/a,2026-03-01 09:00,1',  # row 2
        "微博,1002,乙,没有链接,,2026-03-01 09:00,1",  # row 3: no url
        "",  # row 4: blank, skipped but counted
        "微博,1003,丙,时间不对,https://weibo.com/1/c,昨天 10:00,1",  # row 5
        "微博,1004,丁,转发数不对,https://weibo.com/1/d,2026-03-01 09:00,很多",  # row 6
        "微博,1001,甲,同一条又导出一次,https://weibo.com/1/a,2026-03-01 09:00,1",  # row 7
        "微博,1005,戊,未加引号的逗号,多出来的,https://weibo.com/1/e,2026-03-01 09:00,1,x",  # 8
        "微博,4.98765E+15,己,ID被改了,https://weibo.com/1/f,2026-03-01 09:00,1",  # row 9
        "微博,1006,庚,正常的一条,https://weibo.com/1/g,2026-03-01 09:00,1",  # row 10
    ]
    posts, errors = parse_csv("\n".join(rows).encode("utf-8"))
    assert [p.post_id for p in posts] == ["1001", "1006"]
    assert [(e["row"], e["code"]) for e in errors] == [
        (3, "missing_field"),
        (5, "bad_time"),
        (6, "bad_count"),
        (7, "duplicate"),
        (8, "bad_row"),
        (9, "bad_field"),
    ]
    assert "链接" in errors[0]["error"]  # the column as the file names it
    assert "第 2 行" in errors[3]["error"]
    assert all(set(e) == {"row", "error", "code"} for e in errors)


def test_personal_numbers_in_an_export_are_masked():
    data = (
        "平台,帖子ID,作者,内容,链接,发布时间\n"
        f"微博,1001,用户{PHONE},号码{PHONE}停机了,https://weibo.com/1/a,2026-03-01 09:00\n"
    ).encode()
    (post,), _ = parse_csv(data)
    assert not _PERSONAL.search(post.text + post.author)


def test_missing_columns_are_named():
    data = "平台,作者,内容,链接\n微博,甲,乱扣费,https://weibo.com/1/a\n".encode()
    with pytest.raises(SocialError) as e:
        parse_csv(data)
    assert e.value.code == "missing_columns"
    assert "帖子ID" in e.value.message and "发布时间" in e.value.message
    assert e.value.extra["columns"] == ["post_id", "posted_at"]


def test_two_columns_for_one_field_are_refused():
    data = "平台,帖子ID,post_id,作者,内容,链接,发布时间\n".encode()
    with pytest.raises(SocialError, match="帖子ID") as e:
        parse_csv(data)
    assert e.value.code == "duplicate_columns"


@pytest.mark.parametrize(
    ("data", "code"),
    [
        (b"", "empty"),
        (b"\n \n,,\n", "empty"),
        (b"\x80\xff\xfe not text", "not_text"),
        (b"x" * (MAX_FILE_BYTES + 1), "too_large"),
    ],
)
def test_an_unreadable_file_is_refused(data, code):
    with pytest.raises(SocialError) as e:
        parse_csv(data)
    assert e.value.code == code


def test_the_row_limit():
    header = "平台,帖子ID,作者,内容,链接,发布时间\n"
    row = "微博,{i},甲,乱扣费,https://weibo.com/1/a,2026-03-01 09:00\n"
    over = header + "".join(row.format(i=i) for i in range(MAX_ROWS + 1))
    with pytest.raises(SocialError, match=str(MAX_ROWS)) as e:
        parse_csv(over.encode())
    assert e.value.code == "too_many_rows"


def test_exactly_the_row_limit_passes(monkeypatch):
    monkeypatch.setattr(social_parse, "MAX_ROWS", 3)  # where parse_csv reads it
    header = "平台,帖子ID,作者,内容,链接,发布时间\n"
    row = "微博,{i},甲,乱扣费,https://weibo.com/1/a,2026-03-01 09:00\n"
    posts, errors = parse_csv((header + "".join(row.format(i=i) for i in range(3))).encode())
    assert len(posts) == 3 and errors == []
    with pytest.raises(SocialError):
        parse_csv((header + "".join(row.format(i=i) for i in range(4))).encode())


def test_naive_times_can_be_refused():
    data = "平台,帖子ID,作者,内容,链接,发布时间\n微博,1,甲,乱扣费,https://weibo.com/1/a,2026-03-01 09:00\n"
    posts, errors = parse_csv(data.encode(), assume_tz=None)
    assert posts == [] and errors[0]["code"] == "bad_time"


# -- assessment -----------------------------------------------------------------------------


def test_reading_text_drops_links_mentions_and_hashtag_marks():
    post = post_of(
        ANGRY_BILL, text="@中国移动 #宽带报修# 三天没人来 http://t.cn/A6abcdEf //@某网友: 同款"
    )
    text = reading_text(post)
    assert "中国移动" not in text and "t.cn" not in text and "#" not in text
    assert "宽带报修" in text and "三天没人来" in text


def test_an_angry_post_about_charges_becomes_a_ticket(read):
    _, a = read(ANGRY_BILL, reposts=0, comments=2, likes=3, followers=200)
    assert a.negative and not a.escalating and a.becomes_ticket
    assert a.reach < social.REACH_NOTABLE
    assert a.priority == "high"  # furious, though few saw it
    assert "愤怒" in a.why and "建单" in a.why


def test_a_broadband_fault_is_a_ticket_that_rises_with_its_reach(read):
    _, quiet = read(BROADBAND)
    assert quiet.negative and quiet.becomes_ticket and not quiet.escalating
    assert quiet.reach < social.REACH_NOTABLE and quiet.priority == "normal"
    _, spreading = read(BROADBAND, reposts=800, comments=1500, likes=9000, followers=3000)
    assert spreading.reach >= social.REACH_WIDE and spreading.priority == "urgent"
    assert "正在扩散" in spreading.why


def test_a_threat_to_go_to_the_regulator_escalates(read):
    _, a = read(THREAT, followers=100, reposts=0, comments=0, likes=0)
    assert a.escalating and a.negative and a.becomes_ticket
    assert a.channels == ("miit",)
    assert a.priority == "high"
    assert "工信部申诉（12300）" in a.why
    _, seen = read(THREAT)  # 860 followers, 12 comments: seen beyond friends
    assert seen.reach >= social.REACH_NOTABLE and seen.priority == "urgent"


def test_a_call_on_others_to_complain_escalates(read):
    _, a = read(RALLY)
    assert a.escalating and a.becomes_ticket
    assert a.rallying == ("求扩散", "千万别办", "一起投诉")
    assert "号召他人" in a.why


def test_a_withdrawn_threat_does_not_escalate(read):
    _, a = read(QUESTION, text="我不会去工信部投诉的，就是想问问什么时候修好")
    assert not a.escalating and a.channels == ()


def test_a_neutral_question_is_no_ticket(read):
    _, a = read(QUESTION)
    assert not a.negative and not a.escalating and not a.becomes_ticket
    assert a.priority == "low" and "无需建单" in a.why


def test_praise_is_no_ticket(read):
    _, a = read(PRAISE)
    assert a.polarity == "positive" and not a.becomes_ticket and a.priority == "low"
    assert a.why.startswith("正面")


def test_sarcasm_reads_as_negative(read):
    _, a = read(SARCASM)
    assert a.negative and a.becomes_ticket


def _emotion(category: str, polarity: str, intensity: float, valence: float, **kw):
    return UtteranceEmotion(category, polarity, intensity, valence, **kw)


def test_praise_words_read_negative_are_called_irony():
    post = post_of(SARCASM, followers=0, reposts=0, comments=0, likes=0)
    a = assess(post, _emotion("satisfaction", "negative", 0.77, -0.1), {})
    assert a.negative and "反话" in a.why


def test_a_question_read_as_confusion_is_no_complaint_unless_strongly_negative():
    post = post_of(QUESTION)
    assert not assess(post, _emotion("confusion", "negative", 0.5, -0.2), {}).negative
    assert assess(post, _emotion("confusion", "negative", 0.9, -0.8), {}).negative


@pytest.mark.parametrize(
    ("counts", "expected"),
    [
        ({}, 0.0),
        ({"followers": 300, "comments": 2, "likes": 5}, 29.8),
        ({"followers": 1000, "reposts": 10, "comments": 20, "likes": 50}, 44.8),
        ({"followers": 50_000, "reposts": 20, "comments": 50, "likes": 300}, 64.2),
        ({"followers": 2_000_000, "reposts": 500, "comments": 800, "likes": 5000}, 89.5),
        ({"followers": 10**9, "reposts": 10**8, "comments": 10**8, "likes": 10**8}, 100.0),
    ],
)
def test_reach_follows_its_documented_formula(counts, expected):
    zero = {"reposts": 0, "comments": 0, "likes": 0, "followers": 0}
    assert reach_of(post_of(ANGRY_BILL, **{**zero, **counts})) == expected


def test_a_repost_counts_more_than_a_like():
    zero = {"reposts": 0, "comments": 0, "likes": 0, "followers": 0}
    assert reach_of(post_of(ANGRY_BILL, **{**zero, "reposts": 10})) > reach_of(
        post_of(ANGRY_BILL, **{**zero, "likes": 10})
    )


def test_priorities_are_the_service_desks():
    assert set(social.PRIORITIES) == set(DESK_PRIORITIES)


def test_priority_rules():
    small = post_of(ANGRY_BILL, followers=10, reposts=0, comments=0, likes=0)
    notable = post_of(ANGRY_BILL, followers=5000, reposts=5, comments=5, likes=20)
    wide = post_of(ANGRY_BILL, followers=100_000, reposts=100, comments=100, likes=1000)
    calm = _emotion("disappointment", "negative", 0.5, -0.6)
    furious = _emotion("anger", "negative", 0.95, -1.0)
    threat = _emotion("anger", "negative", 0.9, -1.0, channels=["media"])
    neutral = _emotion("neutral", "neutral", 0.0, 0.0)
    assert assess(small, calm, {}).priority == "normal"
    assert assess(small, furious, {}).priority == "high"
    assert assess(notable, calm, {}).priority == "high"
    assert assess(wide, calm, {}).priority == "urgent"
    assert assess(small, threat, {"media": "媒体／网络曝光"}).priority == "high"
    assert assess(notable, threat, {}).priority == "urgent"
    assert assess(wide, neutral, {}).priority == "low"


# -- drafts ---------------------------------------------------------------------------------

ALL_POSTS = [ANGRY_BILL, BROADBAND, THREAT, RALLY, QUESTION, PRAISE, SARCASM, PERSONAL]


@pytest.mark.parametrize("doc", ALL_POSTS, ids=lambda d: d["author"])
@pytest.mark.parametrize("reason", [None, "bill_dispute", "broadband_fault", "spam_fraud"])
def test_drafts_are_short_polite_and_hold_no_personal_data(read, doc, reason):
    post, a = read(doc)
    d = drafts(post, a, reason, TEMPLATES)
    assert set(d) == {"group", "public", "private"}
    assert len(d["public"]) <= MAX_PUBLIC_CHARS and len(d["private"]) <= MAX_PRIVATE_CHARS
    assert "私信" in d["public"]
    assert d["public"].startswith(f"@{post.author} ")  # the mention ends before the words
    for text in (d["public"], d["private"]):
        assert not _PERSONAL.search(text)
        assert not re.search(r"\{|\}|None", text)
        assert not any(w in text for w in (*PROMISES, *ADMISSIONS))
        assert post.text[:10] not in text  # the post is never repeated


@pytest.mark.parametrize(
    ("reason", "group"),
    [
        ("bill_dispute", "billing"),
        ("sp_unauthorized", "billing"),
        ("broadband_fault", "network"),
        ("install_delay", "network"),
        ("service_attitude", "attitude"),
        ("porting_obstruction", "porting"),
        ("promo_not_honoured", "promotion"),
        ("spam_fraud", "fraud"),
        ("account_closure", "general"),
        (None, "general"),
        ("no_such_reason", "general"),
    ],
)
def test_the_reason_picks_the_templates(read, reason, group):
    post, a = read(ANGRY_BILL)
    assert drafts(post, a, reason, TEMPLATES)["group"] == group


def test_praise_is_thanked_whatever_the_reason(read):
    post, a = read(PRAISE)
    d = drafts(post, a, "plan_change", TEMPLATES)
    assert d["group"] == "praise" and "谢谢" in d["public"]


def test_the_platform_is_named_in_the_private_message(read):
    post, a = read(BROADBAND, platform="douyin")
    assert "抖音" in drafts(post, a, "broadband_fault", TEMPLATES)["private"]


def test_a_long_or_odd_handle_keeps_the_reply_in_bounds(read):
    for author in ("超" * 64, "{platform}", f"用户{PHONE}"):
        post, a = read(ANGRY_BILL, author=author)
        for group in TEMPLATES.groups.values():
            reason = group.reasons[0] if group.reasons else None
            d = drafts(post, a, reason, TEMPLATES)
            assert len(d["public"]) <= MAX_PUBLIC_CHARS
            assert not _PERSONAL.search(d["public"] + d["private"])
    post, a = read(ANGRY_BILL, author="{platform}")
    assert drafts(post, a, None, TEMPLATES)["public"].startswith("@{platform} ")
    post, a = read(ANGRY_BILL, author="超" * 64)
    assert "超" * AUTHOR_IN_REPLY not in drafts(post, a, None, TEMPLATES)["public"]


# -- the templates file ---------------------------------------------------------------------


def test_the_shipped_templates_cover_every_complaint():
    groups = TEMPLATES.groups
    assert {"billing", "network", "attitude", "porting", "promotion", "fraud", "general"} <= set(
        groups
    )
    complaints = [r for r, moment in REASONS.items() if moment == "complaint"]
    assert complaints
    for reason in complaints:
        assert TEMPLATES.group_for(reason).code not in ("general", "praise"), reason


def test_the_shipped_templates_fit_every_platform():
    for group in TEMPLATES.groups.values():
        for platform in PLATFORMS:
            values = {"author": "字" * AUTHOR_IN_REPLY, "platform": PLATFORMS[platform]}
            assert len(social._render(group.public, values)) <= MAX_PUBLIC_CHARS
            assert len(social._render(group.private, values)) <= MAX_PRIVATE_CHARS
        assert "  " not in group.public and not re.search(r"[\u4e00-\u9fff，。] ", group.private)


GOOD_GROUP = {
    "label": "话费",
    "reasons": ["bill_dispute"],
    "public": "@{author} 您好，请私信我们号码，我们帮您核实。",
    "private": "{author}您好，请告诉我们您在{platform}提到的号码。",
}
FALLBACKS = {
    "general": {**GOOD_GROUP, "reasons": []},
    "praise": {**GOOD_GROUP, "reasons": []},
}


def _write(tmp_path: Path, doc: object) -> Path:
    path = tmp_path / "social_replies.yaml"
    text = doc if isinstance(doc, str) else json.dumps(doc, ensure_ascii=False)
    path.write_text(text, encoding="utf-8")
    return path


def test_a_minimal_templates_file_loads(tmp_path):
    t = load_templates(_write(tmp_path, {"groups": {"billing": GOOD_GROUP, **FALLBACKS}}))
    assert t.group_for("bill_dispute").code == "billing"
    assert t.group_for("broadband_fault").code == "general"


@pytest.mark.parametrize(
    ("doc", "message"),
    [
        ("groups: [unclosed", "not valid YAML"),
        ({"replies": {}}, "expected groups"),
        ({"groups": {"billing": GOOD_GROUP}}, "group general is missing"),
        ({"groups": {"billing": GOOD_GROUP, "general": FALLBACKS["general"]}}, "praise"),
        (
            {"groups": {"billing": {**GOOD_GROUP, "public": "@{author} 您的{phone}请私信"}}},
            "unknown placeholder {phone}",
        ),
        ({"groups": {"billing": {**GOOD_GROUP, "public": "@{author 请私信"}}}, "unbalanced"),
        ({"groups": {"billing": {**GOOD_GROUP, "public": "请私信" + "字" * 140}}}, "characters"),
        ({"groups": {"billing": {**GOOD_GROUP, "public": "您好，我们马上处理。"}}}, "私信"),
        (
            {"groups": {"billing": {**GOOD_GROUP, "public": "请私信，我们一定给您补偿。"}}},
            "补偿",
        ),
        (
            {"groups": {"billing": {**GOOD_GROUP, "private": "这次是我们的失误，请见谅。"}}},
            "我们的失误",
        ),
        (
            {"groups": {"billing": {**GOOD_GROUP, "private": f"请联系{PHONE}"}}},
            "personal data",
        ),
        ({"groups": {"billing": {**GOOD_GROUP, "reasons": ["乱扣费"]}}}, "unknown reason"),
        (
            {"groups": {"billing": GOOD_GROUP, "charges": GOOD_GROUP, **FALLBACKS}},
            "already in group billing",
        ),
        ({"groups": {**FALLBACKS, "general": GOOD_GROUP}}, "lists no reasons"),
        ({"groups": {"billing": {**GOOD_GROUP, "tone": "warm"}}}, "unknown field(s) tone"),
        ({"groups": {"billing": {**GOOD_GROUP, "public": None}}}, "public: is missing"),
        ({"groups": {"Billing": GOOD_GROUP}}, "lower-case"),
    ],
)
def test_a_broken_templates_file_is_refused_with_the_reason(tmp_path, doc, message):
    with pytest.raises(SocialError) as e:
        load_templates(_write(tmp_path, doc))
    assert e.value.code == "bad_content"
    assert message in e.value.message


def test_a_missing_templates_file_is_named(tmp_path):
    with pytest.raises(SocialError, match="missing"):
        load_templates(tmp_path / "nope.yaml")


def test_the_shipped_file_is_the_default():
    assert TEMPLATES_FILE.name == "social_replies.yaml" and TEMPLATES_FILE.exists()
