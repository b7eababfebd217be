"""What agents contribute to the knowledge base, under /api/knowledge: proposals and their
review (editors approve, send back or reject; the proposer sees the outcome), and success
stories (shared, rated, promoted into articles). AnyUser proposes, rates and shares;
knowledge editors (and admins) review and promote."""

from __future__ import annotations

from typing import Literal

from fastapi import APIRouter
from fastapi.responses import Response

from moqi.knowledge import review, stories
from moqi.knowledge.schemas import BodyIn, NoteIn, PromoteIn, ProposalIn, RatingIn, StoryIn, TextIn
from moqi.web.auth import AnyUser, EditorUser, SessionDep
from moqi.web.clock import now
from moqi.web.params import Id

router = APIRouter()


def proposal_json(p, session=None) -> dict:
    """A proposal as the API answers it; with `session`, its comments and diff too."""
    out = {
        "id": p.id,
        "kind": p.kind,
        "key": p.key,
        "action": p.action,
        "base_version": p.base_version,
        "body": p.body,
        "summary": p.summary,
        "source": p.source,
        "source_ref": p.source_ref,
        "proposer": p.proposer,
        "status": p.status,
        "status_label": review.STATUS_LABELS[p.status],
        "reviewer": p.reviewer,
        "decision_note": p.decision_note,
        "created_at": p.created_at.isoformat(),
        "decided_at": p.decided_at.isoformat() if p.decided_at else None,
    }
    if session is not None:
        out["comments"] = [
            {"author": c.author, "text": c.body, "at": c.created_at.isoformat()}
            for c in review.comments(session, p.id)
        ]
        out["diff"] = review.preview(session, p) if p.status == "open" else []
    return out


@router.post("/proposals", status_code=201, summary="Propose a new item, a change or a removal")
def create_proposal(body: ProposalIn, session: SessionDep, user: AnyUser) -> dict:
    p = review.propose(
        session,
        kind=body.kind,
        key=body.key,
        action=body.action,
        body=body.body,
        summary=body.summary,
        proposer=user.username,
        source=body.source,
        source_ref=body.source_ref,
    )
    out = proposal_json(p, session)
    session.commit()
    return out


@router.get("/proposals", summary="Proposals, newest first (mine=true: only the caller's)")
def list_proposals(
    session: SessionDep,
    user: AnyUser,
    status: Literal["open", "approved", "rejected", "withdrawn", "all"] = "open",
    mine: bool = False,
) -> list[dict]:
    rows = review.listing(
        session,
        status=None if status == "all" else status,
        proposer=user.username if mine else None,
    )
    return [proposal_json(p) for p in rows]


@router.get(
    "/proposals/{proposal_id}",
    summary="A proposal with its discussion and what approving would change",
)
def get_proposal(proposal_id: Id, session: SessionDep, user: AnyUser) -> dict:
    return proposal_json(review.get(session, proposal_id), session)


@router.post("/proposals/{proposal_id}/comments", status_code=201, summary="Comment on a proposal")
def comment_proposal(proposal_id: Id, body: TextIn, session: SessionDep, user: AnyUser) -> dict:
    review.comment(session, proposal_id, author=user.username, text=body.text, now=now())
    out = proposal_json(review.get(session, proposal_id), session)
    session.commit()
    return out


@router.put(
    "/proposals/{proposal_id}/body",
    summary="Edit the proposed item (editors; rebases on the current version)",
)
def edit_proposal(proposal_id: Id, body: BodyIn, session: SessionDep, user: EditorUser) -> dict:
    out = proposal_json(
        review.edit(session, proposal_id, editor=user.username, body=body.body, now=now()),
        session,
    )
    session.commit()
    return out


@router.post("/proposals/{proposal_id}/approve", summary="Approve and publish (editors)")
def approve_proposal(proposal_id: Id, body: NoteIn, session: SessionDep, user: EditorUser) -> dict:
    version = review.approve(
        session, proposal_id, reviewer=user.username, note=body.note, now=now()
    )
    out = {
        **proposal_json(review.get(session, proposal_id), session),
        "published_version": version.version,
    }
    session.commit()
    return out


@router.post("/proposals/{proposal_id}/reject", summary="Reject, saying why (editors)")
def reject_proposal(proposal_id: Id, body: NoteIn, session: SessionDep, user: EditorUser) -> dict:
    out = proposal_json(
        review.reject(session, proposal_id, reviewer=user.username, note=body.note, now=now()),
        session,
    )
    session.commit()
    return out


@router.post("/proposals/{proposal_id}/withdraw", summary="Take back one's own open proposal")
def withdraw_proposal(proposal_id: Id, session: SessionDep, user: AnyUser) -> dict:
    out = proposal_json(
        review.withdraw(session, proposal_id, user=user.username, now=now()), session
    )
    session.commit()
    return out


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
