"""Self-service content and matching: the shipped commands and paths are sound, a command is
recognised however it is typed but a sentence is not, and no reply ever shows a placeholder,
"None" or a figure moqi does not have."""

import re

import pytest
import yaml

from moqi.channels.selfservice import (
    MAX_ANSWER_CHARS,
    Command,
    answer,
    load_commands,
    load_paths,
    match_command,
    offer_for,
    reason_moments,
    shipped,
    uptake_of,
)
from moqi.content.reading import DATA_DIR

REASONS = reason_moments()
COMMANDS = load_commands()
PATHS = load_paths(commands=COMMANDS)
CUSTOMERS = yaml.safe_load((DATA_DIR / "demo" / "customers.yaml").read_text("utf-8"))
WANG = next(c for c in CUSTOMERS if c["title"] == "王先生")


def matched(text: str) -> str | None:
    command = match_command(text, COMMANDS)
    return command.code if command else None


# -- the shipped content ------------------------------------------------------------------------


def test_the_well_known_commands_are_shipped():
    codes = {c.code: c.reason for c in COMMANDS}
    assert codes["CXHF"] == "balance_query"
    assert codes["CXLL"] == "data_usage_query"
    assert codes["CXTC"] == "plan_info"
    assert codes["CXJF"] == "points_query"
    assert codes["CXZD"] == "bill_detail_query"
    assert codes["0000"] == "subscription_query"
    assert codes["TD"] == "vas_cancel"
    assert codes["KTGJMY"] == "roaming_activation"
    assert codes["CZMM"] == "password_reset"


def test_every_shipped_reason_exists():
    assert "balance_query" in REASONS and REASONS["bill_dispute"] == "complaint"
    for command in COMMANDS:
        assert command.reason in REASONS, command.code
    for path in PATHS.paths:
        assert path.reason in REASONS, path.reason
        assert REASONS[path.reason] != "complaint", path.reason


def test_paths_cover_the_inquiries_and_simple_handling():
    covered = {p.reason for p in PATHS.paths}
    for reason in [
        "balance_query",
        "data_usage_query",
        "bill_detail_query",
        "subscription_query",
        "data_pack_order",
        "topup_payment",
        "vas_cancel",
        "password_reset",
        "roaming_activation",
        "invoice_issue",
        "points_redeem",
    ]:
        assert reason in covered, reason


def test_shipped_is_the_files_read_once():
    assert shipped() is shipped()
    assert shipped() == PATHS


@pytest.mark.parametrize("command", COMMANDS, ids=lambda c: c.code)
@pytest.mark.parametrize("customer", [None, {}, *CUSTOMERS], ids=lambda c: (c or {}).get("id"))
def test_answers_never_show_a_hole(command, customer):
    if command.takes_code:
        command = match_command(f"{command.code} ABC", COMMANDS)
    text = answer(command, customer)
    assert text.startswith("【moqi 演示】")
    assert len(text) <= MAX_ANSWER_CHARS
    for hole in ("{", "}", "[", "]", "None", "()", "（）", "“”"):
        assert hole not in text, (hole, text)
    # No invented figure: the only digits are commands, 10086 and what the customer's own
    # record says (a plan's monthly fee).
    digits = text.replace(str(customer.get("plan")), "") if customer else text
    digits = re.sub(r"10086|0000|KT\+|5G|4G", "", digits)
    assert not re.search(r"\d+(\.\d+)?\s*(元|GB|G|MB|M|分钟|积分)", digits), text


def test_a_known_customer_is_addressed_and_their_plan_said():
    text = answer(match_command("CXHF", COMMANDS), WANG)
    assert text.startswith("【moqi 演示】王先生您好")
    assert WANG["plan"] in text


def test_an_unknown_customer_gets_the_neutral_form():
    text = answer(match_command("CXHF", COMMANDS), None)
    assert text.startswith("【moqi 演示】尊敬的客户您好")
    assert "套餐是" not in text  # the sentence that needs the plan is left out, not emptied


def test_a_plain_vip_level_is_not_a_distinction():
    template = Command("X", "points_query", "{title}您好[，{vip}客户专享]。", signature="【演示】")
    assert (
        answer(template, {"title": "李女士", "vip": "金卡"}) == "【演示】李女士您好，金卡客户专享。"
    )
    assert answer(template, {"title": "李女士", "vip": "普通"}) == "【演示】李女士您好。"


def test_values_are_never_read_as_placeholders():
    template = Command("X", "plan_info", "{title}您好[，套餐{plan}]。", signature="【演示】")
    # A title with braces is no form of address; a plan's text is shown as it is, unexpanded.
    text = answer(template, {"title": "{plan}", "plan": "{title}[x]"})
    assert text == "【演示】尊敬的客户您好，套餐{title}[x]。"


def test_a_huge_plan_name_drops_the_optional_sentence():
    text = answer(match_command("CXHF", COMMANDS), {"title": "王先生", "plan": "套" * 300})
    assert len(text) <= MAX_ANSWER_CHARS and "套餐是" not in text


# -- matching -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("CXHF", "CXHF"),
        ("cxhf", "CXHF"),
        ("CxHf", "CXHF"),
        ("ＣＸＨＦ", "CXHF"),  # full-width letters
        ("ｃｘｈｆ", "CXHF"),
        ("  CXHF  ", "CXHF"),
        ("CXHF。", "CXHF"),
        ("“CXHF”！", "CXHF"),
        ("查话费", "CXHF"),
        ("查話費", "CXHF"),  # traditional
        ("話費查詢？", "CXHF"),
        ("０００００", "0000"),  # full-width digits; 00000 is answered as 0000
        ("0000", "0000"),
        ("kt gjmy", "KTGJMY"),
        ("開通國際漫遊", "KTGJMY"),
        ("czmm", "CZMM"),
        ("流量包", "流量包"),
        ("cxzd", "CXZD"),
    ],
)
def test_commands_are_matched_however_typed(text, code):
    assert matched(text) == code


@pytest.mark.parametrize(
    "text",
    [
        "我想查一下话费",  # a sentence holding an alias is for an agent
        "帮我查话费",
        "CXHF 谢谢",
        "CXHFF",
        "CX",
        "",
        "   ",
        "。。。",
        "TD",  # bare TD refuses marketing SMS; it is not a business cancellation
        "td",
        "TD+",
        "退订",
        "TD退订",
        "话费怎么这么贵",
    ],
)
def test_other_messages_are_not_commands(text):
    assert matched(text) is None


@pytest.mark.parametrize(
    ("text", "arg"),
    [
        ("TDABC", "ABC"),
        ("TD ABC", "ABC"),
        ("td+abc12", "ABC12"),
        ("ＴＤ＋ＸＹＺ", "XYZ"),
        ("TD#12345", "12345"),
        (" td abc 。", "ABC"),
    ],
)
def test_td_with_a_business_code(text, arg):
    command = match_command(text, COMMANDS)
    assert command is not None and command.code == "TD" and command.arg == arg
    assert command.reason == "vas_cancel"
    assert f"TD{arg}" in answer(command, WANG)
    assert f"TD{arg}" in answer(command, None)


def test_td_with_too_long_a_code_is_not_a_command():
    assert matched("TD" + "A" * 21) is None
    assert matched("TD" + "A" * 20) == "TD"


# -- offering and uptake ------------------------------------------------------------------------


def test_offer_for_a_reason_with_a_path():
    offer = offer_for("balance_query", PATHS)
    assert offer is not None
    assert "CXHF" in offer["line"] and "10086" in offer["line"]
    assert offer["paths"]["sms"] == "发送CXHF到10086"
    assert {"app", "wechat", "ivr"} <= set(offer["paths"])
    assert all(offer["paths"].values())


@pytest.mark.parametrize("reason", ["bill_dispute", "sp_unauthorized", "no_such_reason"])
def test_no_offer_for_complaints_or_unknown_reasons(reason):
    assert offer_for(reason, PATHS) is None


@pytest.mark.parametrize(
    ("kind", "value", "reason"),
    [
        ("text", "CXHF", "balance_query"),
        ("text", "查話費", "balance_query"),
        ("text", "TD ABC", "vas_cancel"),
        ("text", "0000", "subscription_query"),
        ("text", "KTGJMY", "roaming_activation"),
        ("event", "balance", "balance_query"),
        ("event", " data_pack ", "data_pack_order"),
        ("text", "我想查一下话费", None),
        ("text", "balance", None),  # a menu key typed as text is not a click
        ("event", "CXHF", None),  # nor a command name as a key
        ("event", "unknown_key", None),
        ("image", "CXHF", None),
    ],
)
def test_uptake(kind, value, reason):
    assert uptake_of(kind, value, PATHS) == reason
