"""Signing in with an SMS code: the right code opens a session once; five wrong ones kill it;
it expires after five minutes; a new one waits a minute and is rationed per number; numbers
are typed any way a phone keyboard allows; bad input is refused with nothing written; no row
holds a number, a code or a token in the clear."""

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select

from moqi.channels.portal import content, signin
from moqi.channels.portal.models import PortalCode, PortalSession
from moqi.db import session_scope
from moqi.errors import Invalid
from moqi.service.outbox.models import OutboxMessage
from tests.channels.portal.conftest import CHEN, UNKNOWN, WANG
from tests.conftest import count

T0 = datetime(2026, 12, 7, 10, 0, tzinfo=UTC)


def _ask(db, phone, at=T0, address="10.1.2.3"):
    with session_scope(db) as s:
        signin.request_code(s, phone, content=content.shipped(), now=at, address=address)


def _verify(db, phone, code, at=T0):
    """The customer's id signed in; Invalid with the refusal's message otherwise (after the
    try it counted is committed, as the page does)."""
    with session_scope(db) as s:
        result = signin.verify(s, phone, code, now=at)
    if isinstance(result, signin.Refused):
        raise Invalid(result.message)
    return result


def _wrong(code: str) -> str:
    return f"{(int(code) + 1) % 10**6:06d}"


def test_the_right_code_signs_in_once_and_the_session_knows_the_customer(loaded_db, sms_code):
    _ask(loaded_db, WANG)
    code = sms_code("C1001")
    verified = _verify(loaded_db, WANG, code, T0 + timedelta(minutes=1))
    assert verified.customer_id == "C1001"
    with session_scope(loaded_db) as s:
        assert signin.customer_of(s, verified.token, now=T0 + timedelta(minutes=2)) == "C1001"
        row = s.scalar(select(PortalSession))
        assert verified.token not in row.token_hash and len(row.token_hash) == 64
    with pytest.raises(Invalid, match="失效"):
        _verify(loaded_db, WANG, code, T0 + timedelta(minutes=2))  # a code works once
    with session_scope(loaded_db) as s:
        signin.sign_out(s, verified.token, now=T0 + timedelta(minutes=3))
    with session_scope(loaded_db) as s:
        assert signin.customer_of(s, verified.token, now=T0 + timedelta(minutes=4)) is None


def test_a_session_ends_after_thirty_idle_minutes(loaded_db, sms_code):
    _ask(loaded_db, WANG)
    token = _verify(loaded_db, WANG, sms_code("C1001")).token
    with session_scope(loaded_db) as s:
        assert signin.customer_of(s, token, now=T0 + timedelta(minutes=29)) == "C1001"
    with session_scope(loaded_db) as s:  # the use above restarted the idle time
        assert signin.customer_of(s, token, now=T0 + timedelta(minutes=58)) == "C1001"
    with session_scope(loaded_db) as s:
        assert signin.customer_of(s, token, now=T0 + timedelta(minutes=89)) is None
        assert signin.customer_of(s, "forged-token", now=T0) is None


def test_five_wrong_codes_kill_the_code_even_for_the_right_one_after(loaded_db, sms_code):
    _ask(loaded_db, WANG)
    code = sms_code("C1001")
    for left in (4, 3, 2, 1):
        with pytest.raises(Invalid, match=f"还可以再试 {left} 次"):
            _verify(loaded_db, WANG, _wrong(code))
    with pytest.raises(Invalid, match="失效"):
        _verify(loaded_db, WANG, _wrong(code))
    with pytest.raises(Invalid, match="失效"):
        _verify(loaded_db, WANG, code)
    assert count(loaded_db, PortalSession) == 0


def test_a_code_expires_after_five_minutes(loaded_db, sms_code):
    _ask(loaded_db, WANG)
    with pytest.raises(Invalid, match="过期"):
        _verify(loaded_db, WANG, sms_code("C1001"), T0 + timedelta(minutes=5))


def test_a_new_code_waits_a_minute_and_is_rationed_per_number(loaded_db, sms_code):
    _ask(loaded_db, WANG)
    with pytest.raises(signin.TooMany, match="秒后再试") as soon:
        _ask(loaded_db, WANG, T0 + timedelta(seconds=20))
    assert soon.value.retry_after == 40
    _ask(loaded_db, CHEN, T0 + timedelta(seconds=20))  # another number is not held up
    for n in range(1, 5):
        _ask(loaded_db, WANG, T0 + timedelta(minutes=2 * n))
    with pytest.raises(signin.TooMany, match="过于频繁"):
        _ask(loaded_db, WANG, T0 + timedelta(minutes=20))
    # Only the newest code counts: the first one no longer signs in.
    newest = sms_code("C1001")
    with session_scope(loaded_db) as s:
        assert s.scalar(select(PortalCode.tries).order_by(PortalCode.id.desc()).limit(1)) == 0
    assert _verify(loaded_db, WANG, newest, T0 + timedelta(minutes=9)).customer_id == "C1001"


@pytest.mark.parametrize(
    "typed",
    [
        "１３８００００１００１",
        "138 0000 1001",
        "+86-138-0000-1001",
        "一三八零零零零一零零一",
        "86 13800001001",
    ],
    ids=["full-width", "spaces", "plus86-dashes", "chinese-numerals", "86-prefix"],
)
def test_a_number_is_accepted_as_a_phone_keyboard_types_it(loaded_db, sms_code, typed):
    _ask(loaded_db, typed)
    code = sms_code("C1001")
    assert (
        _verify(loaded_db, WANG, "".join(chr(ord(c) + 0xFEE0) for c in code)).customer_id == "C1001"
    )


def test_an_unknown_number_writes_the_same_row_and_sends_nothing_and_never_signs_in(loaded_db):
    _ask(loaded_db, UNKNOWN)
    assert count(loaded_db, OutboxMessage) == 0
    with pytest.raises(signin.TooMany):
        _ask(loaded_db, UNKNOWN, T0 + timedelta(seconds=5))  # throttled alike
    for _ in range(5):
        with pytest.raises(Invalid):
            _verify(loaded_db, UNKNOWN, "123456")
    assert count(loaded_db, PortalSession) == 0


@pytest.mark.parametrize(
    "phone",
    [
        "",
        "   ",
        "1380000100",
        "23800001001",
        "1" * 40,
        "13800001001' OR 1=1 --",
        "<script>",
        None,
        13800001001,
    ],
    ids=["empty", "blank", "short", "not-mobile", "oversized", "injection", "html", "none", "int"],
)
def test_a_malformed_number_is_refused_with_nothing_written(loaded_db, phone):
    with pytest.raises(Invalid, match="手机号码"):
        _ask(loaded_db, phone)
    assert count(loaded_db, PortalCode) == 0 and count(loaded_db, OutboxMessage) == 0


@pytest.mark.parametrize("code", ["", "12345", "1234567", "abcdef", "1" * 100, None])
def test_a_malformed_code_is_refused_without_counting_a_try(loaded_db, sms_code, code):
    _ask(loaded_db, WANG)
    with pytest.raises(Invalid, match="6 位数字"):
        _verify(loaded_db, WANG, code)
    with session_scope(loaded_db) as s:
        assert s.scalar(select(PortalCode.tries)) == 0


def test_no_row_keeps_the_number_or_the_code_in_clear(loaded_db, sms_code):
    _ask(loaded_db, WANG, address="203.0.113.77")
    code = sms_code("C1001")
    with session_scope(loaded_db) as s:
        row = s.scalar(select(PortalCode))
        stored = " ".join(str(v) for v in (row.phone_key, row.code_hash, row.address))
        message = s.scalar(select(OutboxMessage))
        assert message.recipient == "138****1001" and WANG not in message.body
    assert WANG not in stored and "1001" not in stored and code not in stored
    assert row.address == "203.0.113.0/24"
