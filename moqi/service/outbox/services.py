"""The outbox: each message to a customer is written once, delivered through the configured
gateway (gateway.py), retried with backoff and never sent twice (docs/outbox.md).

- `queue` is idempotent on `dedupe_key`; it masks the recipient and body before storing and
  seals a full address (a family member's number, which no customer record holds).
- `deliver_due` claims each due message with an optimistic `UPDATE … WHERE id = ? AND
  status = ? AND attempts = ?`, committed before the gateway is called, so two workers never
  both send it; failures wait 1, 2, 4, 8, 16 minutes, the sixth is final.
- `payment_reminder` queues the 话费代缴通知 to a family member, only with consent recorded.

The server's desk loop (moqi.app) calls `deliver_once` every MOQI_DESK_SWEEP_SECONDS; so can
cron, with `moqi outbox send`.
"""

from __future__ import annotations

import logging
import re
import time
from datetime import UTC, datetime, timedelta, timezone
from decimal import Decimal, InvalidOperation
from typing import Any, cast

from sqlalchemy import CursorResult, and_, or_, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, sessionmaker

from moqi.errors import Invalid, NotFound
from moqi.nlp.mask import mask_pii
from moqi.service.models import Customer, Ticket
from moqi.service.outbox.gateway import Gateway, GatewayError, OutboundMessage, seal, unseal
from moqi.service.outbox.models import OutboxMessage
from moqi.service.services import phone_key

log = logging.getLogger("moqi.outbox")

CHANNELS = {"sms": "短信", "wechat": "微信", "app": "App"}
KINDS = {
    "notice": "通知",
    "progress": "工单进度",
    "survey": "满意度回访",
    "payment_reminder": "话费代缴通知",
    "verify_code": "登录验证码",
}
STATUSES = {"pending": "待发送", "sending": "发送中", "sent": "已发送", "failed": "发送失败"}
KEY_MAX, BODY_MAX, RECIPIENT_MAX, ERROR_MAX, LIST_MAX = 128, 500, 64, 400, 1000
MAX_ATTEMPTS = 6  # the sixth failure is final: 1+2+4+8+16 = 31 minutes after the first try
LEASE = timedelta(minutes=10)  # a claim older than this belongs to a worker that died
BATCH_SECONDS = 60.0  # claim no more after this long, so every claim stays well inside LEASE
BEIJING = timezone(timedelta(hours=8), "北京时间")

_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_SEPARATORS = re.compile(r"[\s\-.()（）]")
_MOBILE = re.compile(r"(?:\+?86)?(1[3-9]\d{9})")
_MOBILE_MASKED = re.compile(r"(?:\+?86)?(1[3-9]\d\*{4}\d{4})")


def backoff(attempts: int) -> timedelta:
    """How long to wait after the `attempts`-th failed try: 1, 2, 4, 8 … minutes, at most an hour."""
    return timedelta(minutes=min(2 ** max(attempts - 1, 0), 60))


def _utc(now: datetime) -> datetime:
    # SQLite keeps timestamps without their offset: every one is stored in UTC.
    return now.replace(tzinfo=UTC) if now.tzinfo is None else now.astimezone(UTC)


def _text(value: str, what: str, limit: int) -> str:
    text = (value or "").strip()
    if not text:
        raise Invalid(f"{what} is empty")
    if len(text) > limit:
        raise Invalid(f"{what} is {len(text)} characters long; at most {limit}")
    if _CONTROL.search(text):
        raise Invalid(f"{what} holds control characters")
    return text


def seal_address(address: str) -> str:
    """An address (a phone number) sealed for storing outside the outbox (a channel's
    conversation keeps where to reply); unseal_address opens it."""
    return seal(address)


def unseal_address(sealed: str) -> str:
    return unseal(sealed)


def _address(channel: str, recipient: str, customer_id: str | None) -> tuple[str, str]:
    """(the masked recipient to store, the sealed full address or "")."""
    if not (recipient or "").strip():
        if customer_id is None:
            raise Invalid("a message needs a recipient or a customer_id to reach anyone")
        return "", ""  # the customer's own address, which the gateway finds by customer_id
    text = _text(recipient, "the recipient", RECIPIENT_MAX)
    if channel == "sms":
        compact = _SEPARATORS.sub("", text)
        if m := _MOBILE.fullmatch(compact):
            return mask_pii(m.group(1)), seal(m.group(1))
        if m := _MOBILE_MASKED.fullmatch(compact):
            if customer_id is None:
                raise Invalid(
                    "a masked number reaches nobody without customer_id: give the full number or the customer"
                )
            return m.group(1), ""
        raise Invalid(
            f"an SMS goes to an 11-digit mobile number, not {mask_pii(text)!r}"
            " (or to the customer's masked number, with customer_id)"
        )
    shown = mask_pii(text)
    return shown, (seal(text) if shown != text else "")


def queue(
    session: Session,
    *,
    dedupe_key: str,
    channel: str,
    kind: str,
    recipient: str,
    body: str,
    now: datetime,
    customer_id: str | None = None,
    ticket_id: int | None = None,
    consent: str = "",
) -> OutboxMessage:
    """Write one message to the outbox, pending delivery; the row already under `dedupe_key`
    when there is one (nothing is written then). Invalid for a bad value, NotFound for an
    unknown customer or ticket; nothing is written either way."""
    key = _text(dedupe_key, "the dedupe key", KEY_MAX)
    if channel not in CHANNELS:
        raise Invalid(f"unknown channel {channel!r}: one of {', '.join(CHANNELS)}")
    if kind not in KINDS:
        raise Invalid(f"unknown kind {kind!r}: one of {', '.join(KINDS)}")
    text = mask_pii(_text(body, "the message body", BODY_MAX))
    consent = mask_pii((consent or "").strip())
    if len(consent) > 200 or _CONTROL.search(consent):
        raise Invalid("the consent note must be at most 200 characters, without control characters")
    if kind == "payment_reminder" and not consent:
        raise Invalid("a payment reminder needs the account holder's consent, recorded")
    if customer_id is not None and session.get(Customer, customer_id) is None:
        raise NotFound(f"no customer {customer_id!r}")
    if ticket_id is not None and session.get(Ticket, ticket_id) is None:
        raise NotFound(f"no ticket {ticket_id}")
    shown, sealed = _address(channel, recipient, customer_id)
    found = session.scalar(select(OutboxMessage).where(OutboxMessage.dedupe_key == key))
    if found is not None:
        return found
    row = OutboxMessage(
        dedupe_key=key,
        channel=channel,
        kind=kind,
        customer_id=customer_id,
        ticket_id=ticket_id,
        recipient=shown,
        recipient_sealed=sealed,
        body=text,
        consent=consent,
        created_at=_utc(now),
    )
    try:
        with session.begin_nested():
            session.add(row)
    except IntegrityError:
        # Another request wrote the same key between our look and our write: theirs stands.
        found = session.scalar(select(OutboxMessage).where(OutboxMessage.dedupe_key == key))
        if found is None:
            raise
        return found
    return row


def payment_reminder(
    session: Session,
    *,
    customer_id: str,
    family_phone: str,
    amount_yuan: Decimal | float | int | str,
    consent_by: str,
    consent_how: str,
    agent: str,
    now: datetime,
    ticket_id: int | None = None,
) -> OutboxMessage:
    """Queue the 话费代缴通知: an SMS to a family member's number saying the customer's balance
    is `amount_yuan` (negative: in arrears), with who consented, how and when stored with it.
    Invalid without consent; one reminder per customer, number and Beijing day."""
    customer = session.get(Customer, customer_id)
    if customer is None:
        raise NotFound(f"no customer {customer_id!r}")
    who = mask_pii((consent_by or "").strip())
    how = mask_pii((consent_how or "").strip())
    if not who or not how:
        raise Invalid(
            "a payment reminder to a family member needs the account holder's consent:"
            " say who agreed (consent_by) and how (consent_how)"
        )
    if len(who) > 40 or len(how) > 60:
        raise Invalid("consent_by is at most 40 characters and consent_how at most 60")
    number = _SEPARATORS.sub("", (family_phone or "").strip())
    m = _MOBILE.fullmatch(number)
    if m is None:
        raise Invalid("the family member's number must be an 11-digit mobile number")
    family = m.group(1)
    tail = "".join(ch for ch in customer.phone_masked if ch.isdigit())[-4:]
    if len(tail) < 4:
        raise Invalid(f"customer {customer_id!r} has no mobile number on record")
    family_key = phone_key(family)
    if customer.phone_key == family_key:
        raise Invalid("that is the customer's own number, not a family member's")
    amount = _yuan(amount_yuan)
    at = _utc(now)
    local = at.astimezone(BEIJING)
    consent = f"{who}同意（{how}），{local:%Y-%m-%d %H:%M}北京时间，经办 {agent}"
    return queue(
        session,
        dedupe_key=f"payment_reminder:{customer.id}:{family_key[-16:]}:{local:%Y%m%d}",
        channel="sms",
        kind="payment_reminder",
        recipient=family,
        body=reminder_text(tail, amount),
        now=at,
        customer_id=customer.id,
        ticket_id=ticket_id,
        consent=consent[:200],
    )


def _yuan(value: Decimal | float | int | str) -> Decimal:
    try:
        amount = Decimal(str(value)).quantize(Decimal("0.01"))
    except (InvalidOperation, ValueError):
        raise Invalid(f"the amount must be a number of yuan, not {value!r}") from None
    if not amount.is_finite() or abs(amount) > 100_000:
        raise Invalid("the amount must be between -100000 and 100000 yuan")
    return amount if amount else Decimal("0.00")  # never "-0.00"


def reminder_text(tail: str, amount: Decimal) -> str:
    """The SMS a family member reads. Brand-neutral: the SMS platform adds the operator's
    registered signature (【…】). Only the last four digits of the customer's number appear."""
    where = "可通过营业厅、官方App或拨打客服热线为其代缴话费"
    if amount < 0:
        return (
            f"您好，您的家人（手机尾号{tail}）已欠费{-amount}元，为免停机影响使用，{where}。"
            "本通知经机主同意发送。"
        )
    return (
        f"您好，您的家人（手机尾号{tail}）话费余额为{amount}元，余额不足可能影响正常通话和上网，"
        f"{where}。本通知经机主同意发送。"
    )


def listing(session: Session, status: str | None = None, limit: int = 200) -> list[OutboxMessage]:
    """The newest messages first, of one status when given."""
    if status is not None and status not in STATUSES:
        raise Invalid(f"unknown status {status!r}: one of {', '.join(STATUSES)}")
    if not 1 <= limit <= LIST_MAX:
        raise Invalid(f"the limit must be 1–{LIST_MAX}, not {limit}")
    query = select(OutboxMessage).order_by(OutboxMessage.id.desc()).limit(limit)
    if status is not None:
        query = query.where(OutboxMessage.status == status)
    return list(session.scalars(query))


def get(session: Session, message_id: int) -> OutboxMessage:
    """One message; NotFound when there is none."""
    row = session.get(OutboxMessage, message_id)
    if row is None:
        raise NotFound(f"no outbox message {message_id}")
    return row


def deliver_due(
    session: Session, gateway: Gateway, *, now: datetime, limit: int = 100
) -> dict[str, int]:
    """Send the messages due at `now` (oldest first, at most `limit`) through `gateway`;
    returns counts: sent, retry (failed, tried again later), failed (for good), skipped
    (another worker claimed it first).

    Commits the session, around every send: a claim must be visible to the other workers
    before the gateway is called, and each outcome is kept whatever happens to the next."""
    start, now = time.monotonic(), _utc(now)
    counts = {"sent": 0, "retry": 0, "failed": 0, "skipped": 0}
    due = session.execute(
        select(OutboxMessage.id, OutboxMessage.status, OutboxMessage.attempts)
        .where(
            or_(
                and_(
                    OutboxMessage.status == "pending",
                    or_(OutboxMessage.next_try_at.is_(None), OutboxMessage.next_try_at <= now),
                ),
                # A claim whose worker died before it recorded the outcome.
                and_(OutboxMessage.status == "sending", OutboxMessage.next_try_at <= now),
            )
        )
        .order_by(OutboxMessage.id)
        .limit(limit)
    ).all()
    session.commit()  # end the read: on SQLite a reader that then writes can be refused
    for message_id, status, attempts in due:
        elapsed = int(time.monotonic() - start)  # `now` moves on with the batch, by the second
        if elapsed > BATCH_SECONDS:
            break  # the rest wait for the next round, so no claim outlives its lease
        at = now + timedelta(seconds=elapsed)
        outcome = _deliver_one(session, gateway, message_id, status, attempts, at)
        counts[outcome] += 1
    return counts


def _update(
    session: Session, message_id: int, status: str, attempts: int, /, **values: Any
) -> bool:
    """Set `values` on a message still at this status and try count (optimistic); commits."""
    result = session.execute(
        update(OutboxMessage)
        .where(
            OutboxMessage.id == message_id,
            OutboxMessage.status == status,
            OutboxMessage.attempts == attempts,
        )
        .values(**values)
        .execution_options(synchronize_session=False)
    )
    session.commit()
    return cast(CursorResult[Any], result).rowcount == 1


def _deliver_one(
    session: Session, gateway: Gateway, message_id: int, status: str, attempts: int, at: datetime
) -> str:
    tries = attempts + 1
    if not _update(
        session,
        message_id,
        status,
        attempts,
        status="sending",
        attempts=tries,
        next_try_at=at + LEASE,
    ):
        return "skipped"
    row = session.get(OutboxMessage, message_id, populate_existing=True)
    assert row is not None  # claimed just now; nothing deletes outbox rows
    sealed, plain = row.recipient_sealed, OutboundMessage.from_row(row)
    session.commit()  # no transaction stays open while the gateway works
    error, permanent = "", False
    try:
        gateway.send(OutboundMessage.from_row(row, unseal(sealed)) if sealed else plain)
    except GatewayError as exc:
        error, permanent = str(exc) or type(exc).__name__, exc.permanent
    except Exception as exc:  # noqa: BLE001 - a broken gateway must not cost the other messages
        # Logged below, masked: a traceback could carry the number in the exception's text.
        error = f"{type(exc).__name__}: {exc}"
    if not error:
        outcome = "sent"
        values: dict[str, Any] = {"status": "sent", "sent_at": at, "gateway": gateway.name}
        values |= {"next_try_at": None, "last_error": ""}
    else:
        error = mask_pii(error)[:ERROR_MAX]
        final = permanent or tries >= MAX_ATTEMPTS
        outcome = "failed" if final else "retry"
        values = {"status": "failed" if final else "pending", "last_error": error}
        values["next_try_at"] = None if final else at + backoff(tries)
        log.warning("outbox %d: try %d failed: %s", message_id, tries, error)
    if not _update(session, message_id, "sending", tries, **values):
        # Our lease ran out and another worker took the message over: its outcome stands.
        log.warning("outbox %d: outcome of try %d not recorded: claimed again", message_id, tries)
    return outcome


def deliver_once(
    factory: sessionmaker[Session], gateway: Gateway, *, now: datetime, limit: int = 100
) -> dict[str, int]:
    """One round of `deliver_due` in a session of its own (for a loop, a thread or cron)."""
    with factory() as session:
        return deliver_due(session, gateway, now=now, limit=limit)
