"""Plain, immutable dataclasses for the content every capability shares."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

MOMENTS = ("inquiry", "handling", "complaint")
MOMENT_LABELS = {"inquiry": "咨询查询", "handling": "业务办理", "complaint": "投诉"}
EMOTIONS = (
    "anger",
    "distrust",
    "anxiety",
    "disappointment",
    "sadness",
    "confusion",
    "surprise",
    "satisfaction",
    "gratitude",
)
EMOTION_LABELS = {
    "anger": "愤怒",
    "distrust": "不信任",
    "anxiety": "焦急",
    "disappointment": "失望",
    "sadness": "难过",
    "confusion": "困惑",
    "surprise": "惊讶",
    "satisfaction": "满意",
    "gratitude": "感谢",
    "neutral": "平静",
}
NEGATIVE_EMOTIONS = frozenset({"anger", "distrust", "anxiety", "disappointment", "sadness"})
POSITIVE_EMOTIONS = frozenset({"satisfaction", "gratitude"})
RELATIONS = (
    "requires",
    "conflicts_with",
    "bundles_with",
    "often_follows",
    "upgrade_to",
    "common_issue",
)
RELATION_LABELS = {
    "requires": "前置条件",
    "conflicts_with": "互斥",
    "bundles_with": "常搭配",
    "often_follows": "常见后续",
    "upgrade_to": "可升级为",
    "common_issue": "常见问题",
}
STAGES = ("acquisition", "growth", "maturity", "decline", "churn")
STAGE_LABELS = {
    "acquisition": "新入网",
    "growth": "成长期",
    "maturity": "成熟期",
    "decline": "衰退期",
    "churn": "离网期",
}
BRANDS = ("全球通", "神州行", "动感地带")
SCRIPT_KINDS = (
    "greeting",
    "empathy",
    "apology",
    "explanation",
    "guidance",
    "retention",
    "offer",
    "confirmation",
    "closing",
    "password_check",
    "reassurance",
    "follow_up",
)
SCRIPT_KIND_LABELS = {
    "greeting": "问候",
    "empathy": "共情",
    "apology": "致歉",
    "explanation": "解释",
    "guidance": "指引",
    "retention": "挽留",
    "offer": "推荐",
    "confirmation": "三维确认",
    "closing": "结束语",
    "password_check": "密码验证",
    "reassurance": "安抚",
    "follow_up": "跟进承诺",
}


@dataclass(frozen=True, slots=True)
class Business:
    """One product or service in the catalogue, with what customers call it."""

    code: str
    name: str
    category: str
    aliases: tuple[str, ...] = ()
    summary: str = ""


@dataclass(frozen=True, slots=True)
class QuestionType:
    """A kind of follow-up question (怎么获取, 多少钱, 多久) and the words of lines that answer it.

    A customer's latest words holding one of `asks` ask it; an explanation or guidance line
    holding one of `answers` answers it ("授权码怎么拿" → "…发送SQXZ…到10086获取授权码").
    """

    code: str
    label: str
    asks: tuple[str, ...]
    answers: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class GenericTerm:
    """Words that name a whole kind of business (宽带, 话费, 合约), not one product.

    Which business is meant depends on what the call is about: the first of `businesses`
    that the predicted reasons list, else `default` (or nothing).
    """

    words: tuple[str, ...]
    businesses: tuple[str, ...]
    default: str | None = None


@dataclass(frozen=True, slots=True)
class Relation:
    """A typed edge of the business association map (`dst` is a reason for common_issue)."""

    src: str
    dst: str
    relation: str
    note: str = ""


@dataclass(frozen=True, slots=True)
class Moment:
    """A moment of truth: inquiry, handling or complaint, and its generic cue words."""

    code: str
    label: str
    cues: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class Reason:
    """A fine-grained call reason: its cue words, businesses, the events that predict it, and
    sample utterances (how customers bring it up, in their words)."""

    code: str
    label: str
    moment: str
    cues: tuple[str, ...] = ()
    businesses: tuple[str, ...] = ()
    events: tuple[tuple[str, float], ...] = ()
    examples: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class LexiconEntry:
    """An emotion keyword: category, intensity 1–5 and whether it signals escalation or churn."""

    word: str
    category: str
    intensity: int
    escalation: bool = False
    churn: bool = False
    domain: str = "telecom"


# When a line may be offered at all, beyond its keys: a line that presumes something of the call
# waits until the call shows it. A script lists none, one or several (all must hold).
SCRIPT_CONDITIONS = {
    "repeat_contact": "客户为此事来电过",  # the profile's recent contacts, or the customer says so
    "need_open": "诉求尚未明确",  # asks what the matter is: no reason holds 40% of the need yet
    "succeeded": "操作已成功",  # reads back an operation the agent reported done
    "failed": "操作未成功",  # reads back an operation the agent reported failed
    "disputed": "客户对复述有异议",  # the customer said the read-back is wrong ("不对，我要的是…")
}
# A line that names a fact of the customer's ("刚办的流量包没生效", "孩子等着上网课") waits until
# the customer has said it: "said:没生效|没到账" holds once any of these words is in the
# customer's words of this call. Several said: conditions must all hold.
SAID = "said:"
MAX_CUES, MAX_CUE_CHARS = 20, 12


def said_cues(condition: str) -> tuple[str, ...]:
    """The words of a said: condition, as written (empty for a named condition)."""
    if not condition.startswith(SAID):
        return ()
    return tuple(w.strip() for w in condition[len(SAID) :].split("|") if w.strip())


def condition_problem(condition: str) -> str | None:
    """Why a script's condition cannot be used, or None when it can."""
    if condition in SCRIPT_CONDITIONS:
        return None
    if not condition.startswith(SAID):
        return f"unknown condition {condition!r}; use {', '.join(SCRIPT_CONDITIONS)} or said:词|词"
    cues = said_cues(condition)
    if not cues or len(cues) > MAX_CUES or any(len(w) > MAX_CUE_CHARS for w in cues):
        return (
            f"{condition!r}: said: needs 1–{MAX_CUES} words of at most {MAX_CUE_CHARS} "
            "characters, joined by |"
        )
    return None


def condition_label(condition: str) -> str:
    """What a condition waits for, in the workbench's words."""
    cues = said_cues(condition)
    return f"客户提到{'/'.join(cues)}" if cues else SCRIPT_CONDITIONS.get(condition, condition)


@dataclass(frozen=True, slots=True)
class Script:
    """A recommended line, keyed by kind and the situation it fits (`*` fits any)."""

    id: str
    kind: str
    reason: str
    emotion: str
    brand: str
    region: str
    stage: str
    text: str
    conditions: tuple[str, ...] = ()  # of SCRIPT_CONDITIONS; all must hold


@dataclass(frozen=True, slots=True)
class Article:
    """A knowledge article: the customer's question, the answer to give, the steps, the key points.

    `answer` is Markdown (key phrases in **bold** are highlighted on the page); `businesses`
    are catalogue codes, `brands`/`regions` limit where it applies (empty = everywhere), and it
    is valid from `valid_from` to `valid_to` inclusive (None = open-ended).
    """

    id: str
    title: str
    question: str
    answer: str
    steps: tuple[str, ...] = ()
    key_points: tuple[str, ...] = ()
    businesses: tuple[str, ...] = ()
    reasons: tuple[str, ...] = ()
    brands: tuple[str, ...] = ()
    regions: tuple[str, ...] = ()
    valid_from: date | None = None
    valid_to: date | None = None
    tags: tuple[str, ...] = ()

    def valid_on(self, day: date) -> bool:
        """Whether the article applies on `day`."""
        return (self.valid_from is None or self.valid_from <= day) and (
            self.valid_to is None or day <= self.valid_to
        )


@dataclass(frozen=True)
class Content:
    """Everything the live engine needs, as loaded from files or from the database."""

    businesses: tuple[Business, ...]
    relations: tuple[Relation, ...]
    moments: tuple[Moment, ...]
    reasons: tuple[Reason, ...]
    lexicon: tuple[LexiconEntry, ...]
    negations: tuple[str, ...]
    degrees: tuple[tuple[str, float], ...]
    scripts: tuple[Script, ...]
    advice: dict = field(default_factory=dict)
    operations: dict = field(default_factory=dict)
    articles: tuple[Article, ...] = ()
    generic_terms: tuple[GenericTerm, ...] = ()
    questions: tuple[QuestionType, ...] = ()
    # Words that hold an emotion word but carry no emotion (查一下套餐, 满意度, 我爸妈的).
    masks: tuple[str, ...] = ()
    # The channels customers threaten to escalate to (lexicon/escalation.yaml) and the agent's
    # phrases a quality inspector marks down (scripts/agent_phrases.yaml): whole documents.
    escalation: dict = field(default_factory=dict)
    agent_phrases: dict = field(default_factory=dict)

    def counts(self) -> dict[str, int]:
        """How many of each kind of item this content holds."""
        return {
            "businesses": len(self.businesses),
            "relations": len(self.relations),
            "reasons": len(self.reasons),
            "lexicon": len(self.lexicon),
            "scripts": len(self.scripts),
            "articles": len(self.articles),
        }
