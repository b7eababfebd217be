"""One social post's fields, each checked as a listening tool may send it (ids Excel turned into
numbers, counts like 1.2万, Weibo's and Chinese date forms) and personal numbers masked; the
webhook and the CSV import (social_parse.py) both read a post through these."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping
from datetime import datetime, tzinfo
from typing import Any

from moqi.channels.social_post import (
    _PLATFORM_NAMES,
    _URL,
    MAX_AUTHOR_CHARS,
    MAX_COUNT,
    MAX_ID_CHARS,
    MAX_TEXT_CHARS,
    MAX_URL_CHARS,
    SocialError,
    SocialPost,
)
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


def read_post(
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
