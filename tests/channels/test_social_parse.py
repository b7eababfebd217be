"""Social posts read from a listening tool: the webhook's JSON and CSV exports (UTF-8, BOM, GBK,
Chinese headers); every bad row is reported by its row and never stops the rest, and personal
numbers are masked in what comes back."""

from datetime import UTC, datetime, timedelta

import pytest

from moqi.channels import social_parse
from moqi.channels.social import (
    MAX_BODY_BYTES,
    MAX_FILE_BYTES,
    MAX_ROWS,
    MAX_TEXT_CHARS,
    SocialError,
    SocialPost,
    parse_csv,
    parse_webhook,
)
from moqi.errors import Invalid
from tests.channels.social_posts import (
    _PERSONAL,
    ANGRY_BILL,
    BEIJING,
    ID_CARD,
    PERSONAL,
    PHONE,
    body,
    post_of,
)

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
