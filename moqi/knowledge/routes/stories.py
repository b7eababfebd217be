"""Success stories: shared and rated by anyone; editors promote one to a script proposal."""

from __future__ import annotations

from fastapi import APIRouter
from fastapi.responses import Response

from moqi.knowledge import stories
from moqi.knowledge.routes.proposals import proposal_json
from moqi.knowledge.schemas import PromoteIn, RatingIn, StoryIn
from moqi.web.auth import AnyUser, EditorUser, SessionDep
from moqi.web.clock import now
from moqi.web.params import Id

router = APIRouter()


def _story(entry: stories.RankedStory) -> dict:
    s = entry["story"]
    return {
        "id": s.id,
        "title": s.title,
        "situation": s.situation,
        "what_worked": s.what_worked,
        "reason": s.reason,
        "businesses": s.businesses,
        "author": s.author,
        "contact_id": s.contact_id,
        "proposal_id": s.proposal_id,
        "created_at": s.created_at.isoformat(),
        "ratings": entry["ratings"],
        "average": entry["average"],
        "score": entry["score"],
    }


@router.get("/stories", summary="Success stories, best rated first")
def list_stories(session: SessionDep, user: AnyUser) -> list[dict]:
    return [_story(e) for e in stories.ranked(session)]


@router.post("/stories", status_code=201, summary="Share how a hard case was solved")
def share_story(body: StoryIn, session: SessionDep, user: AnyUser) -> dict:
    story = stories.share(
        session,
        title=body.title,
        situation=body.situation,
        what_worked=body.what_worked,
        author=user.username,
        now=now(),
        reason=body.reason,
        businesses=body.businesses,
        contact_id=body.contact_id,
    )
    session.commit()
    return _story({"story": story, "ratings": 0, "average": None, "score": None})


@router.post("/stories/{story_id}/ratings", status_code=204, summary="Rate a colleague's story 1–5")
def rate_story(story_id: Id, body: RatingIn, session: SessionDep, user: AnyUser) -> Response:
    stories.rate(session, story_id, username=user.username, stars=body.stars, comment=body.comment)
    session.commit()
    return Response(status_code=204)


@router.post(
    "/stories/{story_id}/promote",
    status_code=201,
    summary="Turn a story into a proposed script (editors)",
)
def promote_story(story_id: Id, body: PromoteIn, session: SessionDep, user: EditorUser) -> dict:
    p = stories.promote(session, story_id, editor=user.username, **body.model_dump())
    out = proposal_json(p, session)
    session.commit()
    return out
