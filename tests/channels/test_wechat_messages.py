"""WeChat inbound XML and replies: one Message per message however often WeChat retries it,
no DOCTYPE or oversized body ever parsed, and the passive replies WeChat expects."""

import re

import pytest

from moqi.channels import wechat
from moqi.channels.wechat import (
    ACK_BODY,
    MAX_BODY_BYTES,
    Crypto,
    Message,
    WeChatError,
    encrypted_reply,
    parse_envelope,
    parse_message,
    reply_text,
)
from tests.channels.wechat_samples import (
    IMAGE,
    MP_APPID,
    MP_KEY,
    MP_TOKEN,
    OPENID,
    OUR_ACCOUNT,
    TENCENT_APPID,
    TENCENT_ENVELOPE,
    TEXT,
    VOICE,
    event,
)

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
