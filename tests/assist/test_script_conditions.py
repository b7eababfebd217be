"""A script's conditions: a line is offered only when the call shows everything it presumes."""

import pytest

from moqi.assist.scripts import ScriptRanker, Situation
from moqi.content.model import Script


def line(id_: str, *conditions: str, kind: str = "empathy") -> Script:
    return Script(id_, kind, "*", "*", "*", "*", "*", f"第{id_}句", conditions)


RANKER = ScriptRanker(
    (
        line("any"),
        line("again", "repeat_contact"),
        line("open", "need_open"),
        line("again_open", "repeat_contact", "need_open"),
        line("done", "succeeded", kind="confirmation"),
        line("not_done", "failed", kind="confirmation"),
    )
)


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
    situation = Situation(
        {"empathy": 1.0},
        (("bill_dispute", "账单争议", 0.1),),
        "neutral",
        None,
        None,
        None,
        repeat=True,
    )
    why = {r.id: r.why for r in RANKER.rank(situation, {}, {}, k=10, per_kind=10)}
    assert "条件：客户为此事来电过；条件：诉求尚未明确" in why["again_open"]
    assert "条件" not in why["any"]


def test_an_answer_is_chosen_by_the_customers_latest_words():
    lines = (
        Script(
            "E1",
            "explanation",
            "broadband_fault",
            "*",
            "*",
            "*",
            "*",
            "宽带故障一般是光猫或外线的问题，我帮您派修。",
        ),
        Script(
            "E2",
            "explanation",
            "broadband_fault",
            "*",
            "*",
            "*",
            "*",
            "断网期间的月租可以按天申请补偿，修好后我帮您登记减免。",
        ),
        Script(
            "E3",
            "explanation",
            "broadband_fault",
            "*",
            "*",
            "*",
            "*",
            "师傅上门前会提前电话联系，麻烦您家里留个人。",
        ),
    )
    ranker = ScriptRanker(lines)

    def top(heard: str) -> list:
        situation = Situation(
            {"explanation": 1.0},
            (("broadband_fault", "宽带故障", 0.9),),
            "neutral",
            None,
            None,
            None,
            heard=heard,
        )
        return ranker.rank(situation, {}, {}, k=3, per_kind=3)

    assert [r.id for r in top("")] == ["E1", "E2", "E3"], "nothing heard: the lines in their order"
    asked = top("那这几天断网的月租怎么算，能补偿吗")
    assert asked[0].id == "E2" and "切合客户刚说的话" in asked[0].why
    assert "切合" not in asked[1].why
    assert top("师傅什么时候上门")[0].id == "E3"
    assert top("？？！！")[0].id == "E1", "punctuation alone is no question"


SAID_RANKER = ScriptRanker(
    (
        line("plain"),
        line("pack", "said:没生效|没到账"),  # "刚办的流量包没生效，白高兴一场"
        line("bereaved_keeps", "said:去世|过世", "said:留着|念想"),  # every said: must hold
        line("pack_again", "said:没生效", "repeat_contact"),
    )
)


def offered_after(said: str, *, repeat: bool = False) -> set[str]:
    situation = Situation(
        kinds={"empathy": 1.0},
        reasons=(("data_pack_order", "流量包办理", 0.6),),
        emotion="disappointment",
        brand=None,
        region=None,
        stage=None,
        repeat=repeat,
        said=said,
    )
    return {r.id for r in SAID_RANKER.rank(situation, {}, {}, k=10, per_kind=10)}


@pytest.mark.parametrize(
    ("said", "repeat", "expected"),
    [
        ("我想把套餐升级一下 流量老是不够用", False, {"plain"}),
        ("上午办的流量包到现在还没生效", False, {"plain", "pack"}),
        ("钱扣了\n包也没到账", False, {"plain", "pack"}),  # said in an earlier turn of the call
        ("我父亲去世了", False, {"plain"}),  # one of two facts is not enough
        ("我父亲去世了\n这个号我想留着", False, {"plain", "bereaved_keeps"}),
        ("没生效", True, {"plain", "pack", "pack_again"}),  # with a named condition, both hold
        ("没生效", False, {"plain", "pack"}),
    ],
)
def test_a_line_naming_the_customers_fact_waits_until_they_have_said_it(said, repeat, expected):
    assert offered_after(said, repeat=repeat) == expected


def test_said_conditions_are_read_in_simplified_characters_and_named_in_why():
    ranker = ScriptRanker((line("pack", "said:沒生效"),))  # an editor typing traditional
    situation = Situation({"empathy": 1.0}, (), "neutral", None, None, None, said="流量包还没生效")
    (shown,) = ranker.rank(situation, {}, {}, k=3, per_kind=3)
    assert shown.id == "pack" and "条件：客户提到沒生效" in shown.why
