"""WeChat official account protocol: the published signature and safe-mode vectors reproduce
exactly, nothing unsigned or for another appid is accepted, inbound XML becomes one Message per
message however often WeChat retries it, and no DOCTYPE or oversized body is ever parsed.

Vectors, copied as published:
- URL signature: the issue's (token `test`, timestamp 1410685589, nonce `test`).
- wechatpy (github.com/wechatpy/wechatpy, tests/test_crypto.py): token 123456, key kWxPEV2…,
  receive id wx49f0ab532d5d035a; an echostr, a message to decrypt and a reply encrypted with the
  random prefix "1234567890123456". wechatpy runs them through its WeChat Work class, whose
  cipher is byte for byte the official account's (the appid's place holds the corp id).
- Tencent's official-account sample (WXBizMsgCrypt Python demo by jonyqin, as kept in
  github.com/charlesXu86/Chatbot_CN, Chatbot_Web/impl/weixin/Sample.py): key abcdefg…, token
  spamtest, appid wx2c2769f8efd9abc2, a compatible-mode body carrying the plaintext beside Encrypt.
- Tencent's published walk-through (developer.work.weixin.qq.com/document/path/90968): token
  QDG6eK, key jWmYm7…, receive id wx5823bf96d3bd56c7, with the decrypted message it prints.
"""

import base64
import re

import pytest

from moqi.channels import wechat
from moqi.channels.wechat import (
    ACK_BODY,
    MAX_BODY_BYTES,
    Crypto,
    Message,
    WeChatError,
    check_msg_signature,
    check_signature,
    decrypt_message,
    encrypted_reply,
    msg_signature,
    parse_envelope,
    parse_message,
    reply_text,
    url_signature,
)
from moqi.errors import Invalid

# -- published vectors --------------------------------------------------------------------------

WECHATPY_TOKEN = "123456"
WECHATPY_KEY = "kWxPEV2UEDyxWpmPdKC3F4dgPDmOvfKX1HGnEUDS1aR"
WECHATPY_APPID = "wx49f0ab532d5d035a"
WECHATPY_ECHOSTR = (
    "4ByGGj+sVCYcvGeQYhaKIk1o0pQRNbRjxybjTGblXrBaXlTXeOo1+bXFXDQQb1o6co6Yh9Bv41n7hOchLF6p+Q=="
)
WECHATPY_ENVELOPE = """<xml><ToUserName><![CDATA[wx49f0ab532d5d035a]]></ToUserName>
<Encrypt><![CDATA[RgqEoJj5A4EMYlLvWO1F86ioRjZfaex/gePD0gOXTxpsq5Yj4GNglrBb8I2BAJVODGajiFnXBu7mCPatfjsu6IHCrsTyeDXzF6Bv283dGymzxh6ydJRvZsryDyZbLTE7rhnus50qGPMfp2wASFlzEgMW9z1ef/RD8XzaFYgm7iTdaXpXaG4+BiYyolBug/gYNx410cvkKR2/nPwBiT+P4hIiOAQqGp/TywZBtDh1yCF2KOd0gpiMZ5jSw3e29mTvmUHzkVQiMS6td7vXUaWOMZnYZlF3So2SjHnwh4jYFxdgpkHHqIrH/54SNdshoQgWYEvccTKe7FS709/5t6NMxuGhcUGAPOQipvWTT4dShyqio7mlsl5noTrb++x6En749zCpQVhDpbV6GDnTbcX2e8K9QaNWHp91eBdCRxthuL0=]]></Encrypt>
<AgentID><![CDATA[1]]></AgentID>
</xml>"""
WECHATPY_REPLY = """<xml>
<MsgType><![CDATA[text]]></MsgType>
<Content><![CDATA[test]]></Content>
<FromUserName><![CDATA[wx49f0ab532d5d035a]]></FromUserName>
<ToUserName><![CDATA[messense]]></ToUserName>
<AgentID>1</AgentID>
<CreateTime>1411525903</CreateTime>
</xml>"""
WECHATPY_REPLY_ENCRYPTED = """<xml>
<Encrypt><![CDATA[9s4gMv99m88kKTh/H8IdkOiMg6bisoy3ypwy9H4hvSPe9nsGaqyw5hhSjdYbcrKk+j3nba4HMOTzHrluLBYqxgNcBqGsL8GqxlhZgURnAtObvesEl5nZ+uBE8bviY0LWke8Zy9V/QYKxNV2FqllNXcfmstttyIkMKCCmVbCFM2JTF5wY0nFhHZSjPUL2Q1qvSUCUld+/WIXrx0oyKQmpB6o8NRrrNrsDf03oxI1p9FxUgMnwKKZeOA/uu+2IEvEBtb7muXsVbwbgX05UPPJvFurDXafG0RQyPR+mf1nDnAtQmmNOuiR5MIkdQ39xn1vWwi1O5oazPoQJz0nTYjxxEE8kv3kFxtAGVRe3ypD3WeK2XeFYFMNMpatF9XiKzHo3]]></Encrypt>
<MsgSignature><![CDATA[407518b7649e86ef23978113f92d27afa9296533]]></MsgSignature>
<TimeStamp>1411525903</TimeStamp>
<Nonce><![CDATA[461056294]]></Nonce>
</xml>"""

MP_TOKEN = "spamtest"
MP_KEY = "abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG"
MP_APPID = "wx2c2769f8efd9abc2"
MP_BODY = """<xml><ToUserName><![CDATA[gh_10f6c3c3ac5a]]></ToUserName><FromUserName><![CDATA[oyORnuP8q7ou2gfYjqLzSIWZf0rs]]></FromUserName><CreateTime>1409735668</CreateTime><MsgType><![CDATA[text]]></MsgType><Content><![CDATA[abcdteT]]></Content><MsgId>6054768590064713728</MsgId><Encrypt><![CDATA[hyzAe4OzmOMbd6TvGdIOO6uBmdJoD0Fk53REIHvxYtJlE2B655HuD0m8KUePWB3+LrPXo87wzQ1QLvbeUgmBM4x6F8PGHQHFVAFmOD2LdJF9FrXpbUAh0B5GIItb52sn896wVsMSHGuPE328HnRGBcrS7C41IzDWyWNlZkyyXwon8T332jisa+h6tEDYsVticbSnyU8dKOIbgU6ux5VTjg3yt+WGzjlpKn6NPhRjpA912xMezR4kw6KWwMrCVKSVCZciVGCgavjIQ6X8tCOp3yZbGpy0VxpAe+77TszTfRd5RJSVO/HTnifJpXgCSUdUue1v6h0EIBYYI1BD1DlD+C0CR8e6OewpusjZ4uBl9FyJvnhvQl+q5rv1ixrcpCumEPo5MJSgM9ehVsNPfUM669WuMyVWQLCzpu9GhglF2PE=]]></Encrypt></xml>"""

TENCENT_TOKEN = "QDG6eK"
TENCENT_KEY = "jWmYm7qr5nMoAUwZRjGtBxmz3KA1tkAj3ykkR6q2B2C"
TENCENT_APPID = "wx5823bf96d3bd56c7"
TENCENT_ENVELOPE = "<xml><ToUserName><![CDATA[wx5823bf96d3bd56c7]]></ToUserName><Encrypt><![CDATA[RypEvHKD8QQKFhvQ6QleEB4J58tiPdvo+rtK1I9qca6aM/wvqnLSV5zEPeusUiX5L5X/0lWfrf0QADHHhGd3QczcdCUpj911L3vg3W/sYYvuJTs3TUUkSUXxaccAS0qhxchrRYt66wiSpGLYL42aM6A8dTT+6k4aSknmPj48kzJs8qLjvd4Xgpue06DOdnLxAUHzM6+kDZ+HMZfJYuR+LtwGc2hgf5gsijff0ekUNXZiqATP7PF5mZxZ3Izoun1s4zG4LUMnvw2r+KqCKIw+3IQH03v+BCA9nMELNqbSf6tiWSrXJB3LAVGUcallcrw8V2t9EL4EhzJWrQUax5wLVMNS0+rUPA3k22Ncx4XXZS9o0MBH27Bo6BpNelZpS+/uh9KsNlY6bHCmJU9p8g7m3fVKn28H3KDYA5Pl/T8Z1ptDAVe0lXdQ2YoyyH2uyPIGHBZZIs2pDBS8R07+qN+E7Q==]]></Encrypt></xml>"

# -- inbound messages as WeChat sends them ------------------------------------------------------

OUR_ACCOUNT = "gh_3a5c2b1d9e7f"
OPENID = "oQ8mZ5xYk2Lr7Vt1Wn3Pq9Sd4Hf6"

TEXT = f"""<xml><ToUserName><![CDATA[{OUR_ACCOUNT}]]></ToUserName>
<FromUserName><![CDATA[{OPENID}]]></FromUserName>
<CreateTime>1718245032</CreateTime>
<MsgType><![CDATA[text]]></MsgType>
<Content><![CDATA[查一下我的流量还剩多少]]></Content>
<MsgId>24601234567890123</MsgId>
</xml>"""

VOICE = f"""<xml><ToUserName><![CDATA[{OUR_ACCOUNT}]]></ToUserName>
<FromUserName><![CDATA[{OPENID}]]></FromUserName>
<CreateTime>1718245101</CreateTime>
<MsgType><![CDATA[voice]]></MsgType>
<MediaId><![CDATA[p3Xh0Wq9ZkT5yR2mLs8VdC1nB6fG4jH7aE0uI9oP2tY5wQ]]></MediaId>
<Format><![CDATA[amr]]></Format>
<MediaId16K><![CDATA[]]></MediaId16K>
<Recognition><![CDATA[我上个月话费怎么扣了这么多]]></Recognition>
<MsgId>24601234567890456</MsgId>
</xml>"""

IMAGE = f"""<xml><ToUserName><![CDATA[{OUR_ACCOUNT}]]></ToUserName>
<FromUserName><![CDATA[{OPENID}]]></FromUserName>
<CreateTime>1718245160</CreateTime>
<MsgType><![CDATA[image]]></MsgType>
<PicUrl><![CDATA[http://mmbiz.qpic.cn/mmbiz_jpg/abc123/0]]></PicUrl>
<MsgId>24601234567890789</MsgId>
<MediaId><![CDATA[Qk8sF2rT6yU1iO9pA3sD7fG0hJ4kL8zX2cV6bN5mM1qW]]></MediaId>
</xml>"""


def event(from_user=OPENID, create_time=1718245200, name="subscribe", key=""):
    return f"""<xml><ToUserName><![CDATA[{OUR_ACCOUNT}]]></ToUserName>
<FromUserName><![CDATA[{from_user}]]></FromUserName>
<CreateTime>{create_time}</CreateTime>
<MsgType><![CDATA[event]]></MsgType>
<Event><![CDATA[{name}]]></Event>
<EventKey><![CDATA[{key}]]></EventKey>
</xml>"""


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


# -- inbound XML --------------------------------------------------------------------------------


def test_parses_a_text_message():
    msg = parse_message(TEXT)
    assert msg == Message(
        to_user=OUR_ACCOUNT,
        from_user=OPENID,
        create_time=1718245032,
        msg_type="text",
        msg_id="24601234567890123",
        text="查一下我的流量还剩多少",
    )


def test_a_voice_message_says_what_wechat_recognised():
    msg = parse_message(VOICE)
    assert (msg.msg_type, msg.text) == ("voice", "我上个月话费怎么扣了这么多")
    assert msg.media_id == "p3Xh0Wq9ZkT5yR2mLs8VdC1nB6fG4jH7aE0uI9oP2tY5wQ"


def test_a_voice_message_without_recognition_has_no_text():
    msg = parse_message(re.sub(r"<Recognition>.*</Recognition>\n", "", VOICE))
    assert (msg.msg_type, msg.text, msg.msg_id) == ("voice", "", "24601234567890456")


def test_an_image_has_its_picture_and_no_text():
    msg = parse_message(IMAGE)
    assert (msg.msg_type, msg.text) == ("image", "")
    assert msg.pic_url == "http://mmbiz.qpic.cn/mmbiz_jpg/abc123/0"
    assert msg.media_id == "Qk8sF2rT6yU1iO9pA3sD7fG0hJ4kL8zX2cV6bN5mM1qW"


def test_a_subscribe_event():
    msg = parse_message(event())
    assert (msg.msg_type, msg.event, msg.event_key, msg.text, msg.msg_id) == (
        "event",
        "subscribe",
        "",
        "",
        None,
    )


def test_a_menu_click_event_has_its_key():
    msg = parse_message(event(name="CLICK", key="QUERY_BALANCE", create_time=1718245300))
    assert (msg.event, msg.event_key, msg.text) == ("CLICK", "QUERY_BALANCE", "")


def test_traditional_characters_are_kept_as_sent():
    # Normalisation to simplified happens later in the pipeline, not at intake.
    msg = parse_message(TEXT.replace("查一下我的流量还剩多少", "查詢一下我的流量還剩多少"))
    assert msg.text == "查詢一下我的流量還剩多少"


def test_bytes_bodies_parse_like_text():
    assert parse_message(TEXT.encode("utf-8")) == parse_message(TEXT)


def test_stray_whitespace_around_ids_is_dropped_but_content_is_not():
    # Tencent's own sample writes <MsgType>  <![CDATA[video]]></MsgType>.
    body = TEXT.replace("<MsgType><![CDATA[text]]>", "<MsgType>  <![CDATA[text]]>").replace(
        "查一下我的流量还剩多少", " 流量 "
    )
    msg = parse_message(body)
    assert (msg.msg_type, msg.text) == ("text", " 流量 ")


def test_parse_envelope_gives_the_account_and_the_ciphertext():
    to_user, encrypted = parse_envelope(TENCENT_ENVELOPE)
    assert to_user == TENCENT_APPID
    assert encrypted.startswith("RypEvHKD8QQ") and encrypted.endswith("+qN+E7Q==")


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ("", "malformed XML"),
        ("<xml><ToUserName>", "malformed XML"),
        ("<message><MsgType>text</MsgType></message>", "root element is <message>"),
        (TEXT.replace("<CreateTime>1718245032</CreateTime>", ""), "no <CreateTime>"),
        (TEXT.replace("1718245032", "昨天"), "CreateTime '昨天' is not a number"),
        (TEXT.replace(OPENID, " "), "no <FromUserName>"),
        ("<xml><ToUserName>gh_1</ToUserName></xml>", "no <Encrypt>"),
    ],
)
def test_malformed_messages_are_refused_with_their_reason(body, message):
    parse = parse_envelope if "Encrypt" in message else parse_message
    with pytest.raises(WeChatError, match=message) as caught:
        parse(body)
    assert caught.value.code == "malformed_xml"


@pytest.mark.parametrize(
    "body",
    [
        # XXE: an external entity that would read a local file.
        '<?xml version="1.0"?><!DOCTYPE xml [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>'
        "<xml><ToUserName>&xxe;</ToUserName></xml>",
        # Billion laughs: nested entities that expand a few bytes into gigabytes.
        '<!DOCTYPE xml [<!ENTITY a "ha"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">'
        '<!ENTITY c "&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;">]><xml><Content>&c;</Content></xml>',
        # A DOCTYPE naming an external DTD, with no entity at all.
        '<!DOCTYPE xml SYSTEM "http://attacker.example/x.dtd"><xml/>',
    ],
)
def test_a_doctype_is_never_parsed(body):
    for parse in (parse_message, parse_envelope):
        with pytest.raises(WeChatError, match="DOCTYPE is refused"):
            parse(body)


def test_an_entity_without_a_doctype_is_malformed():
    with pytest.raises(WeChatError, match="undefined entity"):
        parse_message(TEXT.replace("<![CDATA[查一下我的流量还剩多少]]>", "&xxe;"))


def test_doctype_text_inside_a_message_is_just_text():
    # A customer may paste anything; inside CDATA it is content, not markup.
    msg = parse_message(TEXT.replace("查一下我的流量还剩多少", "<!DOCTYPE html>"))
    assert msg.text == "<!DOCTYPE html>"


def test_oversized_bodies_are_refused_before_parsing():
    padding = "流" * (MAX_BODY_BYTES // 3 + 1)  # three UTF-8 bytes each: over by bytes only
    big = TEXT.replace("查一下我的流量还剩多少", padding)
    assert len(big) < MAX_BODY_BYTES < len(big.encode("utf-8"))
    for body in (big, big.encode("utf-8"), "<xml>" + " " * MAX_BODY_BYTES + "</xml>"):
        with pytest.raises(WeChatError, match="larger than 64 KiB") as caught:
            parse_message(body)
        assert caught.value.code == "too_large"
    with pytest.raises(WeChatError, match="larger than 64 KiB"):
        Crypto(MP_KEY, MP_APPID).decrypt("A" * (MAX_BODY_BYTES + 4))


# -- one utterance per message, however often WeChat retries -----------------------------------


def test_wechats_three_retries_of_a_message_share_one_dedupe_key():
    keys = {parse_message(TEXT).dedupe_key for _ in range(3)}
    assert keys == {"msg:24601234567890123"}
    assert parse_message(VOICE).dedupe_key == "msg:24601234567890456"


def test_different_messages_have_different_dedupe_keys():
    keys = [parse_message(body).dedupe_key for body in (TEXT, VOICE, IMAGE)]
    assert len(keys) == 3 and len(set(keys)) == 3


def test_an_event_is_keyed_by_sender_time_and_event():
    subscribe = parse_message(event())
    assert subscribe.dedupe_key == f"evt:{OPENID}:1718245200:subscribe"
    assert parse_message(event()).dedupe_key == subscribe.dedupe_key  # WeChat's retry
    others = [
        event(from_user="oQ8mZ5xYk2Lr7Vt1Wn3Pq9Sd4Hf7"),  # another customer, same second
        event(create_time=1718245201),  # the same customer a second later
        event(name="unsubscribe"),  # another event in the same second
    ]
    keys = {parse_message(body).dedupe_key for body in others}
    assert len(keys) == 3 and subscribe.dedupe_key not in keys


# -- replies ------------------------------------------------------------------------------------


def test_reply_text_is_the_passive_reply_wechat_expects():
    xml = reply_text(OPENID, OUR_ACCOUNT, "您的流量还剩 2.3GB", 1718245033)
    assert xml == (
        f"<xml><ToUserName><![CDATA[{OPENID}]]></ToUserName>"
        f"<FromUserName><![CDATA[{OUR_ACCOUNT}]]></FromUserName>"
        "<CreateTime>1718245033</CreateTime>"
        "<MsgType><![CDATA[text]]></MsgType>"
        "<Content><![CDATA[您的流量还剩 2.3GB]]></Content></xml>"
    )


def test_a_reply_containing_the_cdata_end_marker_survives():
    text = "结尾是 ]]> 还有 <b>&amp;"
    back = parse_message(reply_text(OPENID, OUR_ACCOUNT, text, 1718245033))
    assert (back.text, back.to_user, back.from_user) == (text, OPENID, OUR_ACCOUNT)


def test_encrypted_reply_refuses_a_timestamp_that_is_not_a_number():
    with pytest.raises(WeChatError, match="timestamp '1<x/>' is not a number"):
        encrypted_reply(Crypto(MP_KEY, MP_APPID), MP_TOKEN, "<xml/>", "1<x/>", "1")


def test_the_immediate_answer_is_success():
    assert ACK_BODY == "success"
    assert wechat.MAX_BODY_BYTES == 64 * 1024
