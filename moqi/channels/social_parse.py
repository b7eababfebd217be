"""Social posts read from a listening tool: one post as the webhook's JSON, or a CSV export
(Chinese or English headers, UTF-8 or GBK). Every field is checked and personal numbers masked."""

from __future__ import annotations

import csv
import io
import json
import re
import unicodedata
from datetime import tzinfo
from typing import Any

from moqi.channels.social_fields import read_post
from moqi.channels.social_post import (
    CHINA,
    MAX_BODY_BYTES,
    MAX_FILE_BYTES,
    MAX_ROWS,
    PLATFORMS,
    SocialError,
    SocialPost,
)
from moqi.nlp.decode import NotText, decode_text

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
    return read_post(doc, _JSON_LABELS, assume_tz=None)


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
            post = read_post(fields, labels, assume_tz)
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
