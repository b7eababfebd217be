"""Which kinds of script the moment calls for: a greeting first, empathy when it runs hot, …"""

from __future__ import annotations

from moqi.assist.confirm import Confirmation
from moqi.assist.emotion import UtteranceEmotion

_INSISTS = 3  # the customer said they want to leave this many times: they have decided
_RETENTION_REASONS = {"porting_out", "porting_inquiry", "account_closure", "porting_obstruction"}


def wanted_kinds(
    *,
    agent_turns: int,
    emotion: UtteranceEmotion,
    risk: float,
    churn: int,
    reasons: list[str],
    stage: str | None,
    confirmation: Confirmation | None,
    wrap_up: bool = False,
    settled: bool = False,
    read_back_due: bool = True,
    complaint: bool = False,
    disputed: bool = False,
) -> dict[str, float]:
    """Weights of script kinds for this moment of the call (higher is more wanted).

    `settled`: the customer's last words close a matter (an operation of this call was done,
    or they thank, or give a short answer that asks nothing). Only then does their
    satisfaction call for a closing: "便宜多了，那什么时候生效呢" is pleased and still asking.
    `read_back_due`: the customer has not spoken since the operation was reported; once they
    have, a read-back still unanswered gives way to what comes next. `complaint`: the call is
    a complaint, which ends with a follow-up commitment (跟进承诺), not a pleasantry.
    `disputed`: the customer said the latest read-back is wrong; until the agent reports the
    operation again, the call wants the apology that sets it right, and no closing.
    `churn`: how many times the customer has said they want to leave. Retention comes in
    order — first ask why and acknowledge, then offer what fits, and once they insist (a third
    time) the procedure itself: porting rules forbid putting obstacles in the way.
    """
    kinds: dict[str, float] = {"explanation": 1.2, "guidance": 1.0}
    if agent_turns == 0:
        kinds["greeting"] = 3.0
    negative = emotion.polarity == "negative"
    if negative and emotion.intensity >= 0.35 or risk >= 0.5:
        kinds["empathy"] = 2.2 + risk
        kinds["apology"] = 1.6 + risk
    if emotion.category == "anxiety":
        kinds["reassurance"] = 2.4
    if emotion.category == "confusion":
        kinds["explanation"] = 2.4
    if emotion.category == "distrust":
        kinds["empathy"] = max(kinds.get("empathy", 0.0), 2.0)
    if churn >= _INSISTS:
        kinds["guidance"] = 3.0  # how to port or close, with nothing in the way
    elif churn == 2:
        kinds["offer"], kinds["retention"] = 2.6, 1.8
    elif churn == 1:
        kinds["retention"], kinds["offer"], kinds["guidance"] = 2.6, 1.2, 0.6
    elif stage in ("decline", "churn") or (reasons and reasons[0] in _RETENTION_REASONS):
        kinds["retention"], kinds["offer"] = 1.6, 1.4
    if reasons and reasons[0] == "password_reset":
        kinds["password_check"] = 1.8
    if disputed:
        kinds["apology"] = max(kinds.get("apology", 0.0), 3.4)
    elif confirmation is not None:
        if confirmation.status == "pending":
            # Reading the operation back comes before anything else, empathy included.
            kinds["confirmation"] = 5.0 if read_back_due else 1.5
        else:
            kinds["closing"] = 3.0
    if emotion.category in ("gratitude", "satisfaction") and agent_turns >= 2 and settled:
        kinds["closing"] = max(kinds.get("closing", 0.0), 2.6)
    if complaint:
        # Mid-complaint a short answer ("嗯输好了", "是的") settles nothing: the commitment
        # comes once something was done, the customer is content, or the call winds down.
        accepted = settled and (
            confirmation is not None or emotion.category in ("gratitude", "satisfaction")
        )
        if agent_turns >= 1 and (wrap_up or accepted):
            # A complaint may still be open when the call ends (a ticket, a refund): the agent
            # says who follows it up and when, and keeps the pleasantries for when it is solved.
            kinds["follow_up"] = 3.2
    elif wrap_up and agent_turns >= 1:
        kinds["closing"] = max(kinds.get("closing", 0.0), 3.0)
    return kinds
