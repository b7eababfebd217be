"""Social posts read from a listening tool: one post as the webhook's JSON, or a CSV export
(Chinese or English headers, UTF-8 or GBK). Every field is checked and personal numbers masked."""

from __future__ import annotations

import csv
import io
import json
import re
import unicodedata
from collections.abc import Mapping
from datetime import datetime, tzinfo
from typing import Any

from moqi.channels.social_post import (
    _PLATFORM_NAMES,
    _URL,
    CHINA,
    MAX_AUTHOR_CHARS,
    MAX_BODY_BYTES,
    MAX_COUNT,
    MAX_FILE_BYTES,
    MAX_ID_CHARS,
    MAX_ROWS,
    MAX_TEXT_CHARS,
    MAX_URL_CHARS,
    PLATFORMS,
    SocialError,
    SocialPost,
)
from moqi.nlp.decode import NotText, decode_text
from moqi.nlp.mask import mask_pii

_ID = re.compile(r"[!-~]+")  # printable ASCII, no spaces: Weibo mids, base62 ids, note ids
_EXCEL_NUMBER = re.compile(r"\d(?:\.\d+)?E\+\d+", re.I)  # 4.98765E+15: Excel ate the id
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
