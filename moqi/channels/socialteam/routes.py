"""The social team's JSON API: the posts a listening tool sent (its signed webhook is in
channels/webhooks/), one with its drafted replies, marking one replied or dismissed, and a
lead's CSV import."""

from __future__ import annotations

import asyncio
from typing import Annotated, Literal

from fastapi import (
    APIRouter,
    Depends,
    File,
    HTTPException,
    Query,
    UploadFile,
)

from moqi.accounts.models import User
from moqi.channels import social_intake
from moqi.channels.schemas import (
    SocialActionIn,
)
from moqi.channels.social import PLATFORMS, PRIORITIES
from moqi.errors import Forbidden
from moqi.settings import get_settings
from moqi.web.auth import AgentUser, LeadUser, SessionDep
from moqi.web.clock import now
from moqi.web.errors import MAX_BODY
from moqi.web.params import Id

router = APIRouter(tags=["channels"])


# -- social posts (the listening tool's webhook is in webhooks/) ---------------------------------
# Leads, admins and the agents of the social team (MOQI_SOCIAL_TEAM) answer them; importing a
# listening tool's CSV export is the lead's.

SocialStatus = Literal["new", "replied", "dismissed"]
Priority = Annotated[str | None, Query(pattern=f"^({'|'.join(PRIORITIES)})$")]
Platform = Annotated[str | None, Query(pattern=f"^({'|'.join(PLATFORMS)})$")]


def may_answer(user: User) -> None:
    """Leads and admins answer social posts; an agent only when in the social team."""
    team = get_settings().social_team
    if user.role == "agent" and user.team != team:
        raise Forbidden(f"social posts are answered by the team {team!r} (MOQI_SOCIAL_TEAM)")


def _social_user(user: AgentUser) -> User:
    may_answer(user)
    return user


# A dependency, so that the role is checked before the body is.
SocialUser = Annotated[User, Depends(_social_user)]


@router.get("/api/channels/social", summary="Social posts, newest first (filters optional)")
def list_posts(
    session: SessionDep,
    user: SocialUser,
    status: SocialStatus | None = None,
    priority: Priority = None,
    platform: Platform = None,
    limit: Annotated[int, Query(ge=1, le=500)] = 200,
) -> list[dict]:
    return social_intake.listing(
        session, status=status, priority=priority, platform=platform, limit=limit
    )


@router.get("/api/channels/social/{post_id}", summary="One social post with its drafted replies")
def get_post(post_id: Id, session: SessionDep, user: SocialUser) -> dict:
    return social_intake.as_dict(social_intake.get(session, post_id), drafts=True)


@router.post(
    "/api/channels/social/{post_id}/action",
    summary="Mark a social post replied (with the reply as sent) or dismissed",
)
def act_on_post(post_id: Id, body: SocialActionIn, session: SessionDep, user: SocialUser) -> dict:
    row = social_intake.act(
        session, post_id, body.action, by=user.username, now=now(), reply=body.reply
    )
    session.commit()
    return social_intake.as_dict(row, drafts=True)


@router.post(
    "/api/channels/social/import",
    summary="Import a listening tool's CSV export: good rows kept, bad rows listed by number",
)
async def import_posts(
    session: SessionDep, user: LeadUser, file: Annotated[UploadFile, File()]
) -> dict:
    data = await file.read(MAX_BODY + 1)
    if len(data) > MAX_BODY:
        raise HTTPException(413, f"文件超过 {MAX_BODY // 1024} KB，请分批导出后导入")
    # Reading thousands of posts takes seconds: off the event loop, in one transaction.
    return await asyncio.to_thread(_import, session, data)


def _import(session, data: bytes) -> dict:
    summary = social_intake.import_csv(session, data, now=now(), team=get_settings().social_team)
    session.commit()
    return summary
