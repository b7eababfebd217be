"""Phone keys: find a customer by number without storing the number (an HMAC under the
instance secret), and the re-keying of rows older moqi stored under a bare hash."""

from __future__ import annotations

import hashlib
import hmac
import re
from functools import lru_cache

from sqlalchemy import select
from sqlalchemy.orm import Session

from moqi.secret import instance_secret
from moqi.service.models import Customer

# Keys made with the instance secret carry this prefix; older rows hold a bare SHA-256.
KEY_PREFIX = "h1:"
_MASKED = re.compile(r"([^*]*?)(\*+)([^*]*)")


def _phone_digits(phone: str) -> str:
    return "".join(ch for ch in phone if ch.isdigit())[-11:]


def phone_key(phone: str) -> str:
    """A one-way key to find a customer by number without storing the number.

    An HMAC with the instance secret: a plain hash of an 11-digit number whose other 7 digits
    sit in `phone_masked` is reversed by trying 10,000 candidates; without the secret, nobody
    who only has the database can test a candidate.
    """
    digest = hmac.new(
        instance_secret(), f"moqi-phone:{_phone_digits(phone)}".encode(), hashlib.sha256
    ).hexdigest()
    return KEY_PREFIX + digest


def _legacy_phone_key(digits: str) -> str:
    """The unkeyed hash older moqi stored (kept only to re-key those rows)."""
    return hashlib.sha256(f"moqi-phone:{digits[-11:]}".encode()).hexdigest()


def recover_phone(masked: str, legacy_key: str) -> str | None:
    """The number behind a legacy key, rebuilt from its mask (138****5678) by trying every
    value of the hidden digits against the unkeyed hash; None when nothing matches."""
    m = _MASKED.fullmatch(masked or "")
    if m is None:  # nothing was masked (a short service number): the digits are all there
        digits = _phone_digits(masked or "")
        return digits if digits and _legacy_phone_key(digits) == legacy_key else None
    head = "".join(ch for ch in m.group(1) if ch.isdigit())
    stars, tail = m.group(2), "".join(ch for ch in m.group(3) if ch.isdigit())
    try:
        target = bytes.fromhex(legacy_key)
    except ValueError:
        return None
    # A mobile hides 4 digits; a landline's **** stands for 3 or 4. Longer runs (card
    # numbers) hide too many digits to search.
    for hidden in (4, 3) if len(stars) == 4 else ():
        # The key hashed the last 11 digits; drop what came before them (a +86 prefix).
        cut = max(0, len(head) + hidden + len(tail) - 11)
        if cut > len(head):
            continue
        # Hash the fixed start once and only the candidates after it: init re-keys a whole
        # customer table this way, about 10,000 hashes a row.
        start = hashlib.sha256(f"moqi-phone:{head[cut:]}".encode())
        end = tail.encode()
        for candidate in _candidates(hidden):
            h = start.copy()
            h.update(candidate)
            h.update(end)
            if h.digest() == target:
                return head + candidate.decode() + tail
    return None


@lru_cache(maxsize=2)
def _candidates(hidden: int) -> tuple[bytes, ...]:
    return tuple(f"{n:0{hidden}d}".encode() for n in range(10**hidden))


def rekey_customers(session: Session) -> tuple[int, int]:
    """Replace legacy (unkeyed) phone keys with keyed ones; (re-keyed, lost). A row whose number
    cannot be rebuilt from its mask loses its key (NULL): it is still found by id, no longer by
    number."""
    legacy = list(
        session.scalars(
            select(Customer).where(
                Customer.phone_key.is_not(None), Customer.phone_key.not_like(f"{KEY_PREFIX}%")
            )
        )
    )
    if not legacy:
        return 0, 0
    taken = set(
        session.scalars(select(Customer.phone_key).where(Customer.phone_key.like(f"{KEY_PREFIX}%")))
    )
    rekeyed = lost = 0
    for customer in legacy:
        digits = recover_phone(customer.phone_masked, customer.phone_key or "")
        key = phone_key(digits) if digits else None
        if key is None or key in taken:  # a number already keyed on another row stays there
            customer.phone_key, lost = None, lost + 1
        else:
            customer.phone_key, rekeyed = key, rekeyed + 1
            taken.add(key)
    session.flush()
    return rekeyed, lost


def keyed_customers(session: Session) -> bool:
    """Whether some customer holds a key made with an instance secret."""
    return (
        session.scalar(
            select(Customer.id).where(Customer.phone_key.like(f"{KEY_PREFIX}%")).limit(1)
        )
        is not None
    )
