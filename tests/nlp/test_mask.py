"""Personal data never reaches storage or logs unmasked."""

import pytest

from moqi.nlp.mask import find_pii, mask_pii, phone_tail


@pytest.mark.parametrize(
    ("raw", "masked"),
    [
        ("我的号码13812345678", "我的号码138****5678"),
        ("号码是138 1234 5678谢谢", "号码是138****5678谢谢"),
        ("+86 13912345678", "+86 139****5678"),
        ("身份证44190019900101123X", "身份证441***********123X"),
        ("身份证号440106198512310011就是这个", "身份证号440***********0011就是这个"),
        ("银行卡6222020202020202020", "银行卡6222***********2020"),
        ("卡号 6222 0202 0202 0202", "卡号 6222 **** **** 0202"),
        ("服务密码是123456", "服务密码是******"),
        ("验证码:8848", "验证码:****"),
        ("我的号码幺三八一二三四五六七八", "我的号码幺三八****五六七八"),
        ("固话020-87654321", "固话020-****4321"),
        # No digit at all, still a password or a number said in words.
        ("密码是abcdef", "密码是******"),
        ("pin码 qwer", "pin码 ****"),
        ("号码是一三九八七六五四三二一", "号码是一三九****四三二一"),
    ],
)
def test_masks_personal_numbers(raw, masked):
    assert mask_pii(raw) == masked


@pytest.mark.parametrize(
    "text",
    ["套餐每月199元", "流量超了3.2GB扣了96元", "10086", "12315", "工号8023为您服务", "2024年3月"],
)
def test_leaves_ordinary_numbers_alone(text):
    # Fees, volumes, hotlines and dates are what the call is about; masking them would blind the agent.
    assert mask_pii(text) == text


def test_phone_tail_reads_the_last_four_digits():
    assert phone_tail("138****5678") == "5678"
    assert phone_tail(None) == ""


@pytest.mark.parametrize(
    ("raw", "masked"),
    [
        # Digits read out one by one: ASR engines put a space between each.
        ("号码是1 3 8 1 2 3 4 5 6 7 9", "号码是138****5679"),
        ("138.1234.5670", "138****5670"),
        ("138 1234 5678", "138****5678"),
        ("+86 138-1234-5678", "+86 138****5678"),
        ("1-3-9-1-2-3-4-5-6-7-8", "139****5678"),
        ("两个号13812345678 13912345678都是我的", "两个号138****5678 139****5678都是我的"),
        ("邮箱zhang.san@example.com谢谢", "邮箱z***@example.com谢谢"),
        ("发到 123456789@qq.com 就行", "发到 1***@qq.com 就行"),
        ("Li.Na+bill@mail.corp.example.cn", "L***@mail.corp.example.cn"),
    ],
)
def test_masks_numbers_written_with_separators_and_email_addresses(raw, masked):
    assert mask_pii(raw) == masked
    # Masking twice changes nothing more (proposals are masked again when edited).
    assert mask_pii(masked) == masked


@pytest.mark.parametrize(
    "text",
    [
        "98元",
        "2026.12.05",
        "10.5G",
        "第3次",
        "2026-12-05 13:45",
        "流量分别用了13.5 14.2 15.1 16.3G",
        "服务器192.168.100.200",
        "邮件地址写在@后面",
        "1 3 5 7",
    ],
)
def test_leaves_amounts_dates_and_times_alone(text):
    assert mask_pii(text) == text


def test_keep_spares_numbers_that_are_content():
    # A hotline published in a script is content, not a customer's number.
    published = "在境外可以拨打+86 13800138000免费联系我们。"
    kept = find_pii(published)
    assert kept == ["+86 13800138000"]
    text = "境外拨打+86 13800138000；客户说他的号码是13912345678"
    assert mask_pii(text, keep=kept) == "境外拨打+86 13800138000；客户说他的号码是139****5678"
    assert mask_pii(text) == "境外拨打+86 138****8000；客户说他的号码是139****5678"
    assert find_pii("没有数字") == []
