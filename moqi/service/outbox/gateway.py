"""Where messages to customers go: one `Gateway` protocol and its two implementations.

`services.deliver_due` hands a gateway one `OutboundMessage` at a time. The gateway returns
when it has taken the message and raises `GatewayError` when it has not; the outbox then tries
again later, with backoff. Which gateway an install uses is one setting, MOQI_GATEWAY:

- `OutboxGateway` ("outbox", the default): nothing leaves the machine. The message is already
  in the outbox table; delivering it means marking it sent, so an operator reads it on the
  /outbox page or with `moqi outbox list` (and a development install never texts anyone).
- `WebhookGateway` ("webhook"): POSTs each message as JSON to MOQI_WEBHOOK_URL, signed with an
  HMAC-SHA256 of the raw body under MOQI_WEBHOOK_SECRET. The operator's SMS/WeChat platform
  (or a small bridge in front of it) verifies the signature and sends. docs/outbox.md has the
  contract, with a receiver in Python.

    >>> body = b'{"id":1}'
    >>> verify("s3cret", body, sign("s3cret", body))
    True

The webhook is the only network call moqi makes at run time; it uses the standard library's
urllib, so the gateway adds no dependency.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from functools import lru_cache
from typing import TYPE_CHECKING, Any, Protocol, runtime_checkable

from cryptography.fernet import Fernet, InvalidToken
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

from moqi.errors import Invalid
from moqi.secret import instance_secret

if TYPE_CHECKING:
    from moqi.service.outbox.models import OutboxMessage
    from moqi.settings import Settings

SIGNATURE_HEADER = "X-Moqi-Signature"
DELIVERY_HEADER = "X-Moqi-Delivery"
TIMESTAMP_HEADER = "X-Moqi-Timestamp"


class GatewayError(Exception):
    """The gateway did not take the message. `permanent` when trying again cannot help (the
    outbox then marks it failed at once instead of retrying)."""

    def __init__(self, message: str, *, permanent: bool = False) -> None:
        super().__init__(message)
        self.permanent = permanent


@lru_cache(maxsize=4)
def _fernet(secret: bytes) -> Fernet:
    # A key of its own for this one purpose, derived from the instance secret (HKDF), so the
    # phone-lookup hashes and the sealed addresses never share a key.
    key = HKDF(
        algorithm=hashes.SHA256(), length=32, salt=None, info=b"moqi-outbox-recipient-v1"
    ).derive(secret)
    return Fernet(base64.urlsafe_b64encode(key))


def seal(address: str) -> str:
    """`address` encrypted and authenticated (Fernet: AES-128-CBC and HMAC-SHA256) under a key
    derived from the instance secret: the database alone does not give the number away."""
    return _fernet(instance_secret()).encrypt(address.encode("utf-8")).decode("ascii")


def unseal(token: str) -> str:
    """The address behind `seal`; GatewayError (permanent) when this secret cannot open it."""
    try:
        return _fernet(instance_secret()).decrypt(token.encode("ascii")).decode("utf-8")
    except (InvalidToken, UnicodeError):
        raise GatewayError(
            "the sealed address cannot be opened with this instance's secret (was it changed?)",
            permanent=True,
        ) from None


@dataclass(frozen=True)
class OutboundMessage:
    """One message as a gateway sees it: the stored row, plus the full address when one was
    sealed. `to` stays out of repr(), so a logged message never shows the number."""

    id: int
    dedupe_key: str
    channel: str
    kind: str
    recipient: str  # masked, as stored: 139****5678
    customer_id: str | None
    ticket_id: int | None
    body: str
    created_at: datetime
    to: str | None = field(default=None, repr=False)

    @classmethod
    def from_row(cls, row: OutboxMessage, to: str | None = None) -> OutboundMessage:
        """The message of an outbox row; `to` is the unsealed address, if any."""
        created = row.created_at if row.created_at.tzinfo else row.created_at.replace(tzinfo=UTC)
        return cls(
            id=row.id,
            dedupe_key=row.dedupe_key,
            channel=row.channel,
            kind=row.kind,
            recipient=row.recipient,
            customer_id=row.customer_id,
            ticket_id=row.ticket_id,
            body=row.body,
            created_at=created,
            to=to,
        )

    def payload(self, sent_at: int) -> dict[str, Any]:
        """The JSON object the webhook posts (docs/outbox.md lists its members)."""
        return {
            "id": self.id,
            "dedupe_key": self.dedupe_key,
            "channel": self.channel,
            "kind": self.kind,
            "to": self.to,
            "recipient": self.recipient,
            "customer_id": self.customer_id,
            "ticket_id": self.ticket_id,
            "body": self.body,
            "created_at": self.created_at.isoformat(),
            "sent_at": sent_at,
        }


@runtime_checkable
class Gateway(Protocol):
    """Takes one message or raises GatewayError. `name` is stored on the rows it sent."""

    name: str

    def send(self, message: OutboundMessage) -> None:
        """Deliver `message`, or raise GatewayError."""
        ...


class OutboxGateway:
    """The local default: the outbox table is the destination, read on /outbox and with
    `moqi outbox list`; sending only marks the message sent."""

    name = "outbox"

    def send(self, message: OutboundMessage) -> None:
        """Nothing to do: the message is already where an operator reads it."""
        return None


def sign(secret: str | bytes, body: bytes) -> str:
    """The X-Moqi-Signature value of `body`: "sha256=" and the hex HMAC-SHA256 under `secret`."""
    key = secret.encode("utf-8") if isinstance(secret, str) else secret
    return "sha256=" + hmac.new(key, body, hashlib.sha256).hexdigest()


def verify(secret: str | bytes, body: bytes, signature: str) -> bool:
    """Whether `signature` (a header value) signs `body` under `secret`, in constant time."""
    return hmac.compare_digest(sign(secret, body), signature.strip())


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    # A redirect is an answer other than 2xx: following it would post the message (and the
    # number in it) to an address nobody configured.
    def redirect_request(self, *args: Any, **kwargs: Any) -> None:
        return None


class WebhookGateway:
    """POSTs each message as JSON to `url`, signed with `secret`; any 2xx answer means taken,
    any other answer, a refused connection or a timeout is a GatewayError (tried again)."""

    name = "webhook"

    def __init__(
        self,
        url: str,
        secret: str,
        timeout: float = 5.0,
        *,
        clock: Callable[[], float] = time.time,
    ) -> None:
        parts = urllib.parse.urlsplit(url or "")
        if parts.scheme not in ("http", "https") or not parts.hostname:
            raise Invalid(f"the webhook URL must be an http:// or https:// address, not {url!r}")
        if not secret:
            raise Invalid("the webhook needs a secret to sign its messages (MOQI_WEBHOOK_SECRET)")
        if not 0 < timeout <= 120:
            raise Invalid(f"the webhook timeout must be 0–120 seconds, not {timeout}")
        self.url, self.timeout, self._clock = url, timeout, clock
        self._secret = secret.encode("utf-8")
        self._opener = urllib.request.build_opener(_NoRedirect())

    def __repr__(self) -> str:  # never the secret
        return f"WebhookGateway({self.url!r}, timeout={self.timeout})"

    def send(self, message: OutboundMessage) -> None:
        """POST the message; GatewayError unless the receiver answers 2xx."""
        stamp = int(self._clock())
        body = json.dumps(message.payload(stamp), ensure_ascii=False, separators=(",", ":")).encode(
            "utf-8"
        )
        request = urllib.request.Request(
            self.url,
            data=body,
            method="POST",
            headers={
                "Content-Type": "application/json; charset=utf-8",
                "User-Agent": "moqi-outbox",
                SIGNATURE_HEADER: sign(self._secret, body),
                DELIVERY_HEADER: message.dedupe_key,
                TIMESTAMP_HEADER: str(stamp),
            },
        )
        try:
            with self._opener.open(request, timeout=self.timeout) as response:
                status = response.status
                response.read(4096)  # drain a little, so the connection closes cleanly
        except urllib.error.HTTPError as exc:
            exc.close()
            raise GatewayError(f"the webhook answered HTTP {exc.code}") from None
        except urllib.error.URLError as exc:
            raise GatewayError(f"the webhook could not be reached: {exc.reason}") from None
        except (TimeoutError, OSError) as exc:
            raise GatewayError(
                f"the webhook could not be reached: {type(exc).__name__}: {exc}"
            ) from None
        if not 200 <= status < 300:
            raise GatewayError(f"the webhook answered HTTP {status}")


def gateway_from_settings(settings: Settings | None = None) -> Gateway:
    """The gateway MOQI_GATEWAY names; Invalid (saying which setting) when the webhook is
    chosen without its URL or secret."""
    from moqi.settings import get_settings

    settings = settings or get_settings()
    if settings.gateway == "webhook":
        if not settings.webhook_url or not settings.webhook_secret:
            raise Invalid(
                "MOQI_GATEWAY=webhook needs MOQI_WEBHOOK_URL and MOQI_WEBHOOK_SECRET to be set"
            )
        return WebhookGateway(
            settings.webhook_url, settings.webhook_secret, settings.webhook_timeout_seconds
        )
    return OutboxGateway()
