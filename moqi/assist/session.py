"""AssistSession: one call or chat, fed utterance by utterance, answering an AssistEvent for each."""

from __future__ import annotations

import re
from collections import deque
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import lru_cache

from moqi.assist import report
from moqi.assist.advice import pick_advice
from moqi.assist.confirm import Confirmation
from moqi.assist.emotion import ASKING, CallMood, UtteranceEmotion, escalation_risk
from moqi.assist.engine import AssistEngine, default_engine
from moqi.assist.events import AssistEvent, NeedPart, Opening
from moqi.assist.need import NeedTracker
from moqi.assist.profile import CustomerProfile
from moqi.assist.scripts import REPEAT_CONTACT, Recommendation, Situation, read_out, spoken_pairs
from moqi.assist.situation import wanted_kinds
from moqi.content.model import EMOTION_LABELS, MOMENT_LABELS
from moqi.errors import Invalid
from moqi.nlp.mask import mask_pii, phone_tail
from moqi.nlp.normalize import normalize

MAX_CHARS = 5000
# A number read out in the call: "尾号1007", "尾号是1007", or a phone number as masked (138****1007);
# not one said to be another number ("交到了尾号8823的另一个号码上"), nor a ticket's or a card's
# ("工单号尾号5521", "银行卡尾号6789").
_ANOTHER = r"(?!的?(?:另一个|另外一个|另外的|别的|其他的?)号)"
_NOT_A_PHONE = r"(?<!单号)(?<!工单)(?<!订单)(?<!卡号)(?<!行卡)"
_TAIL_SAID = re.compile(
    rf"{_NOT_A_PHONE}尾号(?:是|为)?(\d{{4}})(?!\d){_ANOTHER}|(?<!\d)1\d{{2}}\*{{4}}(\d{{4}})(?!\d){_ANOTHER}"
)
_SHORT_ANSWER = 10
# Where the first clause of a customer's reply ends: a yes or no to a read-back comes before.
_CLAUSE_END = re.compile(r"[,.!?;:，。！？；：]")
# An agent reads out a line shown a moment ago: those of the last three events are compared.
_STILL_SHOWN = 3
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
# What the agent fills in by hand when the call has not told the number.
NUMBER_SLOT = "〔后四位〕"
SPEAKERS = {
    "customer": "customer",
    "客户": "customer",
    "用户": "customer",
    "顾客": "customer",
    "user": "customer",
    "client": "customer",
    "caller": "customer",
    "agent": "agent",
    "坐席": "agent",
    "客服": "agent",
    "helpdesk": "agent",
    "staff": "agent",
    "operator": "agent",
    "话务员": "agent",
}


@lru_cache(maxsize=256)
def _speaker_form(key: str) -> str | None:
    """The speaker a label in another written form stands for (remembered: labels are few)."""
    return SPEAKERS.get(normalize(key).lower())


def canonical_speaker(speaker: str) -> str:
    """customer or agent for any accepted synonym, in traditional or full-width characters too
    (客戶, 顧客, ＡＧＥＮＴ); Invalid otherwise."""
    key = str(speaker).strip()
    found = SPEAKERS.get(key) or _speaker_form(key)
    if found is None:
        raise Invalid(
            f"unknown speaker {speaker!r} (expected customer/客户 or agent/坐席/helpdesk)"
        )
    return found


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
    _heard: str = ""  # the customer's latest words
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
        scripts = self._scripts(need, neutral, 0.0, None)
        self._offered.append([(r.id, r.text) for r in scripts])
        return {
            "need": need,
            "scripts": [
                {"id": r.id, "kind": r.kind, "text": r.text, "why": r.why} for r in scripts
            ],
        }

    # -- one utterance --------------------------------------------------------------------

    def feed(self, speaker: str, text: str, ts: float | None = None) -> AssistEvent:
        """Analyse one utterance and answer what the agent should see now."""
        who = canonical_speaker(speaker)
        if not isinstance(text, str):
            raise TypeError("text must be a string")
        if len(text) > MAX_CHARS:
            raise Invalid(
                f"utterance of {len(text)} characters is over the {MAX_CHARS}-character limit"
            )
        clean = mask_pii(normalize(text))
        self.turn += 1
        engine = self.engine
        named = engine.named_businesses(clean)
        # (Every number _TAIL_SAID reads holds one of these; most utterances have neither.)
        tails = (
            [a or b for a, b in _TAIL_SAID.findall(clean)]
            if "尾号" in clean or "****" in clean
            else []
        )
        if tails:
            self.number_said = tails[-1]
        businesses = [code for *_, code in named]
        said = {code: word for _, _, word, code in reversed(named)}

        read_out_now = self._read_out(clean) if who == "agent" else []
        if who == "agent" and self._offered:
            for sid, _ in self._offered[-1]:
                if sid not in self.used:
                    self.passed_over[sid] = self.passed_over.get(sid, 0) + 1
        if who == "customer":
            emotion = engine.read_customer(clean)
            self.repeat = self.repeat or bool(REPEAT_CONTACT.search(clean))
            self._heard = clean
            self.mood.update(emotion)
            self._last_emotion = emotion
        else:
            self.agent_turns += 1
            self._problems_asked = engine.asks_for_problems(clean)
            emotion = self._last_emotion or UtteranceEmotion("neutral", "neutral", 0.0, 0.0)

        asking = who == "customer" and bool(ASKING.search(clean))
        # "对了，我这个月流量还剩多少": another matter, and no answer to a read-back (对 is not 对的).
        turning = who == "customer" and self.engine.opens_new_matter(clean)
        moments = self._observe_need(clean, who, businesses, emotion, asking, turning)
        if who == "customer":
            # A customer still asking, or asking for something to be done ("好的那帮我改吧"),
            # has not closed the matter.
            open_ = asking or "handling" in moments
            done = bool(self.confirmations) and self.confirmations[-1].status != "disputed"
            self.settled = not open_ and (
                done or emotion.category == "gratitude" or len(clean) <= _SHORT_ANSWER
            )
        for code in businesses:
            if code in self.mentioned:
                self.mentioned.remove(code)
            self.mentioned.append(code)
        generic = self._generic(clean, named)
        for _, _, word, code in generic:
            if code not in said:
                businesses.append(code)
                said[code] = word
                if code not in self.mentioned:
                    # The weakest evidence of what the call is about: it goes behind every
                    # business named by an alias (a confirmation names the latest of those).
                    self.mentioned.insert(0, code)
        confirmation = self._confirmation(
            clean, who, named, tails, answering=not turning, generic=generic
        )
        need = self.predicted_need()
        risk, risk_reasons = escalation_risk(
            self.mood,
            emotion,
            repeat_contacts=self.customer.recent_contacts,
            open_complaint=self.customer.has_event("complaint_open"),
            stage=self.customer.stage,
            repeat_said=self.repeat,
        )
        focus = {r["code"] for r in need["reasons"]}
        shown = businesses or self.mentioned[-3:]
        related = engine.map.related(shown, focus_reasons=focus)
        wrap_up = engine.wraps_up(clean)
        if who == "customer":
            self._customer_turn = self.turn
        scripts = self._scripts(need, emotion, risk, confirmation, wrap_up)
        self._offered.append([(r.id, r.text) for r in scripts])
        keywords = emotion.keywords if who == "customer" else []
        return AssistEvent(
            turn=self.turn,
            speaker=who,
            text=clean,
            ts=ts,
            emotion={
                "category": emotion.category,
                "label": EMOTION_LABELS.get(emotion.category, emotion.category),
                "polarity": emotion.polarity,
                "intensity": emotion.intensity,
                "valence": emotion.valence,
                "keywords": [
                    {
                        "text": k.text,
                        "start": k.start,
                        "end": k.end,
                        "category": k.category,
                        "weight": round(k.weight, 3),
                        "negated": k.negated,
                        "escalation": k.escalation,
                        "churn": k.churn,
                    }
                    for k in keywords
                ],
                "trend": self.mood.trend,
                "risk": risk,
                "risk_reasons": risk_reasons,
                "advice": pick_advice(
                    self.engine.advice,
                    emotion,
                    self.mood,
                    risk,
                    self.customer.recent_contacts,
                    self.turn,
                ),
            },
            need=need,
            businesses={
                "mentioned": [
                    {"code": c, "name": engine.map.name(c), "said": said[c]}
                    for c in dict.fromkeys(businesses)
                ],
                "in_call": [{"code": c, "name": engine.map.name(c)} for c in self.mentioned],
                "related": [
                    {
                        "from": link.src,
                        "to": link.dst,
                        "to_name": link.dst_name,
                        "relation": link.relation,
                        "note": link.note,
                    }
                    for link in related
                ],
            },
            scripts=[{"id": r.id, "kind": r.kind, "text": r.text, "why": r.why} for r in scripts],
            confirmation=confirmation.shown() if confirmation else None,
            scripts_used=read_out_now,
        )

    # -- the parts --------------------------------------------------------------------------

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

    def _operated(
        self, text: str, named: list[tuple[int, int, str, str]]
    ) -> tuple[str | None, str]:
        """(code, name) of what an operation was done on: the first business named in the agent's
        report that is something a customer has done (开通/办理/变更); else what the report says
        was done in its own words ("已经为您办理了停机", code None); else the top reason's business
        its verb names; else the latest business of the call; else the top reason.

        "已经为您办理成功……业务是30元20GB流量月包……超出的流量按套外计费" is about the data pack,
        not the overage billing it explains; "已经为您办理了停机" in a call about closing an account
        is the suspension, not the closure."""
        handled = self.engine.need_model.handled
        code = next((code for *_, code in named if code in handled), None)
        if code is None:
            said = self.engine.operation_object(text)
            if said:
                return None, said
            code = self._named_by_verb(text) or (self.mentioned[-1] if self.mentioned else None)
        return code, self.engine.map.name(code) if code else self.predicted_need()["reasons"][0][
            "label"
        ]

    def _named_by_verb(self, text: str) -> str | None:
        """The business of the top reason whose name holds the report's verb: "已经为您兑换成功"
        in a points call is 积分兑换, not the 视频会员权益 mentioned on the way. One-character
        verbs (开, 办, 加) are in too many names to tell."""
        verb = self.engine.operation_verb(text)
        if not verb or len(verb) < 2:
            return None
        top = self.need.predict(1)[2][0][0]
        return next((b for b in top.businesses if verb in self.engine.map.name(b)), None)

    def _confirmation(
        self,
        text: str,
        who: str,
        named: list,
        tails: list[str],
        answering: bool = True,
        generic: Sequence[tuple[int, int, str, str]] = (),
    ) -> Confirmation | None:
        pending = (
            self.confirmations[-1]
            if self.confirmations and self.confirmations[-1].status == "pending"
            else None
        )
        if who == "agent":
            outcome = self.engine.operation_outcome(text)
            if outcome is None:
                return pending
            # A report's parts may name what the call already made of a generic word ("日包也开好了").
            said = sorted([*named, *generic])
            parts = report.parts(self.engine, text, said)
            operations = report.operations(self.engine, text, said, parts)
            if len(operations) < 2:
                # One operation: the business named in the clause that says the outcome ("语音包和流量包
                # 只能二选一，已经为您办理了语音包" is the voice pack), else as `_operated` reads the report.
                code = report.named_with_outcome(self.engine, parts, named)
                code, name = (
                    (code, self.engine.map.name(code)) if code else self._operated(text, named)
                )
                operations = [{"code": code, "name": name, "success": outcome == "done"}]
            first = operations[0]
            # The number read back in this very utterance is the one operated on; else the caller's.
            tail = (
                (tails[-1] if tails else "")
                or phone_tail(self.customer.phone_masked)
                or self.number_said
            )
            number = f"尾号{tail}" if tail else "客户来电号码"
            confirmation = Confirmation(
                first["code"],
                first["name"],
                number,
                all(op["success"] for op in operations),
                self.turn,
                "",
                operations=operations,
            )
            prompt = self.engine.confirm_prompts[
                len(self.confirmations) % len(self.engine.confirm_prompts)
            ]
            confirmation.prompt = prompt.format_map(
                _Fill(
                    business=confirmation.businesses,
                    number=tail or NUMBER_SLOT,
                    result=confirmation.result,
                )
            )
            self.confirmations.append(confirmation)
            self.need.operation_done([op["code"] for op in operations])
            return confirmation
        if pending and answering:
            # A yes or no comes first: "对，就是这个" or, longer, "听清楚了，退订了，关了，钱会退回来是不是".
            # In a longer reply only a first clause that opens with the answer counts ("信号已好，
            # 但是乱扣流量的问题尚未解决" says nothing of the read-back).
            short = len(text) <= 20
            found = self.engine.answer_words.longest(
                text if short else _CLAUSE_END.split(text, maxsplit=1)[0]
            )
            answers = (
                [value for _, _, _, value in found] if short or (found and found[0][0] == 0) else []
            )
            if not answers and self._problems_asked and self.engine.says_no_problem(text):
                answers = [True]  # "请问没有问题吧？" "没有啦": nothing is wrong
            if None in answers:
                self._asked_again = self.turn  # "没听清，你再说一遍": the read-back is due again
            elif answers:
                pending.answer(all(answers))
                return pending
        return pending

    def _read_out(self, said: str) -> list[str]:
        """The lines shown in the last few turns that the agent's words read out (now used)."""
        shown = {
            sid: line for lines in self._offered for sid, line in lines if sid not in self.used
        }
        if not shown:
            return []
        heard = spoken_pairs(said)
        out = [sid for sid, line in shown.items() if read_out(line, heard)]
        self.used.update(out)
        return out

    def _scripts(
        self,
        need: NeedPart,
        emotion: UtteranceEmotion,
        risk: float,
        confirmation: Confirmation | None,
        wrap_up: bool = False,
    ) -> list[Recommendation]:
        c = self.customer
        last = self.confirmations[-1] if self.confirmations else None
        disputed = last is not None and last.status == "disputed"
        kinds = wanted_kinds(
            agent_turns=self.agent_turns,
            emotion=emotion,
            risk=risk,
            churn=self.mood.churn_turns > 0,
            reasons=[r["code"] for r in need["reasons"]],
            stage=c.stage,
            confirmation=confirmation,
            wrap_up=wrap_up,
            settled=self.settled,
            read_back_due=confirmation is None
            or self._customer_turn <= confirmation.turn
            or self._asked_again == self._customer_turn,
            complaint=need["moment"] == "complaint",
            disputed=disputed,
        )
        situation = Situation(
            kinds=kinds,
            # Knowing nothing yet (no event, no word), every reason is as likely as the next:
            # no reason's own lines are offered.
            reasons=tuple((r["code"], r["label"], r["p"]) for r in need["reasons"])
            if need["informed"]
            else (),
            emotion=emotion.category,
            brand=c.brand,
            region=c.region,
            stage=c.stage,
            # The latest operation of the call decides which reason's read-back and closing lines fit.
            # An operation with no business of the catalogue (known by the agent's words, or by the
            # top reason alone) fits no reason's own read-back or closing.
            operated=frozenset().union(*map(self.engine.need_model.reasons_of, last.codes))
            if last
            else None,
            succeeded=last.success if last else None,
            disputed=disputed,
            repeat=self.repeat or c.recent_contacts >= 2,
            used=frozenset(self.used),
            passed_over=self.passed_over,
            heard=self._heard,
        )
        fill = {
            "customer": c.title or "",
            "number": phone_tail(c.phone_masked) or self.number_said or NUMBER_SLOT,
            "days": "〔N〕",  # a fact only the agent knows; left as a slot to fill
        }
        return self.engine.ranker.rank(situation, fill, self._businesses_for(need, confirmation))

    def _businesses_for(
        self, need: NeedPart, confirmation: Confirmation | None = None
    ) -> dict[str, str]:
        """The business of this call each candidate reason's scripts may name (newest first);
        while an operation is being confirmed, the general lines name the business operated on."""
        if confirmation is not None and confirmation.business_code is None:
            return {"*": confirmation.businesses}  # as the read-back prompt names it
        if not self.mentioned:
            return {}
        names = self.engine.map.name
        operated = confirmation.business_code if confirmation is not None else None
        out = {
            "*": confirmation.businesses if confirmation and operated else names(self.mentioned[-1])
        }
        for r in need["reasons"]:
            fitting = self.engine.need_model.reasons[
                self.engine.need_model.index[r["code"]]
            ].businesses
            for code in (operated, *reversed(self.mentioned)):
                if code is not None and code in fitting:
                    out[r["code"]] = names(code)
                    break
        return out


class _Fill(dict):
    """str.format_map that leaves unknown placeholders as they are."""

    def __missing__(self, key: str) -> str:
        return "{" + key + "}"
