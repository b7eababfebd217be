"""The compiled assist engine: content turned into automata, indexes and the map, once per content version."""

from __future__ import annotations

import re
from collections.abc import Mapping
from functools import cached_property, lru_cache

from moqi.assist.bizmap import BusinessMap
from moqi.assist.emotion import ASKING, UtteranceEmotion, find_keywords, score_utterance
from moqi.assist.escalation import Channels, channels_of, inside_number
from moqi.assist.model import readings
from moqi.assist.need import NeedModel
from moqi.assist.reason_text import ReasonTexts
from moqi.assist.scripts import ScriptRanker
from moqi.assist.wording import found_in, numeral, own_clause, polite
from moqi.content import Content, GenericTerm, load_files
from moqi.content.scripts import compile_rules
from moqi.nlp.automaton import KeywordAutomaton
from moqi.nlp.tokenize import Tokenizer

# "没有了" alone closes a call; "我的流量怎么没有了" does not. Nor does it inside a longer
# utterance, unless it stands as a clause of its own or is said twice and nothing is asked
# ("没了没了你这么一说我就明白了", "没有了，谢谢你啊"): "就这样把我的钱扣了" goes on.
_SHORT = 10
_CONFIDENT = 0.5  # a trained model decides the polarity alone only when this sure (|valence|)
_READ_WHOLE = 0.6  # the intensity, at full confidence, of a feeling said without feeling words
_UNDECIDED = ("neutral", "confusion", "surprise")  # lexicon readings a model may decide
_READ_WHOLE_MIN = 6  # shorter replies ("嗯输好了", "好的") acknowledge; they are not a feeling
# Words of an outcome, not of what was done ("已经为您开通成功了").
_OUTCOME_WORDS = ("成功", "好了", "生效", "完成", "失败", "正常")


class AssistEngine:
    """Everything on the live path that does not change during a call, kept in memory.

    Build one per content version and share it between sessions; it is read-only.
    """

    def __init__(
        self,
        content: Content,
        version: str = "files",
        polarity_model=None,
        promises: Mapping[str, str] | None = None,
    ):
        self.content = content
        self.version = version
        # The service desk's time limits a line may promise ({sla_workdays:complaint.resolution});
        # without them (an engine built from files alone) such a line shows 〔N〕 to fill.
        self.promises = dict(promises or {})
        # A model the operator trained (`moqi train polarity`); None means lexicon only.
        self.polarity_model = polarity_model
        emotion: dict[str, tuple] = {w: ("n",) for w in content.negations}
        emotion.update({w: ("d", weight) for w, weight in content.degrees})
        self.negations = frozenset(content.negations)
        self.modifiers = dict(emotion)  # negation and degree words: what a word's head may be
        emotion.update(
            {e.word: ("e", e.category, e.intensity, e.escalation, e.churn) for e in content.lexicon}
        )
        # The escalation channels' words escalate whatever the lexicon says of them.
        self.channels = Channels(channels_of(content.escalation))
        for word, value in self.channels.lexicon_entries().items():
            known = emotion.get(word)
            emotion[word] = (*known[:3], True, known[4]) if known and known[0] == "e" else value
        self.agent_rules = compile_rules(content.agent_phrases) if content.agent_phrases else ()
        # Masks go under everything else: a lexicon entry, negation or degree word of the same
        # spelling wins.
        masks = dict.fromkeys(
            (*content.masks, *_praising_names(content, KeywordAutomaton(emotion))), ("x",)
        )
        self.emotion_words = KeywordAutomaton(masks | emotion)

        aliases: dict[str, str] = {}
        for b in content.businesses:
            for word in (b.name, *b.aliases):
                aliases.setdefault(word, b.code)
        self.business_words = KeywordAutomaton(aliases)
        self.generic_words = KeywordAutomaton(
            {w: g for g in content.generic_terms for w in g.words}
        )

        cues: dict[str, list[tuple[str, object]]] = {}
        self.need_model = NeedModel(content.reasons)
        for i, r in enumerate(content.reasons):
            for cue in r.cues:
                cues.setdefault(cue, []).append(("r", i))
        for m in content.moments:
            for cue in m.cues:
                cues.setdefault(cue, []).append(("m", m.code))
        self.cue_words = KeywordAutomaton(cues)

        ops = content.operations
        phrases = {p: "done" for p in ops.get("done", ())}
        phrases.update({p: "failed" for p in ops.get("failed", ())})
        self.operation_words = KeywordAutomaton(phrases)
        answers = {p: True for p in ops.get("customer_ack", ())}
        answers.update({p: False for p in ops.get("customer_reject", ())})
        answers.update({p: None for p in ops.get("customer_unsure", ())})
        self.answer_words = KeywordAutomaton(answers)
        asks = "|".join(
            sorted(map(re.escape, ops.get("asks_for_problems", ())), key=len, reverse=True)
        )
        self.problems_asked = re.compile(rf"(?<!还)(?:{asks})") if asks else None
        no = "|".join(
            sorted(map(re.escape, ops.get("customer_no_problem", ())), key=len, reverse=True)
        )
        # The whole reply is the no, with particles and thanks at most ("没有啦", "没有没有", "没有，谢谢你").
        self.no_problem = (
            re.compile(
                rf"^[嗯哦噢啊呃,.!?，。！？~ ]*(?:{no})(?:[,，、 ]*(?:{no}))*[啦了啊呀的哈嘞咯哦喔,.!?，。！？~ ]*(?:谢谢[^,.!?;，。！？；]{{0,3}}[啦了啊呀哈,.!?，。！？~ ]*)?$"
            )
            if no
            else None
        )
        ends = {p: True for p in ops.get("wrap_up_short", ())}
        ends.update({p: False for p in ops.get("wrap_up", ())})
        self.wrap_up_words = KeywordAutomaton(ends)
        self.identity_words = KeywordAutomaton({p: True for p in ops.get("identity_check", ())})
        verbs = "|".join(sorted(map(re.escape, ops.get("done_verbs", ())), key=len, reverse=True))
        self.done_pattern = (
            re.compile(
                rf"(?:已经|已)(?:(?:为|帮|给)您(?:把[^,.!?;，。！？；]{{1,10}}?)?)?(?:{verbs})[^,.!?;，。！？；]{{0,6}}?(?:成功|好了|生效|了)"
            )
            if verbs
            else None
        )
        # The verb of what the agent says was done for the customer ("已经为您兑换成功" → 兑换) …
        verb = rf"(?:把[^,.!?;，。！？；]{{1,10}}?)?({verbs})"
        self.done_verb = re.compile(rf"(?:已经|已)(?:为|帮|给)您{verb}") if verbs else None
        # … and its object, right after the verb ("已经为您办理了停机" → 停机).
        self.done_object = (
            re.compile(
                rf"(?:已经|已)(?:为|帮|给)您(?:{verbs})了?([^,.!?;:，。！？；：、\d]{{2,8}}?)(?=[,.!?;:，。！？；：、]|$)"
            )
            if verbs
            else None
        )
        # … and, in one clause of a report of several, the verb whether or not 为您 comes first
        # ("代收费功能已经关闭了" → 关闭).
        self.clause_verb = (
            re.compile(rf"(?:(?:已经|已)(?:(?:为|帮|给)您)?|也(?:为|帮|给)您){verb}")
            if verbs
            else None
        )
        # A later clause of a report that leaves out 已经 ("流量包也帮您退订了", "日包也开好了").
        self.also_done = (
            re.compile(
                rf"也(?:(?:为|帮|给)您)?(?:{verbs})[^,.!?;，。！？；]{{0,6}}?(?:成功|好了|生效|了)"
            )
            if verbs
            else None
        )
        # A customer turning to another matter ("对了，我这个月流量还剩多少"): the phrase opens the
        # utterance (after fillers) and something follows it ("对了对了" alone is agreement).
        opens = "|".join(sorted(map(re.escape, ops.get("new_matter", ())), key=len, reverse=True))
        self.new_matter = (
            re.compile(
                rf"^[嗯哦噢啊呃哎诶喂那,.!?，。！？ ]*(?:{opens})[,.!?，。！？ ]*(?![对對]|就是|是的|没错|是这)[^,.!?，。！？ ]{{4}}"
            )
            if opens
            else None
        )
        self.confirm_prompts = tuple(ops.get("confirm_prompts", ())) or (
            "跟您确认一下：为尾号{number}的号码办理{business}，结果：{result}。",
        )

        self.map = BusinessMap(content.businesses, content.relations, content.reasons)
        self.reason_texts = ReasonTexts.from_content(content)
        self.issues: dict[str, list[str]] = {}
        for rel in content.relations:
            if rel.relation == "common_issue":
                self.issues.setdefault(rel.src, []).append(rel.dst)
        self.ranker = ScriptRanker(content.scripts, content.questions)
        self.advice = content.advice or {}

    @cached_property
    def tokenizer(self) -> Tokenizer:
        """jieba with our words; built on first need (it takes about a second)."""
        words = [e.word for e in self.content.lexicon]
        words += [a for b in self.content.businesses for a in (b.name, *b.aliases)]
        words += [c for r in self.content.reasons for c in r.cues]
        return Tokenizer(words)

    def named_businesses(self, text: str) -> list[tuple[int, int, str, str]]:
        """(start, end, alias, code) of each business named by an alias; a number does not run
        on across an alias's edge ("25G流量" names no 5G, "98元套餐" no 8元套餐)."""
        return [
            m
            for m in self.business_words.longest(text)
            if not (m[2][0].isdigit() and m[0] and numeral(text[m[0] - 1]))
            and not (m[2][-1].isdigit() and m[1] < len(text) and numeral(text[m[1]]))
        ]

    def verified_with(self, text: str, named: list[tuple[int, int, str, str]]) -> list:
        """`named` without the businesses an agent names to check the caller's identity
        ("请您在电话按键上输入服务密码"): there 服务密码 is the means, not the matter."""
        checks = [(a, b) for a, b, _, _ in self.identity_words.longest(text)]
        return [m for m in named if not any(a <= m[0] and m[1] <= b for a, b in checks)]

    def generic_mentions(
        self, text: str, named: list[tuple[int, int, str, str]]
    ) -> list[tuple[int, int, str, GenericTerm]]:
        """(start, end, word, term) of each generic word (宽带, 话费) in `text` that the business
        aliases found there (`named`, as `named_businesses` gives them) do not already cover:
        none inside an alias, none whose group a named business belongs to."""
        codes = {code for *_, code in named}
        return [
            (start, end, word, term)
            for start, end, word, term in self.generic_words.longest(text)
            if codes.isdisjoint(term.businesses)
            and not any(start < e and s < end for s, e, *_ in named)
        ]

    def resolve_generic(self, term: GenericTerm, reasons: list[str]) -> str | None:
        """The business a generic word means in a call about `reasons` (most likely first)."""
        for code in reasons:
            at = self.need_model.index.get(code)
            for business in self.need_model.reasons[at].businesses if at is not None else ():
                if business in term.businesses:
                    return business
        return term.default if term.default in self.map.businesses else None

    def opens_new_matter(self, text: str) -> bool:
        """Whether a customer's utterance turns to another matter ("对了，还有个事想问一下")."""
        return self.new_matter is not None and self.new_matter.match(text) is not None

    def wraps_up(self, text: str) -> bool:
        """Whether an utterance closes the call ("还有其他可以帮您的吗", "没有了，再见")."""
        found = self.wrap_up_words.longest(text)
        if any(not short for *_, short in found) or (found and len(text) <= _SHORT):
            return True
        # In a longer utterance it closes nothing while the customer still asks ("没了，那话费呢？").
        return any(own_clause(text, found, i) for i in range(len(found))) and not ASKING.search(
            text
        )

    def operation_outcome(self, text: str) -> str | None:
        """ "done", "failed" or None for an agent utterance (failure wins when both are said)."""
        text = polite(text)
        found = {value for _, _, _, value in self.operation_words.longest(text)}
        if "failed" in found:
            return "failed"
        if found or (self.done_pattern is not None and self.done_pattern.search(text)):
            return "done"
        return None

    def asks_for_problems(self, text: str) -> bool:
        """Whether an agent's read-back asks if anything is wrong ("请问没有问题吧"), so that a plain
        "没有" answers it with a yes."""
        return self.problems_asked is not None and self.problems_asked.search(text) is not None

    def says_no_problem(self, text: str) -> bool:
        """Whether a customer's reply is a bare "没有" ("没有啦", "没有，谢谢你")."""
        return self.no_problem is not None and self.no_problem.match(text) is not None

    def continued_outcome(self, clause: str) -> str | None:
        """ "done" for a later clause of a report that leaves out 已经 ("流量包也帮您退订了"), else None."""
        return (
            "done" if self.also_done is not None and self.also_done.search(polite(clause)) else None
        )

    def operation_object(self, text: str) -> str | None:
        """What an agent's report says was done, in its own words ("已经为您办理了停机" → 停机), or None."""
        said = found_in(self.done_object, text)
        return None if said is None or any(w in said for w in _OUTCOME_WORDS) else said

    def operation_verb(self, text: str) -> str | None:
        """The verb of what an agent's report says was done ("已经为您兑换成功" → 兑换), or None."""
        return found_in(self.done_verb, text)

    def clause_action(self, clause: str) -> str | None:
        """The verb of the operation one clause of a report says was done (关闭, 退订), or None."""
        return found_in(self.clause_verb, clause)

    def read_emotion(self, text: str) -> UtteranceEmotion:
        """The emotion of one normalised utterance.

        A one-character keyword counts only where jieba sees it as a word of its own
        (坑 yes, 坑洼 no); jieba runs only for utterances that have one.
        """
        matches = self.emotion_words.longest(text)
        if any(
            len(value) <= 2 and value[0] in "nd" and end - start > 1
            for start, end, _, value in matches
        ):
            matches = self._phrases_first(text, matches)
        single = {
            (start, end) for start, end, _, value in matches if end - start == 1 and value[0] == "e"
        }
        if single:
            # Matches never overlap, so a span names one match: drop those jieba does not see as words.
            dropped = single - self.tokenizer.words_among(text, single)
            matches = [m for m in matches if (m[0], m[1]) not in dropped]
        keywords = [k for k in find_keywords(text, matches) if not inside_number(text, k)]
        return score_utterance(text, keywords)

    def _phrases_first(self, text: str, matches: list) -> list:
        """A compound negation or degree word that runs into an emotion phrase beginning with its
        own last negation (根本没 + 没人管) gives the negation to the phrase and keeps its head
        if that is a modifier itself: "根本没人管" is 根本 (degree) + 没人管, not 根本没 + 人管."""
        phrases: dict[int, tuple] = {}  # the longest emotion entry starting at each place
        for m in self.emotion_words.all(text):
            if m[3][0] == "e" and (m[0] not in phrases or m[1] > phrases[m[0]][1]):
                phrases[m[0]] = m
        out: list = []
        for m in matches:
            if out and m[0] < out[-1][1]:
                continue  # inside a phrase taken over below
            start, end, _, value = m
            phrase = (
                next((phrases[i] for i in range(start + 1, end) if i in phrases), None)
                if value[0] in "nd"
                else None
            )
            if phrase is None or phrase[1] <= end or text[phrase[0] : end] not in self.negations:
                out.append(m)
                continue
            head = text[start : phrase[0]]
            if self.modifiers.get(head):
                out.append((start, phrase[0], head, self.modifiers[head]))
            out.append(phrase)
        return out

    def read_customer(self, text: str) -> UtteranceEmotion:
        """The emotion of a customer utterance: the lexicon, and where it reads no feeling or an
        undecided one (confusion, surprise), the polarity model (the shipped one or an
        operator's), which decides only when it is confident.

        Where the lexicon reads a feeling, it stands: on development data the model changed
        nothing there for the better (dev calls 0.773 → 0.771, reviews +0.5 points), and the
        live path is spared the model's cost on those turns.
        """
        e = self.read_emotion(text)
        e.channels = self.channels.named(e.keywords)
        if self.polarity_model is None or not text or e.category not in _UNDECIDED:
            return e
        from moqi.assist.model.trained import valence

        learned = valence(self.polarity_model, [text], [e])[0]
        e.valence = round(learned if e.category == "neutral" else 0.5 * (e.valence + learned), 3)
        confident = (
            "positive" if learned > _CONFIDENT else "negative" if learned < -_CONFIDENT else None
        )
        if e.category != "neutral":
            # Neither leans either way by itself: "还以为要停机了" after good news is relief.
            e.polarity = confident or e.polarity
            return e
        e.polarity = confident or "neutral"
        if confident and len(text) >= _READ_WHOLE_MIN:
            # Said without a feeling word ("师傅一个都没来过", "还以为要停机了"): the feeling is
            # read from the words as a whole, as discontent or contentment, as strongly as the
            # model is sure of it.
            e.category = "disappointment" if confident == "negative" else "satisfaction"
            e.intensity = round(min(abs(learned), 1.0) * _READ_WHOLE, 3)
        return e


def _praising_names(content: Content, emotion_words: KeywordAutomaton) -> list[str]:
    """Business names and aliases that read as praise: 流量加油包, 优酷会员, 换个便宜点的套餐 name
    a product or ask for one, they praise nothing. (网络不稳定, 说好的优惠 read as the complaints
    they are, and stay.)"""
    names = {a for b in content.businesses for a in (b.name, *b.aliases)}
    return sorted(
        a
        for a in names
        if score_utterance(a, find_keywords(a, emotion_words.longest(a))).polarity == "positive"
    )


@lru_cache(maxsize=1)
def default_engine() -> AssistEngine:
    """The engine built from the shipped content files and polarity model (for shells, tests
    and benchmarks)."""
    from moqi.assist.model import shipped

    return AssistEngine(load_files(), polarity_model=shipped.polarity_model())


# A trained model reads texts with the shipped engine's words and lexicon; it is handed in
# here, so that the model code does not import the engine.
readings.use_engine(default_engine)
