"""The password policy: long enough, not a common password, not the user's own name.

Pure: no database, no settings read here (the caller passes the minimum length)."""

from __future__ import annotations

import string
from functools import lru_cache

MAX_LENGTH = 256  # the login form accepts no more, so a longer password could never be typed in
# Digits and punctuation people put around a common word to satisfy a rule ("summer2024!").
_DECORATION = string.digits + string.punctuation + " "


@lru_cache(maxsize=1)
def common_passwords() -> frozenset[str]:
    """The 30,000 most common passwords of public leaks, lower case (the list zxcvbn ships)."""
    # Imported here: the module is large, and only password changes need it.
    from zxcvbn.frequency_lists import FREQUENCY_LISTS

    return frozenset(p.lower() for p in FREQUENCY_LISTS["passwords"])


def password_problem(
    password: str, username: str = "", *, min_length: int = 10
) -> tuple[str, str] | None:
    """Why `password` may not be used, as (English, Chinese) messages; None when it may."""
    if len(password) < min_length:
        return (
            f"the password must have at least {min_length} characters",
            f"密码至少需要 {min_length} 个字符",
        )
    if len(password) > MAX_LENGTH:
        return (
            f"the password must have at most {MAX_LENGTH} characters",
            f"密码不能超过 {MAX_LENGTH} 个字符",
        )
    lowered = password.lower()
    if username and username.lower() in lowered:
        return "the password must not contain the username", "密码不能包含用户名"
    if password.isdigit():
        # Digits alone are a birthday, a phone or ID number, or a keyboard row.
        return "the password must not be digits only", "密码不能全是数字"
    if len(set(lowered)) < 4:
        return "the password repeats too few different characters", "密码的字符种类太少"
    common = common_passwords()
    # A common word with digits or symbols around it is still guessed early by any cracker.
    candidates = {
        lowered,
        lowered.strip(_DECORATION),
        lowered.rstrip(_DECORATION),
        lowered.lstrip(_DECORATION),
    }
    if any(c in common for c in candidates if c):
        return "the password is too common; choose another", "密码过于常见，请换一个"
    return None
