"""Social posts: public posts that mention the operator (微博, 抖音, 小红书, 知乎 …), read from a
listening tool's webhook or a CSV export, assessed, and answered with drafted replies.

A complaint on Weibo is read by thousands before the customer ever calls, and one that names
工信部 or calls on others to complain is a regulator's or a newspaper's matter by the evening.
So every post is read the way a call is (the assist engine's emotion reading, passed in), and
one that is negative or escalating becomes a ticket for the social team, with a priority that
weighs how far the post travels. The team answers in public once, briefly — polite, no
personal data, no admission of fault, no promise of money, an invitation to a private message —
and does the real work in private; `drafts` fills both from content templates
(moqi/data/channels/social_replies.yaml) with nothing but what is known: the author's public
handle and the platform.

Personal data: phone, ID-card and bank-card numbers a customer puts in a public post (it
happens: "我的号码138…被停机了") are masked (moqi.nlp.mask.mask_pii) in the post's text and
author as parsed, so nothing this module returns holds them.

Pure: no database, no web, no clock read. Messages of errors are Chinese: the social team
reads them on the import page.
"""

from __future__ import annotations

import csv
import io
import json
import math
import re
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone, tzinfo
from pathlib import Path
from typing import Any

from moqi.assist.emotion import UtteranceEmotion
from moqi.content.model import EMOTION_LABELS, POSITIVE_EMOTIONS
from moqi.content.reading import DATA_DIR, ContentError, read_yaml
from moqi.errors import Invalid
from moqi.nlp.decode import NotText, decode_text
from moqi.nlp.mask import mask_pii
from moqi.nlp.normalize import normalize

TEMPLATES_FILE = DATA_DIR / "channels" / "social_replies.yaml"

# The platforms the social team works on, with the name a reply uses for each. A post from any
# other (今日头条, B站, 黑猫投诉 …) is kept as "other": losing a complaint to a platform list
# would be worse than reading it without its platform's name.
PLATFORMS = {
    "weibo": "微博",
    "douyin": "抖音",
    "xiaohongshu": "小红书",
    "zhihu": "知乎",
    "other": "本平台",
}
_PLATFORM_NAMES = {
    "weibo": "weibo",
    "微博": "weibo",
    "新浪微博": "weibo",
    "sina weibo": "weibo",
    "douyin": "douyin",
    "抖音": "douyin",
    "xiaohongshu": "xiaohongshu",
    "小红书": "xiaohongshu",
    "xhs": "xiaohongshu",
    "red": "xiaohongshu",
    "zhihu": "zhihu",
    "知乎": "zhihu",
    "other": "other",
    "其他": "other",
    "其它": "other",
}

# One post is a few kilobytes of JSON at most (2,000 characters, escaped as \uXXXX, is 12 KB);
# the limit only keeps a hostile post cheap.
MAX_BODY_BYTES = 64 * 1024
# An export of 10,000 posts at a few hundred characters each is a few megabytes; 32 MiB leaves
# room for long posts and unused columns.
MAX_FILE_BYTES = 32 * 1024 * 1024
MAX_ROWS = 10_000
# A Weibo post is 2,000 characters at most (longer ones are "long Weibo" images or articles,
# whose excerpt a listening tool sends); other platforms' comments are shorter.
MAX_TEXT_CHARS = 2000
# Handles: Weibo 30, Douyin 20, 小红书 24 characters at most; 64 tolerates a tool's decoration.
MAX_AUTHOR_CHARS = 64
# How much of a handle a public reply quotes: a longer one is cut, so a reply stays in limits.
AUTHOR_IN_REPLY = 30
MAX_ID_CHARS = 64
MAX_URL_CHARS = 500
MAX_COUNT = 10**10  # more than anyone's followers; a bigger number is a broken export
# Weibo's comment limit; a public reply this short reads well on every platform.
MAX_PUBLIC_CHARS = 140
MAX_PRIVATE_CHARS = 500
# Exports from Chinese tools write local time without an offset; mainland China has one zone
# and no daylight saving, so such a time is read at +08:00 (parse_csv's `assume_tz`).
CHINA = timezone(timedelta(hours=8))

_ID = re.compile(r"[!-~]+")  # printable ASCII, no spaces: Weibo mids, base62 ids, note ids
_EXCEL_NUMBER = re.compile(r"\d(?:\.\d+)?E\+\d+", re.I)  # 4.98765E+15: Excel ate the id
_URL = re.compile(r"https?://[!-~]+", re.I)
_COUNT = re.compile(r"(\d+(?:\.\d+)?)(万|w|亿)?", re.I)
_DATE_TIME = re.compile(
    r"(\d{4})[-/.年](\d{1,2})[-/.月](\d{1,2})日?(?:[ T]+|(?<=日))"
    r"(\d{1,2})[:：时](\d{1,2})(?:分|[:：分](\d{1,2})(?:\.\d+)?秒?)?\s*"
    r"(Z|[+-]\d{2}:?\d{2})?"
)
_CLOCK = re.compile(r"\d\s*[:：时]\s*\d")  # a time of day is given, not only a date
_WEIBO_TIME = (
    "%a %b %d %H:%M:%S %z %Y"  # the Weibo API's created_at: Sun Mar 01 09:30:00 +0800 2026
)
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")

# Phrases that call on others to complain or to spread the post: a crowd, not one customer.
# (Threats to go to a regulator, the media or a lawyer are the engine's escalation channels.)
RALLYING = (
    "求扩散",
    "求转发",
    "帮忙转发",
    "帮忙扩散",
    "转发扩散",
    "扩散一下",
    "大家一起投诉",
    "大家都去投诉",
    "一起投诉",
    "集体投诉",
    "都去投诉",
    "联合投诉",
    "大家避雷",
    "避雷",
    "千万别办",
    "千万不要办",
    "大家注意",
    "互相转告",
    "让更多人看到",
    "让更多人知道",
    "维权群",
)

# reach = min(100, 10·log10(1 + 3·reposts + 2·comments + likes) + 8·log10(1 + followers)):
# reposts carry a post to new audiences, comments keep it in feeds, likes least of all; the
# author's followers are who sees it first. Both on a log scale, so a big account and a post
# that has gone viral each count, without either swamping the other. For a feel:
#   an ordinary account (300 followers, 2 comments, 5 likes)              ≈ 30
#   the same account, 10 reposts, 20 comments, 50 likes, 1,000 followers ≈ 45
#   a local blogger (50,000 followers, 20 reposts, 50 comments, 300 likes) ≈ 64
#   a big account (2 million followers, 500 reposts, 800 comments, 5,000 likes) ≈ 90
REACH_WEIGHTS = {"reposts": 3, "comments": 2, "likes": 1}
REACH_ENGAGEMENT = 10.0
REACH_FOLLOWERS = 8.0
REACH_NOTABLE = 40.0  # seen beyond the author's friends
REACH_WIDE = 60.0  # spreading, or a big account: a public-opinion (舆情) risk
STRONG = 0.8  # emotion intensity of a furious post
# Confusion is mildly negative for the engine ("为什么我流量用得这么快"): a question to answer,
# not a complaint, unless it reads strongly negative.
CONFUSED_COMPLAINT = -0.5

PRIORITIES = ("urgent", "high", "normal", "low")  # as the service desk's tickets have them
_PRIORITY_LABELS = {"urgent": "紧急", "high": "高", "normal": "普通", "low": "低"}

# What a template may say: nothing of the post but its author's handle and the platform.
PLACEHOLDERS = ("author", "platform")
_WIDEST = {"author": "字" * AUTHOR_IN_REPLY, "platform": max(PLATFORMS.values(), key=len)}
# A reply drafted before anyone has looked at the account neither admits fault nor promises
# money: that is decided after the facts are known, and a public promise binds.
PROMISES = ("赔偿", "补偿", "赔付", "退还", "返还", "免单", "全额退", "双倍", "保证退", "一定退")
ADMISSIONS = (
    "我们的错",
    "我们的失误",
    "我方失误",
    "我方责任",
    "我们的责任",
    "工作失误",
    "是我们不对",
)
INVITATION = "私信"  # every public reply moves the conversation there
FALLBACK_GROUP = "general"
PRAISE_GROUP = "praise"
_FIELD = re.compile(r"\{([^{}]*)\}")
_FOLD = re.compile(r"(?<=[^\x00-\x7f])\s+")


class SocialError(Invalid):
    """A post, file or template we refuse; `code` names the check (too_large, not_json,
    not_object, missing_field, bad_field, bad_time, bad_count, text_too_long, not_text,
    empty, missing_columns, duplicate_columns, too_many_rows, bad_content)."""


@dataclass(frozen=True, slots=True)
class SocialPost:
    """One public post as the listening tool reported it (text and author masked)."""

    platform: str  # a PLATFORMS code
    post_id: str  # the platform's id of the post
    author: str  # the public handle, without a leading @
    text: str  # as posted, personal numbers masked
    url: str
    posted_at: datetime  # aware
    reposts: int = 0
    comments: int = 0
    likes: int = 0
    followers: int = 0  # the author's
    in_reply_to: str | None = None  # the post (or comment) this one answers


@dataclass(frozen=True, slots=True)
class Assessment:
    """What the social team needs to know of a post, and whether it becomes a ticket."""

    negative: bool
    escalating: bool
    reach: float  # 0–100, see REACH_WEIGHTS
    priority: str  # urgent, high, normal, low
    becomes_ticket: bool
    why: str  # Chinese, for the social team
    channels: tuple[str, ...] = ()  # escalation channel codes the post threatens with
    rallying: tuple[str, ...] = ()  # the phrases calling on others
    polarity: str = "neutral"  # the engine's


# -- fields ---------------------------------------------------------------------------------


def _text_of(value: Any, label: str, *, required: bool = True) -> str:
    if value is None or (isinstance(value, str) and not value.strip()):
        if required:
            raise SocialError(f"{label}为空", code="missing_field")
        return ""
    if not isinstance(value, str):
        raise SocialError(f"{label}应为文字，不是 {type(value).__name__}", code="bad_field")
    if "\x00" in value:
        raise SocialError(f"{label}含有 NUL 字符", code="bad_field")
    return value.strip()


def _platform(value: Any, label: str) -> str:
    raw = _text_of(value, label)
    return _PLATFORM_NAMES.get(unicodedata.normalize("NFKC", raw).strip().lower(), "other")


def _identifier(value: Any, label: str, *, required: bool = True) -> str:
    if isinstance(value, int) and not isinstance(value, bool):
        value = str(value)  # a JSON number: Douyin and Zhihu ids are digits
    raw = _text_of(value, label, required=required)
    if not raw:
        return ""
    if _EXCEL_NUMBER.fullmatch(raw):
        raise SocialError(
            f"{label}“{raw}”被 Excel 改成了科学计数法，原编号已丢失：请把该列设为文本后重新导出",
            code="bad_field",
        )
    if len(raw) > MAX_ID_CHARS or not _ID.fullmatch(raw):
        raise SocialError(
            f"{label}应为 1–{MAX_ID_CHARS} 个英文字母、数字或符号（不含空格）", code="bad_field"
        )
    return raw


def _author(value: Any, label: str) -> str:
    raw = _text_of(value, label).lstrip("@＠").strip()
    if not raw:
        raise SocialError(f"{label}为空", code="missing_field")
    if len(raw) > MAX_AUTHOR_CHARS or _CONTROL.search(raw):
        raise SocialError(
            f"{label}应为不超过 {MAX_AUTHOR_CHARS} 个字符的昵称，且不含控制字符", code="bad_field"
        )
    return mask_pii(raw)


def _post_text(value: Any, label: str) -> str:
    raw = _text_of(value, label)
    if len(raw) > MAX_TEXT_CHARS:
        raise SocialError(
            f"{label}有 {len(raw)} 个字，超过 {MAX_TEXT_CHARS} 字的上限", code="text_too_long"
        )
    return mask_pii(raw)


def _url(value: Any, label: str) -> str:
    raw = _text_of(value, label)
    if len(raw) > MAX_URL_CHARS or not _URL.fullmatch(raw):
        raise SocialError(
            f"{label}应为 http:// 或 https:// 开头、不含空格的链接（不超过 {MAX_URL_CHARS} 字符）",
            code="bad_field",
        )
    return raw


def _count(value: Any, label: str) -> int:
    """A count as listening tools write it: 1234, "1,234", "1.2万", "10万+"; absent is 0."""
    if value is None:
        return 0
    if isinstance(value, bool):
        raise SocialError(f"{label}应为非负整数", code="bad_count")
    if isinstance(value, int):
        number = value
    elif isinstance(value, str):
        raw = unicodedata.normalize("NFKC", value)
        raw = re.sub(r"[\s,，]", "", raw).rstrip("+")
        if not raw:
            return 0
        m = _COUNT.fullmatch(raw)
        if m is None:
            raise SocialError(
                f"{label}“{value.strip()}”不是数量（如 1234、1.2万）", code="bad_count"
            )
        unit = (m.group(2) or "").lower()
        if not unit and "." in m.group(1):
            raise SocialError(f"{label}“{value.strip()}”应为整数", code="bad_count")
        scale = {"": 1, "万": 10_000, "w": 10_000, "亿": 100_000_000}[unit]
        number = round(float(m.group(1)) * scale)
    else:
        raise SocialError(f"{label}应为非负整数，不是 {type(value).__name__}", code="bad_count")
    if number < 0 or number > MAX_COUNT:
        raise SocialError(f"{label}应在 0 到 {MAX_COUNT} 之间", code="bad_count")
    return number


def _time(value: Any, label: str, assume_tz: tzinfo | None) -> datetime:
    """An aware time from ISO 8601, 2026/3/1 9:30, 2026年3月1日 09:30 or the Weibo API's
    "Sun Mar 01 09:30:00 +0800 2026"; a time without an offset is read in `assume_tz`, or
    refused when that is None."""
    raw = _text_of(value, label)
    parsed: datetime | None = None
    try:
        parsed = datetime.fromisoformat(raw)
    except ValueError:
        try:
            parsed = datetime.strptime(raw, _WEIBO_TIME)
        except ValueError:
            m = _DATE_TIME.fullmatch(raw)
            if m is not None:
                year, month, day, hour, minute, second = (int(g or 0) for g in m.groups()[:6])
                offset = m.group(7)
                try:
                    parsed = datetime(year, month, day, hour, minute, second)
                    if offset:
                        parsed = datetime.fromisoformat(
                            parsed.isoformat() + ("+00:00" if offset == "Z" else offset)
                        )
                except ValueError:
                    parsed = None
    if parsed is not None and not _CLOCK.search(raw):
        raise SocialError(f"{label}“{raw}”只有日期：请给出到分钟的发布时间", code="bad_time")
    if parsed is None:
        raise SocialError(
            f"{label}“{raw}”不是日期时间（如 2026-03-01 09:30 或 2026-03-01T09:30:00+08:00）",
            code="bad_time",
        )
    if parsed.tzinfo is None or parsed.utcoffset() is None:
        if assume_tz is None:
            # A naive time is in nobody's zone: the tool's, ours and UTC differ by hours.
            raise SocialError(
                f"{label}“{raw}”没有时区（请写成 2026-03-01T09:30:00+08:00）", code="bad_time"
            )
        parsed = parsed.replace(tzinfo=assume_tz)
    return parsed


def _post(
    fields: Mapping[str, Any], labels: Mapping[str, str], assume_tz: tzinfo | None
) -> SocialPost:
    """A SocialPost from raw field values, each checked; `labels` name the fields in messages
    the way the source names them (the JSON key, the CSV header)."""
    reply_to = _identifier(fields.get("in_reply_to"), labels["in_reply_to"], required=False)
    return SocialPost(
        platform=_platform(fields.get("platform"), labels["platform"]),
        post_id=_identifier(fields.get("post_id"), labels["post_id"]),
        author=_author(fields.get("author"), labels["author"]),
        text=_post_text(fields.get("text"), labels["text"]),
        url=_url(fields.get("url"), labels["url"]),
        posted_at=_time(fields.get("posted_at"), labels["posted_at"], assume_tz),
        reposts=_count(fields.get("reposts"), labels["reposts"]),
        comments=_count(fields.get("comments"), labels["comments"]),
        likes=_count(fields.get("likes"), labels["likes"]),
        followers=_count(fields.get("followers"), labels["followers"]),
        in_reply_to=reply_to or None,
    )


# -- the webhook ----------------------------------------------------------------------------

FIELDS = (
    "platform",
    "post_id",
    "author",
    "text",
    "url",
    "posted_at",
    "reposts",
    "comments",
    "likes",
    "followers",
    "in_reply_to",
)
REQUIRED = ("platform", "post_id", "author", "text", "url", "posted_at")
_JSON_LABELS = {f: f"'{f}'" for f in FIELDS}


def _no_duplicate_keys(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    # Parsers disagree on which of two equal keys wins; a post must mean one thing.
    out: dict[str, Any] = {}
    for key, value in pairs:
        if key in out:
            raise SocialError(f"请求体两次给出 {key!r}", code="not_object")
        out[key] = value
    return out


def parse_webhook(body: bytes) -> SocialPost:
    """The SocialPost of a listening tool's post (one post per call), or SocialError.

    The body is a UTF-8 JSON object:

        {"platform": "weibo",              weibo, douyin, xiaohongshu, zhihu, other, or the
                                           Chinese name (微博 …); any other name is "other"
         "post_id": "4987654321098765",    the platform's id (a string, or a JSON integer)
         "author": "北京的小王",             the public handle (a leading @ is dropped)
         "text": "…",                      at most 2,000 characters
         "url": "https://weibo.com/…",     where the post is
         "posted_at": "2026-03-01T09:30:00+08:00",   with its offset (or Weibo's created_at)
         "reposts": 12, "comments": 3, "likes": 40,  counts when the tool saw it; absent is 0
         "followers": 1200,                the author's; absent is 0
         "in_reply_to": null}              the id of the post this one answers, if any

    Fields not listed are ignored (tools add images, places, their own sentiment). Whether the
    tool may post at all (a signature, a token) is the route's check, made before this one.
    """
    if len(body) > MAX_BODY_BYTES:
        raise SocialError(
            f"请求体 {len(body)} 字节，超过 {MAX_BODY_BYTES} 字节的上限", code="too_large"
        )
    try:
        doc = json.loads(body.decode("utf-8"), object_pairs_hook=_no_duplicate_keys)
    except UnicodeDecodeError as e:
        raise SocialError("请求体不是 UTF-8 编码", code="not_json") from e
    except json.JSONDecodeError as e:
        raise SocialError(f"请求体不是 JSON：{e}", code="not_json") from e
    if not isinstance(doc, dict):
        raise SocialError(f"请求体应为 JSON 对象，不是 {type(doc).__name__}", code="not_object")
    missing = [f for f in REQUIRED if f not in doc]
    if missing:
        raise SocialError(f"请求体缺少字段 {', '.join(missing)}", code="missing_field")
    return _post(doc, _JSON_LABELS, assume_tz=None)


# -- the CSV export -------------------------------------------------------------------------

# Header names as listening tools and people write them (compared after NFKC, lower case, no
# spaces); the first of each is how an error names the column. Left out on purpose: 来源 (on
# Weibo the client app), 地址 (a place), 回复 (often a count of replies).
HEADERS = {
    "platform": ("平台", "platform", "来源平台", "媒体", "站点"),
    "post_id": ("帖子ID", "post_id", "postid", "id", "微博ID", "帖子编号", "内容ID", "mid"),
    "author": ("作者", "author", "用户名", "昵称", "用户昵称", "发布者", "博主"),
    "text": ("内容", "text", "正文", "帖子内容", "微博内容", "博文内容", "content"),
    "url": ("链接", "url", "原文链接", "帖子链接", "link"),
    "posted_at": ("发布时间", "posted_at", "时间", "发帖时间", "created_at"),
    "reposts": ("转发", "reposts", "转发数", "分享数", "shares"),
    "comments": ("评论", "comments", "评论数"),
    "likes": ("点赞", "likes", "点赞数", "赞", "获赞数"),
    "followers": ("粉丝数", "followers", "粉丝", "粉丝量"),
    "in_reply_to": ("回复ID", "in_reply_to", "上级ID", "父帖ID", "parent_id"),
}


def _header_key(name: str) -> str:
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", name)).lower()


_HEADER_FIELD = {_header_key(n): field for field, names in HEADERS.items() for n in names}


def _columns(header: list[str]) -> dict[str, int]:
    """{field: column index} of a header row; SocialError naming missing or doubled columns."""
    found: dict[str, int] = {}
    for i, name in enumerate(header):
        field = _HEADER_FIELD.get(_header_key(name))
        if field is None:
            continue  # a column we do not use (地区, 性别, the tool's own sentiment …)
        if field in found:
            first = header[found[field]].strip()
            raise SocialError(
                f"“{first}”和“{name.strip()}”都是{HEADERS[field][0]}（{field}）：请只留一列",
                code="duplicate_columns",
            )
        found[field] = i
    missing = [f for f in REQUIRED if f not in found]
    if missing:
        names = "、".join(f"{HEADERS[f][0]}（{f}）" for f in missing)
        raise SocialError(f"缺少必需的列：{names}", code="missing_columns", columns=missing)
    return found


def parse_csv(
    data: bytes, *, assume_tz: tzinfo | None = CHINA
) -> tuple[list[SocialPost], list[dict[str, Any]]]:
    """The posts of a listening tool's CSV export, and the rows that could not be read.

    UTF-8 (with or without a BOM) or GBK, comma- or tab-separated, with a header row in
    Chinese or English (see HEADERS: 平台/platform, 帖子ID/post_id, 作者/author, 内容/text,
    链接/url, 发布时间/posted_at are required; 转发/reposts, 评论/comments, 点赞/likes,
    粉丝数/followers, 回复ID/in_reply_to are read when present, counts as 1234, 1,234 or 1.2万).
    Other columns are ignored. Times without an offset are read in `assume_tz` (Beijing time;
    None refuses them).

    A bad row never stops the rest: it is reported as {"row": n, "error": "…", "code": "…"},
    n being the row as a spreadsheet shows it (the header is row 1); a post already read from
    an earlier row (same platform and id) is reported as a duplicate. Blank rows are skipped.
    A file that cannot be read at all, lacks a required column or has more than MAX_ROWS
    posts raises SocialError.
    """
    if len(data) > MAX_FILE_BYTES:
        raise SocialError(
            f"文件 {len(data)} 字节，超过 {MAX_FILE_BYTES // (1024 * 1024)} MB 的上限",
            code="too_large",
        )
    try:
        text = decode_text(data)
    except NotText as e:
        raise SocialError(
            f"文件编码无法识别（{e}）：请存为 UTF-8 或 GBK 编码的 CSV", code="not_text"
        ) from e
    first_line = text.split("\n", 1)[0]
    dialect = csv.excel_tab if first_line.count("\t") > first_line.count(",") else csv.excel
    try:
        rows = [
            (number, row)
            for number, row in enumerate(csv.reader(io.StringIO(text), dialect), start=1)
            if any(cell.strip() for cell in row)
        ]
    except csv.Error as e:
        raise SocialError(f"文件不是有效的 CSV：{e}", code="not_text") from e
    if not rows:
        raise SocialError("文件是空的：第一行应为表头", code="empty")
    header = rows[0][1]
    columns = _columns(header)
    labels = {f: f"“{header[i].strip()}”" for f, i in columns.items()}
    labels.update({f: f"“{HEADERS[f][0]}”" for f in FIELDS if f not in columns})
    if len(rows) - 1 > MAX_ROWS:
        raise SocialError(
            f"文件有 {len(rows) - 1} 行帖子，超过 {MAX_ROWS} 行的上限：请分批导入",
            code="too_many_rows",
        )
    posts: list[SocialPost] = []
    errors: list[dict[str, Any]] = []
    seen: dict[tuple[str, str], int] = {}
    # csv.reader counts records, not lines: a line break inside a quoted cell does not shift
    # the numbers, and blank rows count, so `number` is the row a spreadsheet shows.
    for number, row in rows[1:]:
        extra = [c for c in row[len(header) :] if c.strip()]
        if extra:
            errors.append(
                {
                    "row": number,
                    "error": f"比表头多出 {len(extra)} 列：内容里的逗号要加引号",
                    "code": "bad_row",
                }
            )
            continue
        fields = {f: (row[i] if i < len(row) else "") for f, i in columns.items()}
        try:
            post = _post(fields, labels, assume_tz)
        except SocialError as e:
            errors.append({"row": number, "error": e.message, "code": e.code})
            continue
        key = (post.platform, post.post_id)
        if key in seen:
            errors.append(
                {
                    "row": number,
                    "error": f"与第 {seen[key]} 行是同一条帖子（{PLATFORMS[post.platform]} {post.post_id}）",
                    "code": "duplicate",
                }
            )
            continue
        seen[key] = number
        posts.append(post)
    return posts, errors


# -- assessment ------------------------------------------------------------------------------


def reading_text(post: SocialPost) -> str:
    """The words of a post for the assist engine to read: normalised, without links, the
    # of hashtags (#宽带报修# keeps 宽带报修) and @-mentions that stand apart ("@中国移动 …"):
    a handle is a name, not a feeling. Read it with `engine.read_customer(reading_text(post))`."""
    text = _URL.sub(" ", post.text)
    text = re.sub(r"[@＠][^\s@＠:：,，。!！?？]{1,30}(?=[\s:：,，。!！?？]|$)", " ", text)
    text = text.replace("#", " ").replace("＃", " ")
    return normalize(text)


def reach_of(post: SocialPost) -> float:
    """How far a post travels, 0–100 (the formula is at REACH_WEIGHTS)."""
    engagement = sum(getattr(post, k) * w for k, w in REACH_WEIGHTS.items())
    score = REACH_ENGAGEMENT * math.log10(1 + engagement) + REACH_FOLLOWERS * math.log10(
        1 + post.followers
    )
    return round(min(100.0, score), 1)


def rallying_of(post: SocialPost) -> tuple[str, ...]:
    """The phrases in a post that call on others to complain or spread it, in order found."""
    text = normalize(post.text).replace(" ", "")
    found = sorted((text.find(p), p) for p in RALLYING if p in text)
    out: list[str] = []
    for _, phrase in found:
        if not any(phrase in longer for longer in out):  # 避雷 inside 大家避雷
            out = [p for p in out if p not in phrase] + [phrase]
    return tuple(out)


def _count_words(n: int) -> str:
    if n >= 100_000_000:
        return f"{n / 100_000_000:.1f}亿".replace(".0亿", "亿")
    if n >= 10_000:
        return f"{n / 10_000:.1f}万".replace(".0万", "万")
    return str(n)


def assess(
    post: SocialPost, emotion: UtteranceEmotion, escalation_channels: Mapping[str, str]
) -> Assessment:
    """Whether a post becomes a ticket for the social team, how urgently, and why.

    `emotion` is the assist engine's reading of the post (`read_customer(reading_text(post))`);
    `escalation_channels` names the channels it may list ({code: label}, e.g.
    `{c.code: c.label for c in engine.channels.channels}`). Passing them in keeps this pure.

    negative   the engine reads the post as negative (sarcasm included: "呵呵 真行" reads
               negative under a word of praise); a question read only as confusion is not,
               unless strongly negative.
    escalating the post threatens a channel (工信部/12300, 12315, 12345, media, lawyer,
               management — negated threats excepted) or calls on others (RALLYING).
    priority   low: no ticket. urgent: escalating and seen beyond friends (reach ≥
               REACH_NOTABLE), or negative and spreading (reach ≥ REACH_WIDE). high: any other
               escalation, a notable reach, or a furious post (intensity ≥ STRONG).
               normal: the rest.
    """
    channels = tuple(c for c in emotion.channels if c)
    rallying = rallying_of(post)
    escalating = bool(channels or rallying)
    negative = emotion.polarity == "negative" and (
        emotion.category != "confusion" or emotion.valence <= CONFUSED_COMPLAINT
    )
    ticket = negative or escalating
    reach = reach_of(post)
    if not ticket:
        priority, rule = "low", "无需建单"
    elif escalating and reach >= REACH_NOTABLE:
        priority, rule = "urgent", f"扬言升级且传播力≥{REACH_NOTABLE:g}"
    elif reach >= REACH_WIDE:
        priority, rule = "urgent", f"负面且正在扩散（传播力≥{REACH_WIDE:g}）"
    elif escalating:
        priority, rule = "high", "扬言升级"
    elif reach >= REACH_NOTABLE:
        priority, rule = "high", f"传播力≥{REACH_NOTABLE:g}"
    elif emotion.intensity >= STRONG:
        priority, rule = "high", "情绪激烈"
    else:
        priority, rule = "normal", "一般负面"

    label = EMOTION_LABELS.get(emotion.category, emotion.category)
    if negative and emotion.category in POSITIVE_EMOTIONS:
        mood = f"负面（反话：字面{label}）"
    elif negative:
        mood = f"负面：{label}（强度 {emotion.intensity:.2f}）"
    elif emotion.polarity == "positive":
        mood = f"正面：{label}"
    else:
        mood = f"情绪：{label}"
    parts = [mood]
    if channels:
        names = "、".join(escalation_channels.get(c, c) for c in channels)
        parts.append(f"扬言升级到：{names}")
    if rallying:
        parts.append(f"号召他人（{'、'.join(rallying)}）")
    parts.append(
        f"传播力 {reach:g}（粉丝 {_count_words(post.followers)}，转发 {_count_words(post.reposts)}，"
        f"评论 {_count_words(post.comments)}，点赞 {_count_words(post.likes)}）"
    )
    parts.append(
        f"建单，优先级{_PRIORITY_LABELS[priority]}（{rule}）" if ticket else "无需建单，可公开回复"
    )
    return Assessment(
        negative=negative,
        escalating=escalating,
        reach=reach,
        priority=priority,
        becomes_ticket=ticket,
        why="；".join(parts) + "。",
        channels=channels,
        rallying=rallying,
        polarity=emotion.polarity,
    )


# -- reply templates -------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class ReplyGroup:
    """The replies for a group of call reasons (or the fallbacks general and praise)."""

    code: str
    label: str
    reasons: tuple[str, ...]
    public: str
    private: str


@dataclass(frozen=True, slots=True)
class ReplyTemplates:
    groups: Mapping[str, ReplyGroup]

    def group_for(self, reason: str | None) -> ReplyGroup:
        """The group whose reasons hold `reason`, else the general one."""
        if reason:
            for group in self.groups.values():
                if reason in group.reasons:
                    return group
        return self.groups[FALLBACK_GROUP]


def _fail(where: str, message: str) -> SocialError:
    return SocialError(f"{where}: {message}", code="bad_content")


def _render(template: str, values: Mapping[str, str]) -> str:
    # One pass, so a handle that reads like a placeholder ("{platform}") stays a handle.
    return _FIELD.sub(lambda m: values.get(m.group(1), ""), template)


def _check_template(text: Any, where: str, *, limit: int, public: bool) -> str:
    if not isinstance(text, str) or not text.strip():
        raise _fail(where, "is missing")
    # A folded YAML line break is a space; Chinese has none after its characters and
    # punctuation. After ASCII it stays: "@{author} 您好" needs it to end the mention.
    text = _FOLD.sub("", text.strip())
    for field in _FIELD.findall(text):
        if field not in PLACEHOLDERS:
            raise _fail(
                where, f"unknown placeholder {{{field}}} (known: {', '.join(PLACEHOLDERS)})"
            )
    if any(c in _FIELD.sub("", text) for c in "{}"):
        raise _fail(where, "unbalanced { or }")
    longest = len(_render(text, _WIDEST))
    if longest > limit:
        raise _fail(
            where,
            f"can reach {longest} characters with a {AUTHOR_IN_REPLY}-character handle "
            f"(at most {limit}): shorten it",
        )
    for word in (*PROMISES, *ADMISSIONS):
        if word in text:
            raise _fail(
                where,
                f"says “{word}”: a first reply neither promises money nor admits fault",
            )
    if public and INVITATION not in text:
        raise _fail(where, f"a public reply invites a private message (say “{INVITATION}”)")
    if mask_pii(text) != text:
        raise _fail(where, "holds what reads as personal data (a phone, ID or card number)")
    return text


def load_templates(
    path: Path = TEMPLATES_FILE, reasons: Mapping[str, str] | None = None
) -> ReplyTemplates:
    """The reply templates of a social_replies.yaml, checked: groups general and praise
    present, each reason a taxonomy code in one group at most, placeholders known, public
    replies short enough for Weibo, inviting a private message, promising nothing."""
    from moqi.channels.selfservice import reason_moments

    reasons = reason_moments() if reasons is None else reasons
    try:
        doc = read_yaml(path)
    except ContentError as e:
        raise SocialError(str(e), code="bad_content") from e
    if not isinstance(doc, dict) or not isinstance(doc.get("groups"), dict):
        raise _fail(str(path), "expected groups: {code: {label, reasons, public, private}}")
    groups: dict[str, ReplyGroup] = {}
    owner: dict[str, str] = {}
    for code, entry in doc["groups"].items():
        where = f"{path} group {code}"
        if not isinstance(code, str) or not re.fullmatch(r"[a-z][a-z_]*", code):
            raise _fail(where, "a group code is lower-case ASCII letters and _")
        if not isinstance(entry, dict):
            raise _fail(where, "expected a mapping")
        unknown = set(entry) - {"label", "reasons", "public", "private"}
        if unknown:
            raise _fail(where, f"unknown field(s) {', '.join(sorted(map(str, unknown)))}")
        label = entry.get("label")
        if not isinstance(label, str) or not label.strip():
            raise _fail(where, "label is missing")
        listed = entry.get("reasons") or []
        if not isinstance(listed, list) or not all(isinstance(r, str) for r in listed):
            raise _fail(where, "reasons must be a list of reason codes")
        if code in (FALLBACK_GROUP, PRAISE_GROUP) and listed:
            raise _fail(where, f"{code} is a fallback: it lists no reasons")
        for reason in listed:
            if reason not in reasons:
                raise _fail(where, f"unknown reason {reason!r} (see taxonomy.yaml)")
            if reason in owner:
                raise _fail(where, f"reason {reason!r} is already in group {owner[reason]}")
            owner[reason] = code
        groups[code] = ReplyGroup(
            code=code,
            label=label.strip(),
            reasons=tuple(listed),
            public=_check_template(
                entry.get("public"), f"{where} public", limit=MAX_PUBLIC_CHARS, public=True
            ),
            private=_check_template(
                entry.get("private"), f"{where} private", limit=MAX_PRIVATE_CHARS, public=False
            ),
        )
    for needed in (FALLBACK_GROUP, PRAISE_GROUP):
        if needed not in groups:
            raise _fail(str(path), f"group {needed} is missing (every post needs a reply)")
    return ReplyTemplates(groups=groups)


def drafts(
    post: SocialPost, assessment: Assessment, reason: str | None, templates: ReplyTemplates
) -> dict[str, str]:
    """The public reply and the first private message for a post, for the team to edit.

    `reason` is the call reason the engine found in the post (None when none): its group's
    templates are used, the general ones for a reason in no group. A post that is positive
    and no ticket is thanked (the praise group). Only the author's handle (masked, cut to
    AUTHOR_IN_REPLY characters) and the platform's name fill a template; the post's words are
    never repeated. Returns {"group", "public", "private"}."""
    if assessment.polarity == "positive" and not assessment.becomes_ticket:
        group = templates.groups[PRAISE_GROUP]
    else:
        group = templates.group_for(reason)
    author = mask_pii(post.author.lstrip("@＠").strip())
    if len(author) > AUTHOR_IN_REPLY:
        author = author[: AUTHOR_IN_REPLY - 1] + "…"
    values = {"author": author, "platform": PLATFORMS.get(post.platform, PLATFORMS["other"])}
    public = _render(group.public, values)
    private = _render(group.private, values)
    if len(public) > MAX_PUBLIC_CHARS:  # a template not checked by load_templates
        raise SocialError(
            f"the public reply of group {group.code} has {len(public)} characters "
            f"(at most {MAX_PUBLIC_CHARS})",
            code="bad_content",
        )
    return {"group": group.code, "public": public, "private": private}
