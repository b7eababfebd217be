"""The errors every capability raises when a request cannot be done: one vocabulary.

Domain code raises these and nothing HTTP-shaped; moqi.web.errors answers each kind with one
status (NotFound 404, Conflict 409, Forbidden 403, Invalid 422, Unavailable 503) as problem+json, and the CLI and
the HTML pages show the message. Pure: imports nothing from moqi or the web layer.

Each also derives from the builtin that code caught before the vocabulary existed (LookupError,
ValueError, PermissionError), so an `except ValueError` written then still catches an Invalid.
A capability may subclass these for its own errors (moqi.knowledge.items.ItemError is an
Invalid); an error that is two kinds at once answers as the first of them in its MRO.
"""

from __future__ import annotations

from typing import Any


class MoqiError(Exception):
    """A request the domain refuses, with a message for people.

    `code`: an optional machine-readable name of the refusal (answered as the problem's `code`);
    `extra`: more members of the problem body (e.g. `errors`, a list of the rows at fault)."""

    def __init__(self, message: str, *, code: str | None = None, **extra: Any) -> None:
        super().__init__(message)
        self.message = message
        self.code = code
        self.extra = extra

    @property
    def detail(self) -> str:
        """The message as an API answer shows it (a subclass may say more than str() does)."""
        return str(self)


class NotFound(MoqiError, LookupError):
    """What the request names does not exist (404)."""


class Conflict(MoqiError, ValueError):
    """The request clashes with the current state: already done, changed since, taken (409)."""


class Forbidden(MoqiError, PermissionError):
    """The caller may not do this to this record, whatever the value (403)."""


class Invalid(MoqiError, ValueError):
    """A value the domain refuses: out of range, malformed, unknown (422)."""


class Unavailable(MoqiError, RuntimeError):
    """Part of the request was done but storage failed for the rest; try again (503)."""
