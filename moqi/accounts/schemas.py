"""The shapes of the administration API."""

from __future__ import annotations

from pydantic import BaseModel, Field

from moqi.accounts.policy import MAX_LENGTH


class UserIn(BaseModel):
    """A new user; without a password, one is generated and answered once."""

    username: str = Field(min_length=2, max_length=64)
    role: str = "agent"
    display_name: str = Field(default="", max_length=64)
    team: str = Field(default="default", min_length=1, max_length=64)
    password: str | None = Field(default=None, max_length=MAX_LENGTH)


class UserPatch(BaseModel):
    """What to change about a user; fields left out stay as they are."""

    role: str | None = None
    team: str | None = Field(default=None, min_length=1, max_length=64)
    display_name: str | None = Field(default=None, max_length=64)
    active: bool | None = None


class PasswordIn(BaseModel):
    """A new password; without one, a password is generated and answered once."""

    password: str | None = Field(default=None, max_length=MAX_LENGTH)
