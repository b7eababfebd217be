"""Mask personal data (phone, ID card, bank card numbers, e-mail addresses, spoken passwords)
before storing or logging."""

from __future__ import annotations

import re
from collections.abc import Collection

# ASR engines often write digits as Chinese numerals: 幺三八… for 138…
_CN_DIGITS = "零〇一二三四五六七八九幺两"
_SEP = r"[ \-]?"
# People (and ASR engines) write a mobile number with spaces, hyphens or dots between groups.
_PHONE_SEP = r"[ .\-]?"

# Longest patterns first, so an 18-digit ID card is not mistaken for a phone plus digits.
_ID_CARD = re.compile(
    r"(?<![0-9A-Za-z])([1-9]\d{5})((?:19|20)\d{2}[01]\d[0-3]\d\d{3})([0-9Xx])(?![0-9A-Za-z])"
)
_BANK_CARD = re.compile(r"(?<!\d)(\d{4})((?:" + _SEP + r"\d){8,11})(" + _SEP + r"\d{4})(?!\d)")
# A mobile number, either as 3-4-4 groups (138 1234 5678, 138.1234.5678, 138-1234-5678 or run
# together; separators only between the groups, so a list of decimals such as "13.5 14.2 15.1"
# never reads as a phone number) or with the same separator between every digit
# (1 3 8 1 2 3 4 5 6 7 8), as ASR engines write digits read out one by one. One pattern, so
# the text is scanned once.
_MOBILE = re.compile(
    r"(?<!\d)(?P<cc>\+?86[ .\-]?)?"
    r"(?:(?P<head>1[3-9]\d)" + _PHONE_SEP + r"\d{4}" + _PHONE_SEP + r"(?P<tail>\d{4})"
    r"|(?P<shead>1(?P<s>[ .\-])[3-9](?P=s)\d)(?:(?P=s)\d){4}(?P<stail>(?:(?P=s)\d){4}))(?!\d)"
)
_LANDLINE = re.compile(r"(?<!\d)(0\d{2,3})-?(\d{3,4})(\d{4})(?!\d)")
_SPOKEN_DIGITS = re.compile(f"[{_CN_DIGITS}]{{7,}}")
_PASSWORD_WORDS = r"密码|口令|验证码|PIN"
_PASSWORD = re.compile(
    r"(" + _PASSWORD_WORDS + r"码?)(\s*(?:是|为|:|：)?\s*)([0-9A-Za-z" + _CN_DIGITS + r"]{4,12})",
    re.I,
)
# The local part is ASCII (Python's \w would swallow the Chinese text around an address).
_EMAIL = re.compile(
    r"(?<![A-Za-z0-9._%+\-])([A-Za-z0-9])[A-Za-z0-9._%+\-]*@([A-Za-z0-9\-]+(?:\.[A-Za-z0-9\-]+)*\.[A-Za-z]{2,})"
)

# Every pattern above needs one of these; most utterances have none.
_MAYBE = re.compile(r"\d|@|" + _PASSWORD_WORDS + f"|[{_CN_DIGITS}]{{7,}}", re.I)
_PATTERNS = (_PASSWORD, _EMAIL, _ID_CARD, _MOBILE, _BANK_CARD, _LANDLINE, _SPOKEN_DIGITS)
# Stand-ins for the substrings a caller asks to keep: characters from a private-use plane, which
# no pattern matches and no real text contains.
_HOLD = 0xF0000
_NON_DIGIT = re.compile(r"\D")


def _mask_id(m: re.Match[str]) -> str:
    return m.group(1)[:3] + "*" * 11 + m.group(2)[-3:] + m.group(3)


def _mask_bank(m: re.Match[str]) -> str:
    middle = re.sub(r"\d", "*", m.group(2))
    return m.group(1) + middle + m.group(3)


def _mask_mobile(m: re.Match[str]) -> str:
    # Separators are dropped, so a number reads the same (138****5678) however it was written.
    head, tail = m.group("head") or m.group("shead"), m.group("tail") or m.group("stail")
    return f"{m.group('cc') or ''}{_NON_DIGIT.sub('', head)}****{_NON_DIGIT.sub('', tail)}"


def _mask_email(m: re.Match[str]) -> str:
    return f"{m.group(1)}***@{m.group(2)}"


def _mask_spoken(m: re.Match[str]) -> str:
    s = m.group(0)
    return s[:3] + "*" * (len(s) - 7) + s[-4:] if len(s) >= 11 else "*" * len(s)


def mask_pii(text: str, keep: Collection[str] = ()) -> str:
    """Return `text` with phone, ID-card, bank-card numbers, e-mail addresses and spoken
    passwords masked; the substrings in `keep` (e.g. a hotline already published in the
    knowledge base) are left as they are.

    >>> mask_pii("我的号码13812345678，身份证441900199001011234")
    '我的号码138****5678，身份证441***********1234'
    >>> mask_pii("邮箱 zhang.san@example.com")
    '邮箱 z***@example.com'
    """
    if not _MAYBE.search(text):
        return text  # no digit, no @, no run of spoken digits, no password word: nothing to mask
    held = sorted({k for k in keep if k and k in text}, key=len, reverse=True)
    for i, k in enumerate(held):
        text = text.replace(k, chr(_HOLD + i))
    text = _PASSWORD.sub(lambda m: m.group(1) + m.group(2) + "*" * len(m.group(3)), text)
    if "@" in text:  # a plain substring test is cheaper than running the pattern
        text = _EMAIL.sub(_mask_email, text)
    text = _ID_CARD.sub(_mask_id, text)
    text = _MOBILE.sub(_mask_mobile, text)
    text = _BANK_CARD.sub(_mask_bank, text)
    text = _LANDLINE.sub(lambda m: m.group(1) + "-****" + m.group(3), text)
    text = _SPOKEN_DIGITS.sub(_mask_spoken, text)
    for i, k in enumerate(held):
        text = text.replace(chr(_HOLD + i), k)
    return text


def find_pii(text: str) -> list[str]:
    """The substrings of `text` that `mask_pii` would mask (to spare them elsewhere with `keep`)."""
    if not _MAYBE.search(text):
        return []
    return [m.group(0) for pattern in _PATTERNS for m in pattern.finditer(text)]


def phone_tail(phone: str | None) -> str:
    """The last four digits of a phone number, the only part an agent reads back."""
    digits = re.sub(r"\D", "", phone or "")
    return digits[-4:] if len(digits) >= 4 else ""
