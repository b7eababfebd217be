"""AssistSession: one call or chat, fed utterance by utterance, answering an AssistEvent for each."""

from __future__ import annotations

from collections import deque
from dataclasses import dataclass, field

from moqi.assist import confirming, script_choice
from moqi.assist.advice import pick_advice
from moqi.assist.agent_words import check_agent_line
from moqi.assist.confirm import Confirmation
from moqi.assist.emotion import ASKING, CallMood, UtteranceEmotion, escalation_risk
from moqi.assist.engine import AssistEngine, default_engine
from moqi.assist.escalation import churn_risk
from moqi.assist.events import (
    AssistEvent,
    NeedPart,
    Opening,
    businesses_part,
    emotion_part,
    script_parts,
)
from moqi.assist.need import NeedTracker
from moqi.assist.profile import CustomerProfile
from moqi.assist.scripts import REPEAT_CONTACT
from moqi.assist.speakers import SPEAKERS, canonical_speaker  # noqa: F401 - as before
from moqi.content.model import MOMENT_LABELS
from moqi.errors import Invalid
from moqi.nlp.mask import mask_pii
from moqi.nlp.normalize import normalize

MAX_CHARS = 5000
_SHORT_ANSWER = 10
# An agent reads out a line shown a moment ago: those of the last three events are compared.
_STILL_SHOWN = 3
# What a said: condition of a line looks through: a call's customer words, to a bound (a long
# chat keeps its newest ones; a fact said that long ago no longer opens a line about it).
_SAID_CHARS = 4000
# How much a negative feeling says the call is a complaint: anger and distrust say it; an
# anxious or puzzled customer ("到了那边没网怎么办，急死了") is mostly still asking.
_COMPLAINING = {
    "anger": 1.0,
    "distrust": 1.0,
    "disappointment": 0.8,
    "sadness": 0.5,
    "anxiety": 0.3,
    "confusion": 0.3,
}


@dataclass
class AssistSession:
    """Live assist for one contact. Not thread-safe: one session per call.

    >>> s = AssistSession(customer={"brand": "全球通", "events": [{"type": "overage_charge", "days_ago": 1}]})
    >>> s.feed("customer", "你们乱扣费，我要投诉！").emotion["category"]
    'anger'
    """

    # A plain mapping (a JSON header, a test's profile) is read as a profile too.
    customer: CustomerProfile = field(default_factory=CustomerProfile)
    engine: AssistEngine = field(default_factory=default_engine)
    turn: int = 0
    mood: CallMood = field(default_factory=CallMood)
    confirmations: list[Confirmation] = field(default_factory=list)
    mentioned: list[str] = field(default_factory=list)
    agent_turns: int = 0
    settled: bool = False  # whether the customer's last words close a matter (see wanted_kinds)
    number_said: str = ""  # the last four digits of the number last read out in this call
    repeat: bool = False  # the customer said they have called about this before ("第四次打电话")
    used: set[str] = field(default_factory=set)  # lines the agent has read out: not offered again
    # For each line, the agent turns it was on screen and not read out: a line the agent keeps
    # passing over gives way to others (it is not offered again until the situation asks for it more).
    passed_over: dict[str, int] = field(default_factory=dict)
    # Lines shown with another text in this call: the variants of the A/B experiments whose
    # variant arm this contact is in (script id → text); empty, the published lines.
    variants: dict[str, str] = field(default_factory=dict)
    _heard: str = ""  # the customer's latest words
    _said: str = ""  # the customer's words in this call, newest last (the last _SAID_CHARS)
    _customer_turn: int = 0  # the turn of the customer's latest utterance
    _asked_again: int = 0  # the turn the customer last asked to hear the read-back again ("没听清")
    _problems_asked: bool = (
        False  # the agent's latest words asked whether anything is wrong ("没有问题吧")
    )
    # The lines shown in the last _STILL_SHOWN events, as (id, text) pairs, newest last.
    _offered: deque[list[tuple[str, str]]] = field(
        default_factory=lambda: deque(maxlen=_STILL_SHOWN)
    )
    _last_emotion: UtteranceEmotion | None = None

    def __post_init__(self) -> None:
        if not isinstance(self.customer, CustomerProfile):
            self.customer = CustomerProfile.from_dict(self.customer)
        model = self.engine.need_model
        self.need = NeedTracker(model, model.event_prior(self.customer))

    # -- the prediction before the first word -------------------------------------------

    def predicted_need(self) -> NeedPart:
        """Moment and top-3 reasons as known now (from profile and events alone before any word)."""
        moment, p_moment, top = self.need.predict(3)
        return {
            "moment": moment,
            "moment_label": MOMENT_LABELS[moment],
            "p": round(p_moment, 3),
            "reasons": [{"code": r.code, "label": r.label, "p": round(p, 3)} for r, p in top],
            "informed": self.need.informed,
        }

    def opening(self) -> Opening:
        """What the agent sees as the contact rings: the predicted need and how to open."""
        need = self.predicted_need()
        neutral = UtteranceEmotion("neutral", "neutral", 0.0, 0.0)
        scripts = script_choice.choose(self, need, neutral, 0.0, None)
        self._offered.append([(r.id, r.text) for r in scripts])
        return {"need": need, "scripts": script_parts(scripts)}

    # -- one utterance --------------------------------------------------------------------

    def feed(self, speaker: str, text: str, ts: float | None = None) -> AssistEvent:
        """Analyse one utterance and answer what the agent should see now."""
        who = canonical_speaker(speaker)
        clean = _checked(text)
        self.turn += 1
        engine = self.engine
        every_name = engine.named_businesses(clean)
        named = engine.verified_with(clean, every_name) if who == "agent" else every_name
        tails = confirming.numbers_said(clean)
        if tails:
            self.number_said = tails[-1]
        businesses = [code for *_, code in named]
        said = {code: word for _, _, word, code in reversed(named)}

        read_out_now = script_choice.lines_read_out(self, clean) if who == "agent" else []
        if who == "agent":
            script_choice.count_passed_over(self)
        emotion = self._hear(who, clean)

        asking = who == "customer" and bool(ASKING.search(clean))
        # "对了，我这个月流量还剩多少": another matter, and no answer to a read-back (对 is not 对的).
        turning = who == "customer" and self.engine.opens_new_matter(clean)
        moments = self._observe_need(clean, who, businesses, emotion, asking, turning)
        if who == "customer":
            self._settle(clean, emotion, asking, moments)
        self._mention(businesses)
        # (every name found: the generic 密码 inside a checked 服务密码 names nothing either)
        generic = self._generic(clean, every_name)
        self._mention_generic(generic, businesses, said)
        confirmation = confirming.confirmation(
            self, clean, who, named, tails, answering=not turning, generic=generic
        )
        need = self.predicted_need()
        risk, risk_reasons = self._risk(emotion)
        churn, churn_reasons = self._churn(emotion)
        focus = {r["code"] for r in need["reasons"]}
        shown = businesses or self.mentioned[-3:]
        related = engine.map.related(shown, focus_reasons=focus)
        wrap_up = engine.wraps_up(clean)
        if who == "customer":
            self._customer_turn = self.turn
        scripts = script_choice.choose(self, need, emotion, risk, confirmation, wrap_up)
        self._offered.append([(r.id, r.text) for r in scripts])
        return AssistEvent(
            turn=self.turn,
            speaker=who,
            text=clean,
            ts=ts,
            emotion=emotion_part(
                emotion,
                emotion.keywords if who == "customer" else [],
                trend=self.mood.trend,
                risk=risk,
                risk_reasons=risk_reasons,
                channels=[
                    {"code": c, "label": engine.channels.by_code[c].label}
                    for c in self.mood.channels
                ],
                churn=churn,
                churn_reasons=churn_reasons,
                advice=pick_advice(
                    self.engine.advice,
                    emotion,
                    self.mood,
                    risk,
                    self.customer.recent_contacts,
                    self.turn,
                    first=[engine.channels.by_code[c].advice for c in emotion.channels]
                    if who == "customer"
                    else [],
                    moment=need["moment"] if need["informed"] else None,
                ),
            ),
            need=need,
            businesses=businesses_part(businesses, said, self.mentioned, related, engine.map.name),
            scripts=script_parts(scripts),
            confirmation=confirmation.shown() if confirmation else None,
            scripts_used=read_out_now,
            agent_hints=[h.as_dict() for h in check_agent_line(engine.agent_rules, clean)]
            if who == "agent"
            else [],
        )

    def listen(self, speaker: str, text: str) -> tuple[str, UtteranceEmotion]:
        """Fold one utterance into the call's mood and need, as `feed` does, without choosing
        scripts, reading confirmations or weighing risk: what batch analysis of many calls
        (moqi.mining) needs of each, at a third of the cost. Answers the normalised, masked
        text and the customer's emotion (on an agent's turn, the customer's last)."""
        who = canonical_speaker(speaker)
        clean = _checked(text)
        self.turn += 1
        engine = self.engine
        named = engine.named_businesses(clean)
        if who == "agent":
            named = engine.verified_with(clean, named)
        businesses = [code for *_, code in named]
        emotion = self._hear(who, clean)
        asking = who == "customer" and bool(ASKING.search(clean))
        turning = who == "customer" and engine.opens_new_matter(clean)
        moments = self._observe_need(clean, who, businesses, emotion, asking, turning)
        if who == "customer":
            self._settle(clean, emotion, asking, moments)
            self._customer_turn = self.turn
        self._mention(businesses)
        return clean, emotion

    # -- the steps of one utterance ---------------------------------------------------------

    def _hear(self, who: str, text: str) -> UtteranceEmotion:
        """The customer's emotion in their words, taken into the call's mood; on an agent's
        turn (counted, and whether it asks if anything is wrong), the customer's last."""
        if who == "customer":
            emotion = self.engine.read_customer(text)
            self.repeat = self.repeat or bool(REPEAT_CONTACT.search(text))
            self._heard = text
            self._said = (self._said + "\n" + text)[-_SAID_CHARS:]
            self.mood.update(emotion)
            self._last_emotion = emotion
            return emotion
        self.agent_turns += 1
        self._problems_asked = self.engine.asks_for_problems(text)
        return self._last_emotion or UtteranceEmotion("neutral", "neutral", 0.0, 0.0)

    def _settle(
        self, text: str, emotion: UtteranceEmotion, asking: bool, moments: list[str]
    ) -> None:
        """Whether the customer's words close a matter (`settled`)."""
        # A customer still asking, or asking for something to be done ("好的那帮我改吧"),
        # has not closed the matter.
        open_ = asking or "handling" in moments
        done = bool(self.confirmations) and self.confirmations[-1].status != "disputed"
        self.settled = not open_ and (
            done or emotion.category == "gratitude" or len(text) <= _SHORT_ANSWER
        )

    def _mention(self, businesses: list[str]) -> None:
        """The businesses named now become the call's latest."""
        for code in businesses:
            if code in self.mentioned:
                self.mentioned.remove(code)
            self.mentioned.append(code)

    def _mention_generic(
        self,
        generic: list[tuple[int, int, str, str]],
        businesses: list[str],
        said: dict[str, str],
    ) -> None:
        """The businesses the generic words said stand for, where no alias named them."""
        for _, _, word, code in generic:
            if code not in said:
                businesses.append(code)
                said[code] = word
                if code not in self.mentioned:
                    # The weakest evidence of what the call is about: it goes behind every
                    # business named by an alias (a confirmation names the latest of those).
                    self.mentioned.insert(0, code)

    def _risk(self, emotion: UtteranceEmotion) -> tuple[float, list[str]]:
        """The escalation risk now, and its reasons."""
        channels = self.engine.channels.by_code
        return escalation_risk(
            self.mood,
            emotion,
            repeat_contacts=self.customer.recent_contacts,
            open_complaint=self.customer.has_event("complaint_open"),
            repeat_said=self.repeat,
            channel_labels=[channels[c].label for c in self.mood.channels],
        )

    def _churn(self, emotion: UtteranceEmotion) -> tuple[float, list[str]]:
        """How likely the customer is to leave, and why."""
        return churn_risk(
            self.mood,
            emotion,
            stage=self.customer.stage,
            events={e.type for e in self.customer.events if e.days_ago <= 30},
            recent_contacts=self.customer.recent_contacts,
        )

    def _observe_need(
        self,
        text: str,
        who: str,
        businesses: list[str],
        emotion: UtteranceEmotion,
        asking: bool,
        turning: bool = False,
    ) -> list[str]:
        """Fold the utterance into the need; answers the moments its cues named."""
        if who == "agent" and not self.mood.valences:
            # Before the customer has spoken the agent is greeting ("工号3127为您服务"): a formula,
            # not evidence of what this call is about.
            return []
        reason_cues, moment_cues = [], []
        for start, end, _, values in self.engine.cue_words.longest(text):
            shared = sum(1 for kind, _ in values if kind == "r")
            for kind, target in values:
                if kind == "r":
                    reason_cues.append((target, end - start, shared))
                else:
                    moment_cues.append(target)
        issues = [i for b in businesses for i in self.engine.issues.get(b, ())]
        if turning:
            self.need.new_matter()
        negative = (
            emotion.intensity * _COMPLAINING.get(emotion.category, 0.5)
            if (who == "customer" and emotion.polarity == "negative")
            else 0.0
        )
        # What the agent says is evidence too (他在复述客户的问题), but weaker.
        self.need.observe(
            reason_cues=reason_cues,
            moment_cues=moment_cues,
            businesses=businesses,
            issues=issues,
            negative=negative,
            # The reasons' texts are what customers say; the agent explaining ("出境前开通国际漫游就
            # 可以用") is not asking for what he explains.
            likeness=self.engine.reason_texts.similarities(text) if who == "customer" else (),
            weight=1.0 if who == "customer" else 0.35,
        )
        if who == "customer" and "handling" in moment_cues and not asking:
            # "那你帮我开吧" asks for it; "融合的话我手机卡也得换成联通的吗？" still asks about it.
            self.need.requested()
        return moment_cues

    def _generic(self, text: str, named: list) -> list[tuple[int, int, str, str]]:
        """(start, end, word, business) for each generic word (宽带, 话费, 合约) said: the business of its group
        this call already named (the latest), else the one the predicted reasons point to."""
        generic = self.engine.generic_mentions(text, named)
        if not generic:
            return []
        reasons = [r.code for r, _ in self.need.predict(3)[2]]
        out = []
        for start, end, word, term in generic:
            earlier = next((c for c in reversed(self.mentioned) if c in term.businesses), None)
            code = earlier or self.engine.resolve_generic(term, reasons)
            if code:
                out.append((start, end, word, code))
        return out


def _checked(text: str) -> str:
    """The utterance as it is analysed: normalised, personal data masked (TypeError or Invalid
    where it may not be analysed)."""
    if not isinstance(text, str):
        raise TypeError("text must be a string")
    if len(text) > MAX_CHARS:
        raise Invalid(
            f"utterance of {len(text)} characters is over the {MAX_CHARS}-character limit"
        )
    return mask_pii(normalize(text))
