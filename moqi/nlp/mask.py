"""Mask personal data (phone, ID card, bank card numbers, spoken passwords) before storing or logging."""

from __future__ import annotations

import re

# ASR engines often write digits as Chinese numerals: 幺三八… for 138…
_CN_DIGITS = "零〇一二三四五六七八九幺两"
_SEP = r"[ \-]?"

# Longest patterns first, so an 18-digit ID card is not mistaken for a phone plus digits.
_ID_CARD = re.compile(r"(?<![0-9A-Za-z])([1-9]\d{5})((?:19|20)\d{2}[01]\d[0-3]\d\d{3})([0-9Xx])(?![0-9A-Za-z])")
_BANK_CARD = re.compile(r"(?<!\d)(\d{4})((?:" + _SEP + r"\d){8,11})(" + _SEP + r"\d{4})(?!\d)")
_MOBILE = re.compile(r"(?<!\d)(\+?86[ \-]?)?(1[3-9]\d)" + _SEP + r"(\d{4})" + _SEP + r"(\d{4})(?!\d)")
_LANDLINE = re.compile(r"(?<!\d)(0\d{2,3})-?(\d{3,4})(\d{4})(?!\d)")
_SPOKEN_DIGITS = re.compile(f"[{_CN_DIGITS}]{{7,}}")
_PASSWORD_WORDS = r"密码|口令|验证码|PIN"
_PASSWORD = re.compile(r"(" + _PASSWORD_WORDS + r"码?)(\s*(?:是|为|:|：)?\s*)([0-9A-Za-z" + _CN_DIGITS + r"]{4,12})", re.I)

# Every pattern above needs one of these; most utterances have none.
_MAYBE = re.compile(r"\d|" + _PASSWORD_WORDS + f"|[{_CN_DIGITS}]{{7,}}", re.I)


def _mask_id(m: re.Match[str]) -> str:
    return m.group(1)[:3] + "*" * 11 + m.group(2)[-3:] + m.group(3)


def _mask_bank(m: re.Match[str]) -> str:
    middle = re.sub(r"\d", "*", m.group(2))
    return m.group(1) + middle + m.group(3)


def _mask_mobile(m: re.Match[str]) -> str:
    prefix = m.group(1) or ""
    return f"{prefix}{m.group(2)}****{m.group(4)}"


def _mask_spoken(m: re.Match[str]) -> str:
    s = m.group(0)
    return s[:3] + "*" * (len(s) - 7) + s[-4:] if len(s) >= 11 else "*" * len(s)


def mask_pii(text: str) -> str:
    """Return `text` with phone, ID-card, bank-card numbers and spoken passwords masked.

    >>> mask_pii("我的号码13812345678，身份证441900199001011234")
    '我的号码138****5678，身份证441***********1234'
    """
    if not _MAYBE.search(text):
        return text  # no digit, no run of spoken digits, no password word: nothing to mask
    text = _PASSWORD.sub(lambda m: m.group(1) + m.group(2) + "*" * len(m.group(3)), text)
    text = _ID_CARD.sub(_mask_id, text)
    text = _MOBILE.sub(_mask_mobile, text)
    text = _BANK_CARD.sub(_mask_bank, text)
    text = _LANDLINE.sub(lambda m: m.group(1) + "-****" + m.group(3), text)
    return _SPOKEN_DIGITS.sub(_mask_spoken, text)


def phone_tail(phone: str | None) -> str:
    """The last four digits of a phone number, the only part an agent reads back."""
    digits = re.sub(r"\D", "", phone or "")
    return digits[-4:] if len(digits) >= 4 else ""
