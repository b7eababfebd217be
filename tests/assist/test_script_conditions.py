"""A script's conditions: a line is offered only when the call shows everything it presumes."""

import pytest

from moqi.assist.scripts import ScriptRanker, Situation
from moqi.content.model import Script


def line(id_: str, *conditions: str, kind: str = "empathy") -> Script:
    return Script(id_, kind, "*", "*", "*", "*", "*", f"第{id_}句", conditions)


RANKER = ScriptRanker((
    line("any"),
    line("again", "repeat_contact"),
    line("open", "need_open"),
    line("again_open", "repeat_contact", "need_open"),
    line("done", "succeeded", kind="confirmation"),
    line("not_done", "failed", kind="confirmation"),
))


def offered(*, repeat=False, best=0.1, succeeded=None) -> set[str]:
    situation = Situation(
        kinds={"empathy": 1.0, "confirmation": 1.0},
        reasons=(("bill_dispute", "账单争议", best),),
        emotion="neutral",
        brand=None,
        region=None,
        stage=None,
        succeeded=succeeded,
        repeat=repeat,
    )
    return {r.id for r in RANKER.rank(situation, {}, {}, k=10, per_kind=10)}


@pytest.mark.parametrize(
    ("when", "expected"),
    [
        ({}, {"any", "open"}),
        ({"repeat": True}, {"any", "again", "open", "again_open"}),
        ({"best": 0.6}, {"any"}),
        ({"best": 0.6, "repeat": True}, {"any", "again"}),
        ({"best": 0.6, "succeeded": True}, {"any", "done"}),
        ({"best": 0.6, "succeeded": False}, {"any", "not_done"}),
    ],
)
def test_a_line_is_offered_only_when_every_condition_holds(when, expected):
    assert offered(**when) == expected


def test_why_names_the_conditions_a_line_waited_for():
    situation = Situation({"empathy": 1.0}, (("bill_dispute", "账单争议", 0.1),), "neutral", None, None, None, repeat=True)
    why = {r.id: r.why for r in RANKER.rank(situation, {}, {}, k=10, per_kind=10)}
    assert "条件：客户为此事来电过；条件：诉求尚未明确" in why["again_open"]
    assert "条件" not in why["any"]
