"""Signing in to the portal with a one-time SMS code, and the customer's session.

A number is asked for a code; when it belongs to a stored customer a 6-digit code goes out
through the outbox (kind "verify_code"), otherwise nothing is sent. Either way the same row
is written and the same answer given, so the page never tells whether a number is ours.
The code is kept as an HMAC; it lives CODE_MINUTES, dies after MAX_TRIES wrong guesses, and a
new one is given at most every RESEND_SECONDS and PER_HOUR times an hour per number (the page
also limits each client address). A session is a random token in an HttpOnly cookie; the row
keeps its SHA-256 and the customer, nothing else.
"""

from __future__ import annotations

import hashlib
import hmac
import re
import secrets
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from moqi import errors
from moqi.channels.portal.content import PortalContent
from moqi.channels.portal.models import PortalCode, PortalSession
from moqi.nlp.normalize import normalize
from moqi.secret import instance_secret
from moqi.service import services as desk
from moqi.service.outbox import services as outbox

CODE_MINUTES = 5
MAX_TRIES = 5
RESEND_SECONDS = 60
PER_HOUR, PER_DAY = 5, 10
SESSION_MINUTES = 30  # idle time after which a customer signs in again
MAX_INPUT = 32
_CN_DIGITS = str.maketrans("零〇一二三四五六七八九幺", "001234567891")
_SEPARATORS = re.compile(r"[\s\-.()（）]")
_MOBILE = re.compile(r"(?:\+?86)?(1[3-9]\d{9})")
_CODE = re.compile(r"\d{6}")


class TooMany(errors.Conflict):
    """Asked again too soon or too often; `retry_after` seconds until it may be asked again."""

    def __init__(self, message: str, retry_after: int) -> None:
        super().__init__(message, code="too_many", retry_after=retry_after)
        self.retry_after = retry_after


@dataclass(frozen=True, slots=True)
class Refused:
    """A code that did not sign in: wrong (counted as a try), used, expired or dead. Returned,
    not raised, so the caller keeps the try it counted when it commits."""

    message: str


@dataclass(frozen=True, slots=True)
class Verified:
    token: str  # for the cookie; only its hash is stored
    customer_id: str


def _utc(at: datetime) -> datetime:
    return at.replace(tzinfo=UTC) if at.tzinfo is None else at.astimezone(UTC)


def phone_number(raw: object) -> str:
    """The 11-digit mobile number in what was typed: full-width (１３８…), Chinese numerals
    (一三八…), spaces, dashes and a +86 prefix are accepted; Invalid otherwise."""
    if not isinstance(raw, str) or not raw.strip():
        raise errors.Invalid("请输入手机号码")
    if len(raw) > MAX_INPUT:
        raise errors.Invalid("手机号码格式不正确")
    text = _SEPARATORS.sub("", normalize(raw.strip()).translate(_CN_DIGITS))
    m = _MOBILE.fullmatch(text)
    if m is None:
        raise errors.Invalid("手机号码格式不正确：请输入 11 位手机号码")
    return m.group(1)


def code_typed(raw: object) -> str:
    """The 6 digits typed (full-width and spaces accepted); Invalid otherwise."""
    if not isinstance(raw, str) or len(raw) > MAX_INPUT:
        raise errors.Invalid("请输入 6 位数字验证码")
    text = _SEPARATORS.sub("", normalize(raw.strip()).translate(_CN_DIGITS))
    if not _CODE.fullmatch(text):
        raise errors.Invalid("请输入 6 位数字验证码")
    return text


def _code_hash(phone_key: str, code: str) -> str:
    # Keyed with the instance secret: a million codes are quickly tried against a bare hash.
    return hmac.new(
        instance_secret(), f"moqi-portal-code:{phone_key}:{code}".encode(), hashlib.sha256
    ).hexdigest()


def token_hash(token: str) -> str:
    return hashlib.sha256(f"moqi-portal:{token}".encode()).hexdigest()


def masked_address(address: str) -> str:
    """A client address as stored: an IPv4 /24 or an IPv6 /48, enough to see a flood."""
    if "." in address:
        return ".".join(address.split(".")[:3]) + ".0/24"
    if ":" in address:
        return ":".join(address.split(":")[:3]) + "::/48"
    return address[:16]


def request_code(
    session: Session, raw_phone: object, *, content: PortalContent, now: datetime, address: str
) -> None:
    """Ask for a sign-in code for a number: queued by SMS when the number is a customer's.
    Invalid for a malformed number, TooMany within the throttle; nothing written then."""
    phone = phone_number(raw_phone)
    key = desk.phone_key(phone)
    now = _utc(now)
    last = session.scalar(
        select(func.max(PortalCode.created_at)).where(PortalCode.phone_key == key)
    )
    if last is not None:
        wait = RESEND_SECONDS - int((now - _utc(last)).total_seconds())
        if wait > 0:
            raise TooMany(f"验证码已发送，请 {wait} 秒后再试", wait)
    for window, limit in ((timedelta(hours=1), PER_HOUR), (timedelta(days=1), PER_DAY)):
        sent = session.scalar(
            select(func.count())
            .select_from(PortalCode)
            .where(PortalCode.phone_key == key, PortalCode.created_at > now - window)
        )
        if (sent or 0) >= limit:
            raise TooMany("该号码获取验证码过于频繁，请稍后再试", int(window.total_seconds()))
    try:
        customer = desk.find_customer(session, phone)
    except errors.NotFound:
        customer = None
    code = f"{secrets.randbelow(10**6):06d}"
    row = PortalCode(
        phone_key=key,
        customer_id=customer.id if customer else None,
        code_hash=_code_hash(key, code),
        created_at=now,
        expires_at=now + timedelta(minutes=CODE_MINUTES),
        tries=0,
        address=masked_address(address),
    )
    session.add(row)
    session.flush()
    if customer is not None:
        outbox.queue(
            session,
            dedupe_key=f"portal-code:{row.id}",
            channel="sms",
            kind="verify_code",
            recipient=phone,
            body=content.sms.format(code=code, minutes=CODE_MINUTES),
            now=now,
            customer_id=customer.id,
        )


def verify(
    session: Session, raw_phone: object, raw_code: object, *, now: datetime
) -> Verified | Refused:
    """Check a typed code against the number's newest code: a session for its customer, or
    Refused for a wrong (counted as a try), used, expired or dead one. Invalid for a number
    or code that is malformed (nothing counted)."""
    phone = phone_number(raw_phone)
    code = code_typed(raw_code)
    now = _utc(now)
    row = session.scalar(
        select(PortalCode)
        .where(PortalCode.phone_key == desk.phone_key(phone))
        .order_by(PortalCode.created_at.desc(), PortalCode.id.desc())
        .limit(1)
    )
    dead = "验证码错误或已失效，请重新获取"
    if row is None or row.used_at is not None or row.tries >= MAX_TRIES:
        return Refused(dead)
    if now >= _utc(row.expires_at):
        return Refused("验证码已过期，请重新获取")
    right = hmac.compare_digest(_code_hash(row.phone_key, code), row.code_hash)
    if not right or row.customer_id is None:
        row.tries += 1
        session.flush()
        left = MAX_TRIES - row.tries
        return Refused(f"验证码错误，还可以再试 {left} 次" if left > 0 else dead)
    row.used_at = now
    token = secrets.token_urlsafe(32)
    session.add(
        PortalSession(
            token_hash=token_hash(token),
            customer_id=row.customer_id,
            created_at=now,
            expires_at=now + timedelta(minutes=SESSION_MINUTES),
        )
    )
    session.flush()
    return Verified(token=token, customer_id=row.customer_id)


def customer_of(session: Session, token: str | None, *, now: datetime) -> str | None:
    """The customer id of a live session token (its idle time restarts); None otherwise."""
    if not token or len(token) > 128:
        return None
    row = session.scalar(select(PortalSession).where(PortalSession.token_hash == token_hash(token)))
    now = _utc(now)
    if row is None or row.ended_at is not None or now >= _utc(row.expires_at):
        return None
    row.expires_at = now + timedelta(minutes=SESSION_MINUTES)
    return row.customer_id


def sign_out(session: Session, token: str | None, *, now: datetime) -> None:
    """End the session of a token (nothing when there is none)."""
    if not token or len(token) > 128:
        return
    row = session.scalar(select(PortalSession).where(PortalSession.token_hash == token_hash(token)))
    if row is not None and row.ended_at is None:
        row.ended_at = _utc(now)
