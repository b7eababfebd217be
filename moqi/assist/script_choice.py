"""The lines a call's session offers the agent now, and those shown that the agent read out.

Steps of AssistSession.opening and AssistSession.feed: each takes the session.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from moqi.assist.confirm import Confirmation
from moqi.assist.confirming import NUMBER_SLOT
from moqi.assist.emotion import UtteranceEmotion
from moqi.assist.events import NeedPart
from moqi.assist.scripts import Recommendation, Situation, read_out, spoken_pairs
from moqi.assist.situation import wanted_kinds
from moqi.nlp.mask import phone_tail

if TYPE_CHECKING:
    from moqi.assist.session import AssistSession


def lines_read_out(session: AssistSession, said: str) -> list[str]:
    """The lines shown in the last few turns that the agent's words read out (now used)."""
    shown = {
        sid: line for lines in session._offered for sid, line in lines if sid not in session.used
    }
    if not shown:
        return []
    heard = spoken_pairs(said)
    out = [sid for sid, line in shown.items() if read_out(line, heard)]
    session.used.update(out)
    return out


def count_passed_over(session: AssistSession) -> None:
    """One more agent turn for each line of the latest event the agent has not read out."""
    if session._offered:
        for sid, _ in session._offered[-1]:
            if sid not in session.used:
                session.passed_over[sid] = session.passed_over.get(sid, 0) + 1


def choose(
    session: AssistSession,
    need: NeedPart,
    emotion: UtteranceEmotion,
    risk: float,
    confirmation: Confirmation | None,
    wrap_up: bool = False,
) -> list[Recommendation]:
    """The lines to offer the agent now, best first, placeholders filled."""
    c = session.customer
    last = session.confirmations[-1] if session.confirmations else None
    disputed = last is not None and last.status == "disputed"
    kinds = wanted_kinds(
        agent_turns=session.agent_turns,
        emotion=emotion,
        risk=risk,
        churn=session.mood.churn_turns,
        reasons=[r["code"] for r in need["reasons"]],
        stage=c.stage,
        confirmation=confirmation,
        wrap_up=wrap_up,
        settled=session.settled,
        read_back_due=confirmation is None
        or session._customer_turn <= confirmation.turn
        or session._asked_again == session._customer_turn,
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
        # A customer who says they want to leave is in the churn stage now, whatever the
        # profile says: the retention lines keyed to it are theirs.
        stage="churn" if session.mood.churn_turns else c.stage,
        # The latest operation of the call decides which reason's read-back and closing lines fit.
        # An operation with no business of the catalogue (known by the agent's words, or by the
        # top reason alone) fits no reason's own read-back or closing.
        operated=frozenset().union(*map(session.engine.need_model.reasons_of, last.codes))
        if last
        else None,
        succeeded=last.success if last else None,
        disputed=disputed,
        repeat=session.repeat or c.recent_contacts >= 2,
        used=frozenset(session.used),
        passed_over=session.passed_over,
        heard=session._heard,
        said=session._said,
    )
    fill = {
        **session.engine.promises,  # the service desk's time limits: {sla_hours:fault.first_response}
        "customer": c.title or "",
        "number": phone_tail(c.phone_masked) or session.number_said or NUMBER_SLOT,
        "days": "〔N〕",  # a fact only the agent knows; left as a slot to fill
    }
    return session.engine.ranker.rank(
        situation, fill, _businesses_for(session, need, confirmation), texts=session.variants
    )


def _businesses_for(
    session: AssistSession, need: NeedPart, confirmation: Confirmation | None = None
) -> dict[str, str]:
    """The business of this call each candidate reason's scripts may name (newest first);
    while an operation is being confirmed, the general lines name the business operated on."""
    if confirmation is not None and confirmation.business_code is None:
        return {"*": confirmation.businesses}  # as the read-back prompt names it
    if not session.mentioned:
        return {}
    names = session.engine.map.name
    operated = confirmation.business_code if confirmation is not None else None
    out = {
        "*": confirmation.businesses if confirmation and operated else names(session.mentioned[-1])
    }
    for r in need["reasons"]:
        fitting = session.engine.need_model.reasons[
            session.engine.need_model.index[r["code"]]
        ].businesses
        for code in (operated, *reversed(session.mentioned)):
            if code is not None and code in fitting:
                out[r["code"]] = names(code)
                break
    return out
