"""Three-way confirmation in a call: the number read out, the operation an agent's report
names, and the customer's yes or no to its read-back (the checklist is moqi.assist.confirm's).

Steps of AssistSession.feed: each takes the session and keeps its confirmations.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import TYPE_CHECKING

from moqi.assist import report
from moqi.assist.confirm import Confirmation
from moqi.nlp.mask import phone_tail

if TYPE_CHECKING:
    from moqi.assist.session import AssistSession

# A number read out in the call: "尾号1007", "尾号是1007", or a phone number as masked (138****1007);
# not one said to be another number ("交到了尾号8823的另一个号码上"), nor a ticket's or a card's
# ("工单号尾号5521", "银行卡尾号6789").
_ANOTHER = r"(?!的?(?:另一个|另外一个|另外的|别的|其他的?)号)"
_NOT_A_PHONE = r"(?<!单号)(?<!工单)(?<!订单)(?<!卡号)(?<!行卡)"
_TAIL_SAID = re.compile(
    rf"{_NOT_A_PHONE}尾号(?:是|为)?(\d{{4}})(?!\d){_ANOTHER}|(?<!\d)1\d{{2}}\*{{4}}(\d{{4}})(?!\d){_ANOTHER}"
)
# Where the first clause of a customer's reply ends: a yes or no to a read-back comes before.
_CLAUSE_END = re.compile(r"[,.!?;:，。！？；：]")
# What the agent fills in by hand when the call has not told the number.
NUMBER_SLOT = "〔后四位〕"


def numbers_said(text: str) -> list[str]:
    """The last four digits of each number the (masked) utterance reads out."""
    # (Every number _TAIL_SAID reads holds one of these; most utterances have neither.)
    return [a or b for a, b in _TAIL_SAID.findall(text)] if "尾号" in text or "****" in text else []


def confirmation(
    session: AssistSession,
    text: str,
    who: str,
    named: list,
    tails: list[str],
    answering: bool = True,
    generic: Sequence[tuple[int, int, str, str]] = (),
) -> Confirmation | None:
    """The checklist the call is at after this utterance: a new one for an agent's report of
    an operation, the pending one answered by the customer's yes or no, else the pending one."""
    pending = (
        session.confirmations[-1]
        if session.confirmations and session.confirmations[-1].status == "pending"
        else None
    )
    if who == "agent":
        outcome = session.engine.operation_outcome(text)
        if outcome is None:
            return pending
        return _reported(session, text, outcome, named, tails, generic)
    if pending and answering:
        # A yes or no comes first: "对，就是这个" or, longer, "听清楚了，退订了，关了，钱会退回来是不是".
        # In a longer reply only a first clause that opens with the answer counts ("信号已好，
        # 但是乱扣流量的问题尚未解决" says nothing of the read-back).
        short = len(text) <= 20
        found = session.engine.answer_words.longest(
            text if short else _CLAUSE_END.split(text, maxsplit=1)[0]
        )
        answers = (
            [value for _, _, _, value in found] if short or (found and found[0][0] == 0) else []
        )
        if not answers and session._problems_asked and session.engine.says_no_problem(text):
            answers = [True]  # "请问没有问题吧？" "没有啦": nothing is wrong
        if None in answers:
            session._asked_again = session.turn  # "没听清，你再说一遍": the read-back is due again
        elif answers:
            pending.answer(all(answers))
            return pending
    return pending


def _reported(
    session: AssistSession,
    text: str,
    outcome: str,
    named: list,
    tails: list[str],
    generic: Sequence[tuple[int, int, str, str]],
) -> Confirmation:
    """The checklist of the operations an agent's report tells (`outcome`: done or not)."""
    engine = session.engine
    # A report's parts may name what the call already made of a generic word ("日包也开好了").
    said = sorted([*named, *generic])
    parts = report.parts(engine, text, said)
    operations = report.operations(engine, text, said, parts)
    if len(operations) < 2:
        # One operation: the business named in the clause that says the outcome ("语音包和流量包
        # 只能二选一，已经为您办理了语音包" is the voice pack), else as `_operated` reads the report.
        code = report.named_with_outcome(engine, parts, named)
        code, name = (code, engine.map.name(code)) if code else _operated(session, text, named)
        operations = [{"code": code, "name": name, "success": outcome == "done"}]
    first = operations[0]
    # The number read back in this very utterance is the one operated on; else the caller's.
    tail = (
        (tails[-1] if tails else "")
        or phone_tail(session.customer.phone_masked)
        or session.number_said
    )
    number = f"尾号{tail}" if tail else "客户来电号码"
    confirmation = Confirmation(
        first["code"],
        first["name"],
        number,
        all(op["success"] for op in operations),
        session.turn,
        "",
        operations=operations,
    )
    prompt = engine.confirm_prompts[len(session.confirmations) % len(engine.confirm_prompts)]
    confirmation.prompt = prompt.format_map(
        _Fill(
            business=confirmation.businesses,
            number=tail or NUMBER_SLOT,
            result=confirmation.result,
        )
    )
    session.confirmations.append(confirmation)
    session.need.operation_done([op["code"] for op in operations])
    return confirmation


def _operated(
    session: AssistSession, text: str, named: list[tuple[int, int, str, str]]
) -> tuple[str | None, str]:
    """(code, name) of what an operation was done on: the first business named in the agent's
    report that is something a customer has done (开通/办理/变更); else what the report says
    was done in its own words ("已经为您办理了停机", code None); else the top reason's business
    its verb names; else the latest business of the call; else the top reason.

    "已经为您办理成功……业务是30元20GB流量月包……超出的流量按套外计费" is about the data pack,
    not the overage billing it explains; "已经为您办理了停机" in a call about closing an account
    is the suspension, not the closure."""
    handled = session.engine.need_model.handled
    code = next((code for *_, code in named if code in handled), None)
    if code is None:
        said = session.engine.operation_object(text)
        if said:
            return None, said
        code = _named_by_verb(session, text) or (
            session.mentioned[-1] if session.mentioned else None
        )
    name = (
        session.engine.map.name(code) if code else session.predicted_need()["reasons"][0]["label"]
    )
    return code, name


def _named_by_verb(session: AssistSession, text: str) -> str | None:
    """The business of the top reason whose name holds the report's verb: "已经为您兑换成功"
    in a points call is 积分兑换, not the 视频会员权益 mentioned on the way. One-character
    verbs (开, 办, 加) are in too many names to tell."""
    verb = session.engine.operation_verb(text)
    if not verb or len(verb) < 2:
        return None
    top = session.need.predict(1)[2][0][0]
    return next((b for b in top.businesses if verb in session.engine.map.name(b)), None)


class _Fill(dict):
    """str.format_map that leaves unknown placeholders as they are."""

    def __missing__(self, key: str) -> str:
        return "{" + key + "}"
