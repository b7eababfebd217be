"""Generic words (宽带, 话费, 合约, 流量) mean the business the call is about, or nothing."""

import pytest

from moqi.assist import AssistSession
from moqi.content import ContentError, generic_terms, load_files


def mentioned(event) -> dict[str, str]:
    return {b["code"]: b["said"] for b in event.businesses["mentioned"]}


def test_a_broadband_complaint_maps_broadband_to_the_repair_desk(engine):
    event = AssistSession(engine=engine).feed(
        "customer", "我家宽带这几天一到晚上就连不上，已经三天了"
    )
    assert mentioned(event) == {"bb_repair": "宽带"}
    assert event.businesses["related"], "the map shows what relates to the repair"


def test_the_same_word_in_an_inquiry_is_the_broadband_product(engine):
    event = AssistSession(engine=engine).feed("customer", "想问问你们宽带一年多少钱")
    assert mentioned(event) == {"bb_gigabit": "宽带"}


def test_a_named_business_covers_the_generic_word_of_its_group(engine):
    # "宽带账号" is an alias; the 宽带 inside it is not counted a second time.
    event = AssistSession(engine=engine).feed("customer", "我的宽带账号忘了，宽带要怎么登录")
    assert mentioned(event) == {"bb_account": "宽带账号"}


def test_a_generic_word_means_the_business_already_named_in_the_call(engine):
    s = AssistSession(engine=engine)
    s.feed("customer", "帮我加个流量包吧")
    later = s.feed("customer", "那这个流量什么时候能用")
    assert mentioned(later) == {"data_pack_monthly": "流量"}


def test_a_generic_word_does_not_take_over_the_confirmation(engine):
    s = AssistSession(engine=engine, customer={"phone_masked": "138****1001"})
    s.feed("customer", "帮我加个流量包")
    event = s.feed("agent", "已经为您办理成功了，家里的宽带不受影响")
    assert mentioned(event) == {"bb_gigabit": "宽带"}
    assert event.confirmation["business"]["code"] == "data_pack_monthly"


def test_a_bill_dispute_reads_the_bill(engine):
    event = AssistSession(engine=engine).feed(
        "customer", "我这个月话费怎么多扣了五十块，你们给我说清楚"
    )
    assert mentioned(event).get("acct_bill") == "话费"


def test_without_a_reason_or_default_a_generic_word_shows_nothing(engine):
    data = next(t for t in engine.content.generic_terms if "流量" in t.words)
    broadband = next(t for t in engine.content.generic_terms if "宽带" in t.words)
    assert data.default is None and engine.resolve_generic(data, []) is None
    assert engine.resolve_generic(broadband, []) == "bb_gigabit"
    assert engine.resolve_generic(broadband, ["broadband_fault"]) == "bb_repair"


def _check(groups):
    return generic_terms(groups, load_files().businesses, "generic.yaml")


@pytest.mark.parametrize(
    ("group", "message"),
    [
        ({"words": ["卡"], "businesses": ["sim_swap"]}, "one-character"),
        ({"words": ["宽带续费"], "businesses": ["bb_renewal"]}, "already a business alias"),
        ({"words": ["月费"], "businesses": ["no_such_business"]}, "unknown business"),
        (
            {"words": ["月费"], "businesses": ["acct_bill"], "default": "pay_topup"},
            "not one of the group's businesses",
        ),
        ({"words": "月费", "businesses": ["acct_bill"]}, "non-empty list"),
        ("月费", "expected words"),
    ],
)
def test_bad_groups_are_refused_with_a_reason(group, message):
    with pytest.raises(ContentError, match=message):
        _check([group])


def test_a_word_in_two_groups_is_refused():
    with pytest.raises(ContentError, match="two groups"):
        _check(
            [
                {"words": ["月费"], "businesses": ["acct_bill"]},
                {"words": ["月费"], "businesses": ["pay_topup"]},
            ]
        )


def test_the_shipped_groups_are_valid_and_used():
    terms = load_files().generic_terms
    assert {"宽带", "话费", "合约", "流量", "漫游"} <= {w for t in terms for w in t.words}
