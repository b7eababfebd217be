"""Churn in the lines offered (asked why, then offered what fits, then the procedure once the
customer insists — never an obstacle), and what an agent names while checking identity."""

from __future__ import annotations

from moqi.assist import AssistSession
from moqi.assist.profile import CustomerProfile
from tests.assist.test_script_choice import GREETING


def test_a_customer_who_wants_to_leave_gets_retention_in_order_and_the_procedure_when_they_insist(
    engine,
):
    s = AssistSession(engine=engine, customer=CustomerProfile(brand="神州行", stage="maturity"))
    s.feed("agent", GREETING)
    first = s.feed("customer", "你们那个携号转网要怎么弄")
    s.feed("agent", "请问是对哪方面不满意呢？")
    second = s.feed("customer", "太贵了，弄不好我还是要转网的")
    s.feed("agent", "我帮您看看有没有更省钱的套餐")
    third = s.feed("customer", "不用了，我就是要转网，你告诉我怎么办")
    kinds = [[line["kind"] for line in e.scripts] for e in (first, second, third)]
    assert kinds[0][0] == "retention" and "guidance" not in kinds[0]  # ask why first
    assert kinds[1][0] == "offer"  # then what fits
    assert kinds[2][0] == "guidance"  # then the procedure, with nothing in the way
    assert not {"retention", "offer"} & set(kinds[2])


def test_an_agent_checking_identity_with_the_service_password_names_no_business(engine):
    s = AssistSession(engine=engine)
    s.feed("agent", GREETING)
    s.feed("customer", "我这个月话费怎么多扣了九十多块")
    check = s.feed("agent", "为了保障您的账户安全，请您在电话按键上输入服务密码")
    assert check.businesses["mentioned"] == []
    assert "服务密码重置" not in [r["to_name"] for r in check.businesses["related"]]
    # the customer asking about the password is another matter
    asked = AssistSession(engine=engine).feed("customer", "我的服务密码忘了")
    assert [b["code"] for b in asked.businesses["mentioned"]] == ["acct_service_password"]
