"""What the channels API accepts."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, Field

Status = Literal["available", "busy", "acw", "away", "offline"]


class PresenceIn(BaseModel):
    status: Status


class AgentRoutingIn(BaseModel):
    skills: dict[str, int] | None = Field(
        default=None, max_length=50, description="{skill: level 1–5}"
    )
    max_chats: int | None = Field(default=None, ge=1, le=20)


class RoutingRulesIn(BaseModel):
    yaml: str = Field(min_length=1, max_length=64_000, description="the rules as YAML")
    note: str = Field(default="", max_length=200)


class ReplyIn(BaseModel):
    text: str = Field(min_length=1, max_length=500)
    via: Literal["channel", "sms"] = Field(
        default="channel", description="sms: send by SMS instead (outside WeChat's window)"
    )


class IdentifyIn(BaseModel):
    customer: str = Field(min_length=1, max_length=32, description="customer id or number")


class OfferIn(BaseModel):
    contact_id: int = Field(ge=1, le=2**31 - 1)
    reason: str = Field(min_length=1, max_length=64)


class SocialActionIn(BaseModel):
    """What the social team did with a post: replied (with the reply as sent) or dismissed."""

    action: Literal["replied", "dismissed"]
    reply: str = Field("", max_length=2000)
