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

import math
import re
from collections.abc import Mapping

from moqi.assist.emotion import UtteranceEmotion

# The module the rest of moqi reads social posts through: the types and limits
# (social_post), reading them (social_parse), the reply drafts (social_replies) and, here, the
# assessment.
from moqi.channels.social_parse import parse_csv as parse_csv
from moqi.channels.social_parse import parse_webhook as parse_webhook
from moqi.channels.social_post import _URL, Assessment, SocialPost
from moqi.channels.social_post import AUTHOR_IN_REPLY as AUTHOR_IN_REPLY
from moqi.channels.social_post import CHINA as CHINA
from moqi.channels.social_post import MAX_BODY_BYTES as MAX_BODY_BYTES
from moqi.channels.social_post import MAX_FILE_BYTES as MAX_FILE_BYTES
from moqi.channels.social_post import MAX_PRIVATE_CHARS as MAX_PRIVATE_CHARS
from moqi.channels.social_post import MAX_PUBLIC_CHARS as MAX_PUBLIC_CHARS
from moqi.channels.social_post import MAX_ROWS as MAX_ROWS
from moqi.channels.social_post import MAX_TEXT_CHARS as MAX_TEXT_CHARS
from moqi.channels.social_post import PLATFORMS as PLATFORMS
from moqi.channels.social_post import SocialError as SocialError
from moqi.channels.social_replies import ADMISSIONS as ADMISSIONS
from moqi.channels.social_replies import PROMISES as PROMISES
from moqi.channels.social_replies import TEMPLATES_FILE as TEMPLATES_FILE
from moqi.channels.social_replies import ReplyTemplates as ReplyTemplates
from moqi.channels.social_replies import _render as _render
from moqi.channels.social_replies import drafts as drafts
from moqi.channels.social_replies import load_templates as load_templates
from moqi.content.model import EMOTION_LABELS, POSITIVE_EMOTIONS
from moqi.nlp.normalize import normalize

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
