"""An agent's report of what was done ("语音包已经为您办理成功了，流量包也帮您退订了"), read as
the operations of a three-way read-back: each a business (or a product in quotes, or an
application filed) and whether it succeeded."""

from __future__ import annotations

import re

from moqi.assist.confirm import OperationPart
from moqi.assist.engine import AssistEngine

# The sentences of a report, and a product it names in quotes ("“每日健康资讯”业务").
_SENTENCE = re.compile(r"[^;.!?；。！？]+")
# Their clauses: a sentence can report two operations ("语音包已经办理成功了，流量包也帮您退订了").
_CLAUSE = re.compile(r"[^,，]+")
# What joins businesses that one outcome covers ("语音包和流量包", "漫游、日包").
_JOINER = re.compile(r"\s*(?:和|与|跟|及|以及|还有|、)\s*(?:您的|你的)?")
_QUOTED = re.compile(r"[“\"「『]([^”\"」』,.;，。；]{2,12})[”\"」』]")
# An application the report says was filed ("48元流量费减免申请也已经提交" → 流量费减免), with
# what comes before its object (另外, an amount) left out.
_APPLIED = re.compile(
    r"(?:另外|还有|同时|并且|然后|这笔|您的)?(?:[\d一二三四五六七八九十百两.]+(?:元|块钱|块)的?)?([^,.;:，。；：、\d]{2,10}?)申请(?:也|已经|已)*(?:提交|受理)"
)

Named = list[
    tuple[int, int, str, str]
]  # (start, end, word, business code), as named_businesses gives them
Part = tuple[
    int, int, str, tuple[int, int]
]  # (start, end, outcome, the outcome's clause as (start, end))


def parts(engine: AssistEngine, text: str, named: Named) -> list[Part]:
    """Each part of a report that says one operation was done or failed and names what: the
    clauses of a sentence are read in order, and a part ends at the clause where it holds both
    an outcome and a name. "语音包已经为您办理成功了，流量包也帮您退订了" is two parts; "您的流量包，
    已经办理成功了" and "已经为您办理成功，业务是30元20GB流量月包" are one each, the business in one
    clause and its outcome in the other. A later clause may leave out 已经 ("也帮您退订了")."""
    found: list[Part] = []
    for m in _SENTENCE.finditer(text):
        start, outcome, name, said = m.start(), None, False, (0, 0)
        for c in _CLAUSE.finditer(text, m.start(), m.end()):
            if not outcome:
                outcome = engine.operation_outcome(c.group()) or (
                    engine.continued_outcome(c.group()) if found else None
                )
                said = c.span()
            name = (
                name
                or _QUOTED.search(c.group()) is not None
                or any(c.start() <= s and e <= c.end() for s, e, *_ in named)
            )
            if outcome and name:
                found.append((start, c.end(), outcome, said))
                start, outcome, name = c.end(), None, False
        if (
            outcome
        ):  # an outcome with no name: the sentence's reading as before ("都办成功了" adds nothing)
            found.append((start, m.end(), outcome, said))
    return found


def operations(
    engine: AssistEngine, text: str, named: Named, reported: list[Part]
) -> list[OperationPart]:
    """{code, name, success} for each part of the report (`parts`) that names what was done: a
    business of the catalogue ("代收费功能已经关闭了" → 关闭短信代收费), else a product in quotes
    ("“每日健康资讯”业务已经退订了" → 退订每日健康资讯), else nothing ("都办成功了")."""
    handled = engine.need_model.handled
    found: dict[str, OperationPart] = {}
    for start, end, outcome, said in reported:
        part = text[start:end]
        spans = [(s, e, code) for s, e, _, code in named if start <= s and e <= end]
        # The businesses of the clause that says the outcome come first ("语音包和流量包只能二选一，
        # 已经为您办理了语音包" is the voice pack).
        codes = [code for s, e, code in spans if said[0] <= s and e <= said[1]] or [
            code for *_, code in spans
        ]
        code = next((c for c in codes if c in handled), codes[0] if codes else None)
        quoted = _QUOTED.search(part)
        name = engine.map.name(code) if code else quoted.group(1) if quoted else None
        if name is None:
            continue
        applied = _APPLIED.search(part)
        verb = engine.clause_action(part)
        if applied:  # an application filed is not the business done: "流量费减免申请", not "提交套外流量计费"
            found.setdefault(
                applied.group(1) + "申请",
                {"code": code, "name": applied.group(1) + "申请", "success": outcome == "done"},
            )
            continue
        # Businesses said one after another with 和 / 、 between them were all done ("语音包和流量包都
        # 已经为您办理成功了"); otherwise the part names one.
        for done in _joined(engine, text, spans, code) if code else [None]:
            name = engine.map.name(done) if done else name
            label = name if not verb or verb in name or len(verb) < 2 else verb + name
            found.setdefault(label, {"code": done, "name": label, "success": outcome == "done"})
    return list(found.values())


def named_with_outcome(engine: AssistEngine, reported: list[Part], named: Named) -> str | None:
    """The business named in the first clause of the report that says an outcome (one a customer
    has done for them first), or None when that clause names none."""
    if not reported:
        return None
    begin, end = reported[0][3]
    codes = [code for s, e, _, code in named if begin <= s and e <= end]
    return next((x for x in codes if x in engine.need_model.handled), codes[0] if codes else None)


def _joined(
    engine: AssistEngine, text: str, spans: list[tuple[int, int, str]], code: str
) -> list[str]:
    """The businesses said in a row with `code`, joined only by 和 / 、 / 跟 / 以及 / 还有, when the
    clause that says them also says the outcome ("语音包和流量包都已经为您办理成功了", "已经为您开通了
    国际漫游和日包"); else `code` alone ("语音包和流量包只能二选一，已经为您办理了语音包" names one)."""
    at = next(i for i, (*_, c) in enumerate(spans) if c == code)
    first = last = at
    while first > 0 and _JOINER.fullmatch(text[spans[first - 1][1] : spans[first][0]]):
        first -= 1
    while last + 1 < len(spans) and _JOINER.fullmatch(text[spans[last][1] : spans[last + 1][0]]):
        last += 1
    if first == last:
        return [code]
    clause = next(
        c.group() for c in _CLAUSE.finditer(text) if c.start() <= spans[first][0] < c.end()
    )
    if not (engine.operation_outcome(clause) or engine.continued_outcome(clause)):
        return [code]
    return list(dict.fromkeys(c for *_, c in spans[first : last + 1]))
