"""Personal data never reaches storage or logs unmasked."""

import pytest

from moqi.nlp.mask import mask_pii, phone_tail


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


@pytest.mark.parametrize("text", ["套餐每月199元", "流量超了3.2GB扣了96元", "10086", "12315", "工号8023为您服务", "2024年3月"])
def test_leaves_ordinary_numbers_alone(text):
    # Fees, volumes, hotlines and dates are what the call is about; masking them would blind the agent.
    assert mask_pii(text) == text


def test_phone_tail_reads_the_last_four_digits():
    assert phone_tail("138****5678") == "5678"
    assert phone_tail(None) == ""
