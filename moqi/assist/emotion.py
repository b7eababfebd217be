"""Emotion guide: keywords with negation and degree, utterance intensity, call trend and risk.

Pure functions of the matches and the call's history; no clock, no I/O.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field

from moqi.content.model import NEGATIVE_EMOTIONS, POSITIVE_EMOTIONS

# How far (in characters) a negation or degree word may stand before what it modifies:
# up to two characters before the keyword ("不太会满意"), and right next to each other when
# they chain ("不是很满意"), so "不想打了真的很失望" keeps its disappointment.
_FIRST_GAP = 2
_CHAIN_GAP = 1
BREAKS = frozenset(",.!?;:，。！？；：、\n~")
# "但是/可是/不过/然而" turn the sentence: what follows is what the speaker means, so
# feelings before the turn count for less ("东西不错，但是物流太慢了" is a complaint).
_CONTRAST = re.compile(r"但是|可是|不过|然而|(?<!不)但(?![愿凡])")
_BEFORE_CONTRAST = 0.4
_SENTENCE_ENDS = "。!?;\n"
# With no emotion keyword at all, a negation or a question particle still leans the
# utterance a little negative ("根本没人管", "有这样做生意的吗"); too little to change
# the polarity, enough to break a tie.
_LEAN = re.compile(r"[不没别吗]|无法|难道")
_LEAN_VALENCE = -0.02
# Function words that begin with a negation character but negate nothing: 不但/不仅
# (not only), 不过 (but), 无论/不管 (whatever), 别人 (others), 识别/区别, 无线, 莫名 …
# A-not-A questions (是不是, 能不能, 有没有, 满不满意) ask; they deny nothing.
_A_NOT_A = re.compile(r"(.)[不没]\1")
_NOT_NEGATION = re.compile(
    r"不但|不仅|不过|不管|不论|无论|不然|不得不|不断|不少|不久|不停|不时|不禁|不一会|"
    r"无线|无限|无疑|无数|除非|未来|没准|莫名|"
    r"别人|别的|别处|别致|[识区分告差级个性类辨鉴派判送离惜道诀]别|" + _A_NOT_A.pattern
)
# A negation (or degree word) closed by a particle is a whole answer ("没有啦，谢谢",
# "不用了谢谢"): it does not reach the feeling that follows.
_PARTICLES = frozenset("啦啊呀哈嘛呢吧了哦喔")
# A customer's confusion is mildly negative for polarity; surprise can go either way.
_VALENCE = (
    {c: -1.0 for c in NEGATIVE_EMOTIONS}
    | {c: 1.0 for c in POSITIVE_EMOTIONS}
    | {"confusion": -0.35, "surprise": 0.0}
)


@dataclass(slots=True)
class Keyword:
    """One emotion keyword as found in the utterance, after negation and degree."""

    text: str
    start: int
    end: int
    category: str
    weight: float
    negated: bool = False
    escalation: bool = False
    churn: bool = False


@dataclass(slots=True)
class UtteranceEmotion:
    """The emotion read from one utterance."""

    category: str
    polarity: str
    intensity: float
    valence: float
    keywords: list[Keyword] = field(default_factory=list)
    escalation: bool = False
    churn: bool = False
    # The escalation channels (lexicon/escalation.yaml codes) the customer threatens with here.
    channels: list[str] = field(default_factory=list)


def _flip(category: str) -> str | None:
    """What a negated keyword means: "不满意" is disappointment, "不生气" is no emotion."""
    if category in POSITIVE_EMOTIONS:
        return "disappointment"
    return None


def _modifiable(word: str) -> bool:
    """Whether negation and degree can reach a keyword: not a laugh (哈哈, 呵呵) nor an emoji or [表情]."""
    return (
        word[0] != "["
        and "\u4e00" <= word[0] <= "\u9fff"
        and not (len(word) > 1 and len(set(word)) == 1)
    )


def _rhetorical(text: str, end: int) -> bool:
    """Whether the clause after a keyword ends as a rhetorical question (…吗 / …嘛)."""
    for ch in text[end : end + 6]:
        if ch in "吗嘛":
            return True
        if ch in BREAKS:
            return False
    return False


# What makes a clause a question ("销户需要带什么材料", "那什么时候生效呢"). 几 asks only where
# it is not 好几, 十几 or 几乎: "打了好几次了" tells, it does not ask.
ASKING = re.compile(r"[?吗呢]|什么|怎么|如何|哪|多少|(?<![好十百千万\d])几(?!乎)")


def _asking(text: str, start: int, end: int) -> bool:
    """Whether the clause around a keyword asks something ("销户需要带什么材料", "怎么携号转网")."""
    begin = max(text.rfind(ch, 0, start) for ch in BREAKS - {"?"}) + 1
    stops = [i for i in (text.find(ch, end) for ch in BREAKS - {"?"}) if i >= 0]
    return bool(ASKING.search(text, begin, min(stops, default=len(text))))


def _asked(text: str, start: int, asked: list[tuple[int, int]]) -> bool:
    """Whether the clause before a keyword holds one of the A-not-A questions `asked` ("是不是很方便")."""
    begin = max(text.rfind(ch, 0, start) for ch in BREAKS) + 1
    return any(begin <= a and b <= start for a, b in asked)


def find_keywords(text: str, matches: list[tuple[int, int, str, tuple]]) -> list[Keyword]:
    """Turn automaton matches (emotion entries, negations, degrees) into scored keywords.

    Each match value is ("e", category, intensity, escalation, churn), ("n",), ("d", weight)
    or ("x",) for a mask: a word that holds an emotion word but carries none.
    """
    keywords: list[Keyword] = []
    modifiers: list[tuple[int, int, tuple]] = []
    idle = (
        [m.span() for m in _NOT_NEGATION.finditer(text)]
        if any(v[0] == "n" for _, _, _, v in matches)
        else []
    )
    asked = [m.span() for m in _A_NOT_A.finditer(text)]
    for start, end, word, value in matches:
        if value[0] == "x" or value[0] == "n" and any(a <= start < b for a, b in idle):
            continue  # a mask (满意度, 查一下) holds no feeling; an idle negation (不但) negates nothing
        if value[0] != "e":
            modifiers.append((start, end, value))
            continue
        _, category, intensity, escalation, churn = value
        weight, negated, limit, gap = intensity / 5.0, False, start, _FIRST_GAP
        for m_start, m_end, m_value in reversed(modifiers if _modifiable(word) else ()):
            if limit - m_end > gap or any(
                ch in BREAKS or ch in _PARTICLES for ch in text[m_end:limit]
            ):
                break
            gap = _CHAIN_GAP
            if m_value[0] == "n":
                negated = not negated
            else:
                weight *= m_value[1]
            limit = m_start
        modifiers.clear()
        if any(a < start < b for a, b in asked):
            # The second half of an A-not-A question (划不划算, 满不满意) asks, it does not judge.
            keywords.append(Keyword(word, start, end, category, 0.0))
            continue
        rhetorical = _rhetorical(text, end) or (bool(asked) and _asked(text, start, asked))
        if negated and rhetorical:
            # "这不是坑人吗" asserts what it seems to deny.
            negated = False
        elif rhetorical and category in POSITIVE_EMOTIONS:
            # "这个套餐划算吗" asks; "这也叫满意吗" doubts. Neither is praise.
            keywords.append(Keyword(word, start, end, category, 0.0))
            continue
        if churn and category == "disappointment" and not negated and _asking(text, start, end):
            # "携号转网需要什么条件？", "销户要带什么材料" ask the procedure: the churn is real (the
            # flag stays, for retention), the disappointment is not said.
            keywords.append(Keyword(word, start, end, category, 0.0, churn=True))
            continue
        if negated:
            flipped = _flip(category)
            if flipped is None:
                # A negated complaint word ("不生气") carries no emotion; negated threats
                # ("不会投诉") are no threat, so the escalation flag goes too.
                keywords.append(Keyword(word, start, end, category, 0.0, True))
                continue
            category, weight, escalation, churn = flipped, weight * 0.8, False, False
        keywords.append(
            Keyword(word, start, end, category, min(weight, 2.0), negated, escalation, churn)
        )
    _weigh_contrast(text, keywords)
    return keywords


def _weigh_contrast(text: str, keywords: list[Keyword]) -> None:
    """Within a sentence, scale down the feelings before 但是/可是/不过 when feelings follow it."""
    if len(keywords) < 2:
        return
    for m in _CONTRAST.finditer(text):
        if any(k.start <= m.start() < k.end for k in keywords):
            continue  # part of a keyword, as in 不过如此
        begin = max(text.rfind(ch, 0, m.start()) for ch in _SENTENCE_ENDS) + 1
        stop = min(
            (i for i in (text.find(ch, m.end()) for ch in _SENTENCE_ENDS) if i >= 0),
            default=len(text),
        )
        if any(m.end() <= k.start < stop and k.weight > 0 for k in keywords):
            for k in keywords:
                if begin <= k.start and k.end <= m.start():
                    k.weight *= _BEFORE_CONTRAST


def score_utterance(text: str, keywords: list[Keyword]) -> UtteranceEmotion:
    """Category, polarity, intensity 0–1 and valence −1…1 of one utterance."""
    by_cat: dict[str, float] = {}
    for k in keywords:
        if k.weight > 0:
            by_cat[k.category] = by_cat.get(k.category, 0.0) + k.weight
    # Exclamations and repeated question marks raise the temperature of whatever is there.
    bangs = text.count("!") + text.count("?") // 2
    boost = 1.0 + min(bangs, 4) * 0.08
    if not by_cat:
        lean = _LEAN_VALENCE if _LEAN.search(text) else 0.0
        # A churn word asked about ("携号转网要什么条件") carries no feeling but still signals churn.
        return UtteranceEmotion(
            "neutral", "neutral", 0.0, lean, keywords, churn=any(k.churn for k in keywords)
        )
    category = max(by_cat, key=by_cat.__getitem__)
    total = sum(by_cat.values()) * boost
    signed = sum(_VALENCE[c] * w for c, w in by_cat.items()) * boost
    intensity = 1.0 - math.exp(-1.3 * by_cat[category] * boost)
    # Surprise alone (居然, 竟然, 卧槽) has no sign, but what surprises people enough to say so
    # is more often unwelcome: it leans negative like no keyword at all (chosen on dev data).
    valence = math.tanh(1.2 * signed) if by_cat.keys() != {"surprise"} else _LEAN_VALENCE
    polarity = "positive" if valence > 0.05 else "negative" if valence < -0.05 else "neutral"
    if polarity == "neutral" and total > 0 and category not in ("confusion", "surprise"):
        polarity = "negative" if category in NEGATIVE_EMOTIONS else "positive"
    return UtteranceEmotion(
        category,
        polarity,
        round(intensity, 3),
        round(valence, 3),
        keywords,
        any(k.escalation for k in keywords),
        any(k.churn for k in keywords),
    )


HEAT_KEPT = 0.6
HEAT_KEPT_PLEASED = 0.3


@dataclass
class CallMood:
    """The emotion over the call so far: a smoothed valence, its trend and the escalation risk."""

    valences: list[float] = field(default_factory=list)
    smoothed: list[float] = field(default_factory=list)
    escalation_turns: int = 0
    churn_turns: int = 0
    channels: list[str] = field(default_factory=list)  # every channel threatened, in order
    negative_streak: int = 0
    peak_negative: float = 0.0
    # How hot the customer still is: the latest negative intensity, or what is left of an
    # earlier one. "嗯那你说怎么处理" after "我要投诉到工信部" has not calmed the customer down;
    # a calm turn lets it cool by HEAT_KEPT, a pleased one by HEAT_KEPT_PLEASED.
    heat: float = 0.0

    def update(self, e: UtteranceEmotion) -> None:
        """Fold one customer utterance into the call's mood."""
        self.valences.append(e.valence)
        previous = self.smoothed[-1] if self.smoothed else 0.0
        self.smoothed.append(round(0.5 * previous + 0.5 * e.valence, 3))
        self.escalation_turns += e.escalation
        self.churn_turns += e.churn
        self.channels += [c for c in e.channels if c not in self.channels]
        self.negative_streak = self.negative_streak + 1 if e.polarity == "negative" else 0
        if e.polarity == "negative":
            self.peak_negative = max(self.peak_negative, e.intensity)
        kept = self.heat * (HEAT_KEPT_PLEASED if e.polarity == "positive" else HEAT_KEPT)
        self.heat = max(e.intensity if e.polarity == "negative" else 0.0, kept)

    @property
    def trend(self) -> str:
        """worsening, improving or stable, comparing the smoothed valence with two turns ago."""
        if len(self.smoothed) < 2:
            return "stable"
        delta = self.smoothed[-1] - self.smoothed[max(0, len(self.smoothed) - 3)]
        return "worsening" if delta < -0.15 else "improving" if delta > 0.15 else "stable"


def escalation_risk(
    mood: CallMood,
    current: UtteranceEmotion,
    *,
    repeat_contacts: int,
    open_complaint: bool,
    repeat_said: bool = False,
    channel_labels: list[str] | None = None,
) -> tuple[float, list[str]]:
    """Risk 0–1 that this caller escalates the complaint (above the hotline or outside it),
    with the reasons. Leaving is another risk (escalation.churn_risk).

    `repeat_contacts` are the profile's recent contacts; `repeat_said`, whether the customer
    said they have called about this before ("我这已经是第四次打电话了"); `channel_labels`,
    the channels the customer threatened with so far (工信部申诉（12300）…)."""
    reasons: list[str] = []
    negative_now = current.intensity if current.polarity == "negative" else 0.0
    heat = max(negative_now, mood.heat)
    logit = -3.2 + 2.6 * heat
    if negative_now >= 0.5:
        reasons.append(f"当前负面情绪强度 {negative_now:.2f}")
    elif heat >= 0.5:
        reasons.append(f"前几句的负面情绪尚未平复（{heat:.2f}）")
    if mood.escalation_turns:
        logit += 2.4 + 0.4 * min(mood.escalation_turns - 1, 2)
        # One reason per channel named, so a new threat is a new reason the wall alerts on.
        reasons += [f"扬言升级：{label}" for label in channel_labels or ()] or ["出现升级投诉信号"]
    if mood.trend == "worsening":
        logit += 0.9
        reasons.append("情绪在本次通话中持续恶化")
    if mood.negative_streak >= 2:
        logit += 0.35 * min(mood.negative_streak, 4)
        reasons.append(f"连续 {mood.negative_streak} 句负面表达")
    if repeat_contacts >= 2:
        logit += 0.7
        reasons.append(f"近期已来电 {repeat_contacts} 次")
    elif repeat_said:
        logit += 0.7
        reasons.append("客户说为此事已多次来电")
    if open_complaint:
        logit += 0.7
        reasons.append("有未结投诉单")
    if current.polarity == "positive" and mood.trend == "improving":
        logit -= 1.0
    return round(1.0 / (1.0 + math.exp(-logit)), 3), reasons
