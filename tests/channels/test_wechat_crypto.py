"""WeChat signatures and safe mode: the published signature and safe-mode vectors reproduce
exactly, and nothing unsigned, for another appid or under another key is accepted
(vectors: tests/channels/wechat_samples.py)."""

import base64
import re

import pytest

from moqi.channels.wechat import (
    Crypto,
    WeChatError,
    check_msg_signature,
    check_signature,
    decrypt_message,
    encrypted_reply,
    msg_signature,
    parse_message,
    reply_text,
    url_signature,
)
from moqi.errors import Invalid
from tests.channels.wechat_samples import (
    MP_APPID,
    MP_BODY,
    MP_KEY,
    MP_TOKEN,
    OPENID,
    OUR_ACCOUNT,
    TENCENT_APPID,
    TENCENT_ENVELOPE,
    TENCENT_KEY,
    TENCENT_TOKEN,
    WECHATPY_APPID,
    WECHATPY_ECHOSTR,
    WECHATPY_ENVELOPE,
    WECHATPY_KEY,
    WECHATPY_REPLY,
    WECHATPY_REPLY_ENCRYPTED,
    WECHATPY_TOKEN,
)

# -- signatures ---------------------------------------------------------------------------------


def test_url_signature_reproduces_the_issue_vector():
    sig = url_signature("test", "1410685589", "test")
    assert sig == "f21891de399b4e33a1a93c9a7b8a8fffb5a443ff"
    assert check_signature("test", "1410685589", "test", sig)


@pytest.mark.parametrize(
    ("token", "timestamp", "nonce", "signature"),
    [
        ("test", "1410685589", "tesT", "f21891de399b4e33a1a93c9a7b8a8fffb5a443ff"),  # nonce
        ("test", "1410685590", "test", "f21891de399b4e33a1a93c9a7b8a8fffb5a443ff"),  # time
        ("other", "1410685589", "test", "f21891de399b4e33a1a93c9a7b8a8fffb5a443ff"),  # token
        ("test", "1410685589", "test", "f21891de399b4e33a1a93c9a7b8a8fffb5a443fe"),  # one digit
        ("test", "1410685589", "test", ""),
        # A hostile query value is a mismatch, not a TypeError from compare_digest.
        ("test", "1410685589", "test", "签名" * 20),
    ],
)
def test_a_signature_that_does_not_match_is_refused(token, timestamp, nonce, signature):
    assert not check_signature(token, timestamp, nonce, signature)


def test_msg_signature_reproduces_the_wechatpy_echostr_vector():
    sig = msg_signature(WECHATPY_TOKEN, "1411443780", "437374425", WECHATPY_ECHOSTR)
    assert sig == "dd6b9c95b495b3f7e2901bfbc76c664930ffdb96"
    # wechatpy's failing case: the same signature with the nonce one lower.
    assert not check_msg_signature(WECHATPY_TOKEN, "1411443780", "437374424", WECHATPY_ECHOSTR, sig)
    # The echostr decrypts to a number and carries our receive id.
    assert Crypto(WECHATPY_KEY, WECHATPY_APPID).decrypt(WECHATPY_ECHOSTR).isdigit()


def test_the_signature_sorts_its_parts_so_their_order_does_not_matter():
    assert msg_signature("a", "b", "c", "d") == msg_signature("d", "c", "b", "a")
    assert url_signature("1", "2", "3") == url_signature("3", "1", "2")


# -- safe mode: published vectors ---------------------------------------------------------------


def test_decrypts_the_wechatpy_message_vector():
    crypto = Crypto(WECHATPY_KEY, WECHATPY_APPID)
    xml = decrypt_message(
        crypto,
        WECHATPY_TOKEN,
        WECHATPY_ENVELOPE,
        "1411525903",
        "461056294",
        "74d92dfeb87ba7c714f89d98870ae5eb62dff26d",
    )
    msg = parse_message(xml)
    assert (msg.from_user, msg.text, msg.msg_type) == ("messense", "test", "text")


def test_encrypts_the_wechatpy_reply_vector_byte_for_byte():
    crypto = Crypto(WECHATPY_KEY, WECHATPY_APPID)
    out = encrypted_reply(
        crypto, WECHATPY_TOKEN, WECHATPY_REPLY, "1411525903", "461056294", b"1234567890123456"
    )
    assert out == WECHATPY_REPLY_ENCRYPTED


def test_decrypts_tencents_official_account_sample_to_the_plaintext_sent_beside_it():
    # The compatible-mode body carries the message twice, plain and encrypted; both must agree.
    xml = decrypt_message(
        Crypto(MP_KEY, MP_APPID),
        MP_TOKEN,
        MP_BODY,
        "1409735669",
        "1320562132",
        "5d197aaffba7e9b25a30732f161a50dee96bd5fa",
    )
    assert parse_message(xml) == parse_message(MP_BODY)
    assert parse_message(xml).text == "abcdteT"


def test_decrypts_tencents_walk_through_vector_to_the_message_it_prints():
    xml = decrypt_message(
        Crypto(TENCENT_KEY, TENCENT_APPID),
        TENCENT_TOKEN,
        TENCENT_ENVELOPE,
        "1409659813",
        "1372623149",
        "477715d11cdb4164915debcba66cb864d751f3e6",
    )
    msg = parse_message(xml)
    assert (msg.to_user, msg.from_user, msg.create_time) == (TENCENT_APPID, "mycreate", 1409659813)
    assert (msg.text, msg.msg_id) == ("hello", "4561255354251345929")


# -- safe mode: round trips and refusals --------------------------------------------------------


def test_a_chinese_reply_round_trips_through_safe_mode():
    crypto = Crypto(MP_KEY, MP_APPID)
    reply = reply_text(OPENID, OUR_ACCOUNT, "您好，您本月流量还剩 2.3GB，祝您生活愉快", 1718245033)
    envelope = encrypted_reply(crypto, MP_TOKEN, reply, "1718245033", "98765", b"\x00" * 16)
    fields = dict(re.findall(r"<(\w+)>(?:<!\[CDATA\[)?([^<\]]*)", envelope))
    assert set(fields) >= {"Encrypt", "MsgSignature", "TimeStamp", "Nonce"}
    assert check_msg_signature(
        MP_TOKEN, fields["TimeStamp"], fields["Nonce"], fields["Encrypt"], fields["MsgSignature"]
    )
    assert crypto.decrypt(fields["Encrypt"]) == reply
    # A fixed prefix gives a fixed ciphertext; a random one (the default) does not.
    assert crypto.encrypt(reply, b"\x00" * 16) == fields["Encrypt"]
    assert crypto.encrypt(reply) != crypto.encrypt(reply)


@pytest.mark.parametrize("size", [0, 1, 11, 12, 13, 31, 32, 33, 1000])
def test_every_length_pads_to_whole_32_byte_blocks_and_back(size):
    crypto = Crypto(MP_KEY, MP_APPID)
    xml = "话" * size
    encrypted = crypto.encrypt(xml, b"r" * 16)
    assert len(base64.b64decode(encrypted)) % 32 == 0
    assert crypto.decrypt(encrypted) == xml


def test_a_message_for_another_appid_is_refused():
    # "wx2c2769f8efd9abc3" differs from MP_APPID in its last character only.
    encrypted = Crypto(MP_KEY, "wx2c2769f8efd9abc3").encrypt("<xml/>", b"r" * 16)
    with pytest.raises(WeChatError, match="appid 'wx2c2769f8efd9abc3', not 'wx2c2769f8efd9abc2'"):
        Crypto(MP_KEY, MP_APPID).decrypt(encrypted)
    with pytest.raises(WeChatError, match="for appid"):
        Crypto(MP_KEY, MP_APPID + "x").decrypt(Crypto(MP_KEY, MP_APPID).encrypt("<xml/>"))


def test_a_safe_mode_body_with_a_wrong_msg_signature_is_not_decrypted():
    crypto = Crypto(WECHATPY_KEY, WECHATPY_APPID)
    with pytest.raises(WeChatError, match="msg_signature does not match") as caught:
        decrypt_message(
            crypto,
            WECHATPY_TOKEN,
            WECHATPY_ENVELOPE,
            "1411525903",
            "461056295",
            "74d92dfeb87ba7c714f89d98870ae5eb62dff26d",
        )
    assert caught.value.code == "bad_signature"


@pytest.mark.parametrize(
    ("encrypted", "message"),
    [
        ("not base64!", "not base64"),
        ("", "whole number of AES blocks"),
        (base64.b64encode(b"x" * 20).decode(), "whole number of AES blocks"),
    ],
)
def test_garbage_in_encrypt_is_refused(encrypted, message):
    with pytest.raises(WeChatError, match=message):
        Crypto(MP_KEY, MP_APPID).decrypt(encrypted)


def test_a_ciphertext_under_another_key_is_refused():
    other = Crypto("A" * 43, MP_APPID).encrypt("<xml/>", b"r" * 16)
    with pytest.raises(WeChatError, match="padding|length|appid"):
        Crypto(MP_KEY, MP_APPID).decrypt(other)


@pytest.mark.parametrize(
    ("key", "message"),
    [
        ("abc", "43 characters, got 3"),
        (MP_KEY + "H", "43 characters, got 44"),
        ("abcdefghijklmnopqrstuvwxyz0123456789ABCDE-!", "not base64"),
    ],
)
def test_a_bad_encoding_aes_key_is_refused_with_its_reason(key, message):
    with pytest.raises(WeChatError, match=message) as caught:
        Crypto(key, MP_APPID)
    assert caught.value.code == "bad_key"


def test_wechat_errors_are_the_projects_invalid_and_a_value_error():
    with pytest.raises(Invalid, match="43 characters"):
        Crypto("short", MP_APPID)
    assert issubclass(WeChatError, ValueError)
