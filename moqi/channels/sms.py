"""The SMS inbound webhook: the gateway's signed JSON post, checked and turned into an `Inbound`.

The operator's SMS gateway (a 106 port or the carrier's platform) posts each message it
receives on the service number as JSON

    {"id": "<gateway message id>", "from": "<phone>", "text": "...", "time": "<ISO 8601>"}

with the header `X-Moqi-Signature: sha256=<hex HMAC-SHA256 of the raw body>` under
MOQI_SMS_SECRET: the scheme moqi's own outbound gateway signs with (outbox/gateway.py), so
one secret and one line of code on either side. Gateways retry a post they got no 2xx for,
with the same `id`: the Inbound's key is built from the id alone, so a retry is one message.

The raw number never leaves this module in an Inbound: the caller derives the sender (a
keyed, non-reversible id of the phone) and `inbound` refuses a sender that holds the number.

Pure: no database, no web, no clock read. The text is kept as sent; normalisation happens
in the intake, and command matching in selfservice.py.
"""

from __future__ import annotations

import json
import re
import unicodedata
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from moqi.channels.inbound import Inbound
from moqi.errors import Invalid
from moqi.service.outbox.gateway import verify

CHANNEL = "sms"
SIGNATURE_HEADER = "X-Moqi-Signature"
SECRET_ENV = "MOQI_SMS_SECRET"
# One SMS is at most a few hundred bytes of JSON; the limit only keeps a hostile post cheap.
MAX_BODY_BYTES = 16 * 1024
# A long SMS is reassembled from 67-character parts; ten or so is the practical ceiling, so a
# thousand characters is no customer's message.
MAX_TEXT_CHARS = 1000
# Gateway ids are short tokens; this keeps the dedupe key well inside its 200-character column.
MAX_ID_CHARS = 64
MAX_SENDER_CHARS = 128

# A mainland mobile number: 1, then 3–9, then nine digits; optionally after 86 / +86 / 0086.
_MOBILE = re.compile(r"(?:\+86|0086|86)?(1[3-9][0-9]{9})")
# What people and gateways put between digits: spaces (NFKC makes the ideographic one and the
# no-break one plain) and hyphens.
_PHONE_SEPARATORS = re.compile(r"[\s\-]+")
_GATEWAY_ID = re.compile(r"[!-~]+")  # printable ASCII, no spaces


class SmsError(Invalid):
    """An SMS post we refuse; `code` names the check (the route answers bad_signature 403,
    too_large 413, anything else 400)."""


@dataclass(frozen=True, slots=True)
class SmsMessage:
    """One inbound SMS as the gateway reported it."""

    id: str  # the gateway's message id, the same on its retries
    phone: str  # 11 ASCII digits, no country code: 13800001001
    text: str  # as sent
    sent_at: datetime  # aware, in the gateway's offset


# -- the signature ------------------------------------------------------------------------------


def check(secret: str, body: bytes, signature: str) -> None:
    """Refuse a post whose X-Moqi-Signature does not sign `body` under `secret`.

    Check before parsing: only a signed body is worth reading. An empty secret is refused
    rather than used, since an HMAC under "" is one anybody can compute."""
    if not secret:
        raise SmsError(f"{SECRET_ENV} is not set: every SMS post is refused", code="no_secret")
    if not signature or not signature.strip():
        raise SmsError(f"the {SIGNATURE_HEADER} header is missing", code="bad_signature")
    # compare_digest refuses a non-ASCII str with TypeError; a header may carry anything.
    if not signature.isascii() or not verify(secret, body, signature):
        raise SmsError(
            f"{SIGNATURE_HEADER} does not sign this body: not from our gateway",
            code="bad_signature",
        )


# -- the body -----------------------------------------------------------------------------------


def _no_duplicate_keys(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    # Parsers disagree on which of two equal keys wins; a signed body must mean one thing.
    out: dict[str, Any] = {}
    for key, value in pairs:
        if key in out:
            raise SmsError(f"the body names {key!r} twice", code="not_object")
        out[key] = value
    return out


def _string(doc: dict[str, Any], field: str) -> str:
    if field not in doc or doc[field] is None:
        raise SmsError(f"the body has no {field!r}", code="missing_field")
    value = doc[field]
    if not isinstance(value, str):
        raise SmsError(
            f"{field!r} must be a string, not {type(value).__name__}", code="missing_field"
        )
    if not value.strip():
        raise SmsError(f"{field!r} is empty", code="missing_field")
    if "\x00" in value:
        raise SmsError(f"{field!r} holds a NUL character", code="bad_field")
    return value


def phone_number(raw: str) -> str:
    """The 11 digits of a mainland mobile number written any usual way, or SmsError.

    >>> phone_number("+86 138 0000 1001"), phone_number("１３８００００１００１")
    ('13800001001', '13800001001')
    """
    # NFKC turns full-width digits and plus signs into ASCII ones.
    compact = _PHONE_SEPARATORS.sub("", unicodedata.normalize("NFKC", raw))
    m = _MOBILE.fullmatch(compact)
    if m is None:
        raise SmsError(
            f"'from' {raw!r} is not a mainland mobile number (1[3-9] and 9 digits)",
            code="bad_phone",
        )
    return m.group(1)


def _time(raw: str) -> datetime:
    try:
        value = datetime.fromisoformat(raw.strip())
    except ValueError as e:
        raise SmsError(f"'time' {raw!r} is not an ISO 8601 time", code="bad_time") from e
    if value.tzinfo is None or value.utcoffset() is None:
        # A naive time is in nobody's zone: the gateway's, ours and UTC differ by hours.
        raise SmsError(
            f"'time' {raw!r} has no UTC offset (write e.g. 2026-03-01T09:30:00+08:00)",
            code="bad_time",
        )
    return value


def parse(body: bytes) -> SmsMessage:
    """The SmsMessage of a (signature-checked) post body, or SmsError saying what is wrong."""
    if len(body) > MAX_BODY_BYTES:
        raise SmsError(
            f"the body is {len(body)} bytes, over the {MAX_BODY_BYTES}-byte limit",
            code="too_large",
        )
    try:
        doc = json.loads(body.decode("utf-8"), object_pairs_hook=_no_duplicate_keys)
    except UnicodeDecodeError as e:
        raise SmsError("the body is not UTF-8", code="not_json") from e
    except json.JSONDecodeError as e:
        raise SmsError(f"the body is not JSON: {e}", code="not_json") from e
    if not isinstance(doc, dict):
        raise SmsError(
            f"the body must be a JSON object, not {type(doc).__name__}", code="not_object"
        )
    msg_id = _string(doc, "id").strip()
    if len(msg_id) > MAX_ID_CHARS or not _GATEWAY_ID.fullmatch(msg_id):
        raise SmsError(
            f"'id' must be 1–{MAX_ID_CHARS} printable ASCII characters without spaces",
            code="bad_field",
        )
    phone = phone_number(_string(doc, "from"))
    text = _string(doc, "text")
    if len(text) > MAX_TEXT_CHARS:
        raise SmsError(
            f"'text' is {len(text)} characters, over the {MAX_TEXT_CHARS}-character limit",
            code="text_too_long",
        )
    sent_at = _time(_string(doc, "time"))
    return SmsMessage(id=msg_id, phone=phone, text=text, sent_at=sent_at)


# -- the intake's view --------------------------------------------------------------------------


def dedupe_key(msg: SmsMessage) -> str:
    """The same for the gateway's retries of one message (same id), different for any two.

    "msg:<id>", like WeChat's "msg:<MsgId>": the intake prefixes the channel, so the stored
    key is "sms:msg:<id>"."""
    return f"msg:{msg.id}"


def inbound(msg: SmsMessage, sender: str) -> Inbound:
    """The Inbound of an SMS, from `sender`: the caller's keyed id of the phone, never the
    number itself (refused when it holds the 11 digits)."""
    if not sender or not sender.strip() or len(sender) > MAX_SENDER_CHARS:
        raise SmsError(f"the sender must be 1–{MAX_SENDER_CHARS} characters", code="bad_sender")
    if msg.phone in sender:
        raise SmsError(
            "the sender holds the phone number: pass a keyed id of it instead", code="raw_phone"
        )
    return Inbound(channel=CHANNEL, sender=sender, key=dedupe_key(msg), kind="text", text=msg.text)
