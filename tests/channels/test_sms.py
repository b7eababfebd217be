"""The SMS webhook: only our gateway's signed posts are read, every malformed body is refused
with a reason, numbers are read however they are written, and a retry is one message."""

import json
from datetime import timedelta

import pytest

from moqi.channels.inbound import Inbound
from moqi.channels.sms import (
    MAX_BODY_BYTES,
    MAX_TEXT_CHARS,
    SmsError,
    SmsMessage,
    check,
    inbound,
    parse,
    phone_number,
)
from moqi.errors import Invalid
from moqi.service.outbox.gateway import sign

SECRET = "s3cret-for-tests"
GOOD = {
    "id": "gw-20260301-0001",
    "from": "+86 138 0000 1001",
    "text": "CXHF",
    "time": "2026-03-01T09:30:00+08:00",
}


def body(**changes: object) -> bytes:
    doc = {**GOOD, **changes}
    return json.dumps({k: v for k, v in doc.items() if v is not ...}, ensure_ascii=False).encode()


# -- the signature ------------------------------------------------------------------------------


def test_a_signed_body_passes():
    raw = body()
    check(SECRET, raw, sign(SECRET, raw))  # no error
    check(SECRET, raw, "  " + sign(SECRET, raw) + " ")  # header whitespace is not the signature


@pytest.mark.parametrize(
    "signature",
    [
        sign("another secret", body()),  # signed by someone else
        sign(SECRET, body(text="TD ABC")),  # signature of another body
        sign(SECRET, body())[len("sha256=") :],  # the hex without the scheme
        "sha256=" + "0" * 64,
        "sha256=签名",  # non-ASCII: a mismatch, not a TypeError from compare_digest
    ],
)
def test_a_wrong_signature_is_refused(signature):
    with pytest.raises(SmsError) as e:
        check(SECRET, body(), signature)
    assert e.value.code == "bad_signature"


@pytest.mark.parametrize("signature", ["", "   "])
def test_a_missing_signature_is_refused(signature):
    with pytest.raises(SmsError, match="missing") as e:
        check(SECRET, body(), signature)
    assert e.value.code == "bad_signature"


def test_a_tampered_body_is_refused():
    raw = body()
    signature = sign(SECRET, raw)
    tampered = raw.replace(b"CXHF", b"CXLL")
    assert tampered != raw
    with pytest.raises(SmsError) as e:
        check(SECRET, tampered, signature)
    assert e.value.code == "bad_signature"


def test_no_secret_refuses_everything():
    raw = body()
    with pytest.raises(SmsError) as e:
        check("", raw, sign("", raw))  # an HMAC under "" is one anybody can make
    assert e.value.code == "no_secret"


def test_sms_errors_are_invalid():
    assert issubclass(SmsError, Invalid)


# -- the body -----------------------------------------------------------------------------------


def test_parses_a_message():
    msg = parse(body())
    assert msg == SmsMessage(
        id="gw-20260301-0001", phone="13800001001", text="CXHF", sent_at=msg.sent_at
    )
    assert msg.sent_at.utcoffset() == timedelta(hours=8)
    assert (msg.sent_at.year, msg.sent_at.hour, msg.sent_at.minute) == (2026, 9, 30)


def test_the_text_is_kept_as_sent():
    assert parse(body(text=" 查話費，謝謝 ")).text == " 查話費，謝謝 "


def test_utc_z_is_an_offset():
    assert parse(body(time="2026-03-01T01:30:00Z")).sent_at.utcoffset() == timedelta(0)


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("13800001001", "13800001001"),
        ("+8613800001001", "13800001001"),
        ("8613800001001", "13800001001"),
        ("008613800001001", "13800001001"),
        ("+86 138 0000 1001", "13800001001"),
        ("138-0000-1001", "13800001001"),
        ("１３８００００１００１", "13800001001"),  # full-width digits
        ("＋８６　１９９１２３４５６７８", "19912345678"),  # full-width plus, ideographic space
    ],
)
def test_phone_forms(raw, expected):
    assert phone_number(raw) == expected
    assert parse(body(**{"from": raw})).phone == expected


@pytest.mark.parametrize(
    "raw",
    [
        "12800001001",  # 12x is not a mobile prefix
        "1380000100",  # ten digits
        "138000010011",  # twelve
        "+8513800001001",  # not China's country code
        "010-12345678",  # a landline
        "138OOOO1001",  # letters O for zeros
        "١٣٨٠٠٠٠١٠٠١",  # Arabic-Indic digits are digits to str.isdigit, not to us
    ],
)
def test_bad_phone_numbers_are_refused(raw):
    with pytest.raises(SmsError, match="mobile number") as e:
        parse(body(**{"from": raw}))
    assert e.value.code == "bad_phone"


@pytest.mark.parametrize(
    ("raw", "code", "words"),
    [
        (b"CXHF", "not_json", "not JSON"),
        (b"", "not_json", "not JSON"),
        (b'{"id": "1", ', "not_json", "not JSON"),
        ("{}".encode("utf-16"), "not_json", "not UTF-8"),
        (b'["id", "from"]', "not_object", "JSON object, not list"),
        (b'"CXHF"', "not_object", "JSON object, not str"),
        (b"null", "not_object", "JSON object, not NoneType"),
        (body()[:-1] + b', "text": "TD X"}', "not_object", "'text' twice"),
    ],
)
def test_bodies_that_are_not_a_message_object(raw, code, words):
    with pytest.raises(SmsError, match=words) as e:
        parse(raw)
    assert e.value.code == code


@pytest.mark.parametrize("field", ["id", "from", "text", "time"])
@pytest.mark.parametrize("value", [..., None, "", "   "])
def test_missing_or_empty_fields(field, value):
    with pytest.raises(SmsError, match=repr(field)) as e:
        parse(body(**{field: value}))
    assert e.value.code == "missing_field"


@pytest.mark.parametrize("field", ["id", "from", "text", "time"])
def test_fields_must_be_strings(field):
    with pytest.raises(SmsError, match="must be a string, not int") as e:
        parse(body(**{field: 13800001001}))
    assert e.value.code == "missing_field"


@pytest.mark.parametrize("msg_id", ["a" * 65, "gw 0001", "网关0001"])
def test_bad_ids(msg_id):
    with pytest.raises(SmsError, match="'id'") as e:
        parse(body(id=msg_id))
    assert e.value.code == "bad_field"


def test_a_nul_in_the_text_is_refused():
    with pytest.raises(SmsError, match="NUL") as e:
        parse(body(text="CX\x00HF"))
    assert e.value.code == "bad_field"


def test_text_length_limit():
    assert len(parse(body(text="话" * MAX_TEXT_CHARS)).text) == MAX_TEXT_CHARS
    with pytest.raises(SmsError, match="1001 characters") as e:
        parse(body(text="话" * (MAX_TEXT_CHARS + 1)))
    assert e.value.code == "text_too_long"


@pytest.mark.parametrize(
    ("time", "words"),
    [
        ("2026-03-01T09:30:00", "no UTC offset"),  # naive
        ("2026-03-01", "no UTC offset"),  # a date is naive too
        ("yesterday", "not an ISO 8601"),
        ("2026-13-01T09:30:00+08:00", "not an ISO 8601"),
        ("1709256600", "not an ISO 8601"),  # Unix seconds are not the contract
    ],
)
def test_bad_times(time, words):
    with pytest.raises(SmsError, match=words) as e:
        parse(body(time=time))
    assert e.value.code == "bad_time"


def test_an_oversized_body_is_refused_before_it_is_read():
    raw = b" " * (MAX_BODY_BYTES + 1)  # would be "not JSON" if it were read
    with pytest.raises(SmsError, match="limit") as e:
        parse(raw)
    assert e.value.code == "too_large"


def test_unknown_fields_are_ignored():
    # Gateways add their own fields (channel, port, carrier); the contract's four are read.
    assert parse(body(port="1065712345", carrier="cmcc")).text == "CXHF"


# -- the Inbound --------------------------------------------------------------------------------


def test_inbound_of_an_sms():
    msg = parse(body())
    assert inbound(msg, "ph:4f2a9c") == Inbound(
        channel="sms", sender="ph:4f2a9c", key="msg:gw-20260301-0001", kind="text", text="CXHF"
    )


def test_a_retry_is_the_same_message():
    first = parse(body())
    # The gateway's retry: same id, re-serialised (another key order, another number form).
    retry_doc = {"time": GOOD["time"], "text": "CXHF", "from": "13800001001", "id": GOOD["id"]}
    retry = parse(json.dumps(retry_doc).encode())
    assert inbound(first, "k").key == inbound(retry, "k").key
    assert inbound(parse(body(id="gw-20260301-0002")), "k").key != inbound(first, "k").key


@pytest.mark.parametrize("sender", ["13800001001", "sms:13800001001", ""])
def test_the_raw_number_is_never_the_sender(sender):
    with pytest.raises(SmsError):
        inbound(parse(body()), sender)
