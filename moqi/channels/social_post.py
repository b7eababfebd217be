"""A social post and what the social team is told of it: the types the parser, the assessment
and the reply drafts share, and the limits every post is held to."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone

from moqi.errors import Invalid

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
_URL = re.compile(r"https?://[!-~]+", re.I)


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
