"""The knowledge base API: items and their versions, proposals and review, usage, stories,
import and export. AnyUser logged in reads, proposes, rates and shares; knowledge editors
(and admins) review, roll back, import and export."""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, File, HTTPException, Query, UploadFile
from fastapi.responses import Response

from moqi.errors import Invalid
from moqi.knowledge import items, review, services, stories, transfer, usage, versions
from moqi.knowledge.schemas import (
    BodyIn,
    ClickIn,
    KindName,
    NoteIn,
    PromoteIn,
    ProposalIn,
    RatingIn,
    RollbackIn,
    StoryIn,
    TextIn,
    UseIn,
)
from moqi.web.auth import AnyUser, EditorUser, SessionDep
from moqi.web.clock import now
from moqi.web.params import MAX_ID, Id

router = APIRouter(prefix="/api/knowledge", tags=["knowledge"])
MAX_UPLOAD = 900 * 1024  # below the app's 1 MB body limit, with room for the form around it


def _proposal(p, session=None) -> dict:
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


# --- items and versions ------------------------------------------------------------------


@router.get("/items/{kind}", summary="Published items of a kind (paged, by key)")
def list_items(
    kind: KindName,
    session: SessionDep,
    user: AnyUser,
    offset: Annotated[int, Query(ge=0, le=MAX_ID)] = 0,
    limit: Annotated[int, Query(ge=1, le=500)] = 100,
) -> dict:
    rows = services.export_rows(session, kind)
    return {
        "kind": kind,
        "total": len(rows),
        "items": [{"key": k, "body": b} for k, b in rows[offset : offset + limit]],
    }


@router.get("/items/{kind}/{key}", summary="One published item, its text and its version history")
def get_item(kind: KindName, key: str, session: SessionDep, user: AnyUser) -> dict:
    body, history = versions.item_view(session, kind, key)
    return {
        "kind": kind,
        "key": key,
        "published": body is not None,
        "version": history[0].version if history else None,
        "body": body,
        "text": items.render(kind, key, body),
        "versions": [
            {
                "version": v.version,
                "author": v.author,
                "note": v.note,
                "at": v.created_at.isoformat(),
                "deleted": v.body is None,
                "proposal_id": v.proposal_id,
            }
            for v in history
        ],
    }


@router.get("/items/{kind}/{key}/diff", summary="Unified diff between two versions of an item")
def item_diff(
    kind: KindName,
    key: str,
    session: SessionDep,
    user: AnyUser,
    old: Annotated[int, Query(ge=1, le=MAX_ID)],
    new: Annotated[int, Query(ge=1, le=MAX_ID)],
) -> dict:
    return {
        "kind": kind,
        "key": key,
        "old": old,
        "new": new,
        "diff": versions.diff(session, kind, key, old, new),
    }


@router.post("/items/{kind}/{key}/rollback", summary="Publish an earlier version again (editors)")
def item_rollback(
    kind: KindName, key: str, body: RollbackIn, session: SessionDep, user: EditorUser
) -> dict:
    row = versions.rollback(session, kind, key, body.version, author=user.username)
    session.commit()
    return {"kind": kind, "key": key, "version": row.version, "restored": body.version}


# --- proposals and review -----------------------------------------------------------------


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
    out = _proposal(p, session)
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
    return [_proposal(p) for p in rows]


@router.get(
    "/proposals/{proposal_id}",
    summary="A proposal with its discussion and what approving would change",
)
def get_proposal(proposal_id: Id, session: SessionDep, user: AnyUser) -> dict:
    return _proposal(review.get(session, proposal_id), session)


@router.post("/proposals/{proposal_id}/comments", status_code=201, summary="Comment on a proposal")
def comment_proposal(proposal_id: Id, body: TextIn, session: SessionDep, user: AnyUser) -> dict:
    review.comment(session, proposal_id, author=user.username, text=body.text, now=now())
    out = _proposal(review.get(session, proposal_id), session)
    session.commit()
    return out


@router.put(
    "/proposals/{proposal_id}/body",
    summary="Edit the proposed item (editors; rebases on the current version)",
)
def edit_proposal(proposal_id: Id, body: BodyIn, session: SessionDep, user: EditorUser) -> dict:
    out = _proposal(
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
        **_proposal(review.get(session, proposal_id), session),
        "published_version": version.version,
    }
    session.commit()
    return out


@router.post("/proposals/{proposal_id}/reject", summary="Reject, saying why (editors)")
def reject_proposal(proposal_id: Id, body: NoteIn, session: SessionDep, user: EditorUser) -> dict:
    out = _proposal(
        review.reject(session, proposal_id, reviewer=user.username, note=body.note, now=now()),
        session,
    )
    session.commit()
    return out


@router.post("/proposals/{proposal_id}/withdraw", summary="Take back one's own open proposal")
def withdraw_proposal(proposal_id: Id, session: SessionDep, user: AnyUser) -> dict:
    out = _proposal(review.withdraw(session, proposal_id, user=user.username, now=now()), session)
    session.commit()
    return out


# --- usage and hot topics -----------------------------------------------------------------


@router.post(
    "/searches/{search_id}/click", status_code=204, summary="The searcher opened this result"
)
def click(search_id: Id, body: ClickIn, session: SessionDep, user: AnyUser) -> Response:
    usage.log_click(session, search_id, username=user.username, item=body.item, now=now())
    session.commit()
    return Response(status_code=204)


@router.post("/uses", status_code=204, summary="An item was viewed, copied or used in a contact")
def use(body: UseIn, session: SessionDep, user: AnyUser) -> Response:
    usage.log_use(session, username=user.username, item=body.item, action=body.action, now=now())
    session.commit()
    return Response(status_code=204)


@router.get(
    "/hot",
    summary="Most searched and used, gaps (searches nobody clicked), expired and expiring articles",
)
def hot(session: SessionDep, user: AnyUser, days: Annotated[int, Query(ge=1, le=366)] = 7) -> dict:
    return usage.hot_topics(session, now=now(), days=days)


# --- success stories ----------------------------------------------------------------------


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
    out = _proposal(p, session)
    session.commit()
    return out


# --- import and export --------------------------------------------------------------------


@router.get(
    "/export/{kind}",
    summary="Every published item of a kind as md (zip), csv, xlsx or docx (editors)",
)
def export(
    kind: KindName,
    session: SessionDep,
    user: EditorUser,
    format: Literal["md", "csv", "xlsx", "docx"] = "csv",
) -> Response:
    data = transfer.export(kind, format, services.export_rows(session, kind))
    name = f"moqi-{kind}.{'zip' if format == 'md' else format}"
    return Response(
        data,
        media_type=transfer.MEDIA[format],
        headers={"Content-Disposition": f'attachment; filename="{name}"'},
    )


@router.post(
    "/import/{kind}",
    summary="Publish the new and changed items of a file as one revision; a bad row imports nothing (editors)",
)
async def import_(
    kind: KindName,
    session: SessionDep,
    user: EditorUser,
    file: Annotated[UploadFile, File()],
    format: Literal["md", "csv", "xlsx", "docx"] | None = None,
) -> dict:
    data = await file.read(MAX_UPLOAD + 1)
    if len(data) > MAX_UPLOAD:
        raise HTTPException(413, f"the file is larger than {MAX_UPLOAD // 1024} KB; split it")
    name = file.filename or "upload"
    fmt = format or {"zip": "md"}.get(
        name.rsplit(".", 1)[-1].lower(), name.rsplit(".", 1)[-1].lower()
    )
    if fmt not in transfer.FORMATS:
        raise Invalid(f"cannot tell the format of {name!r}; pass ?format=md|csv|xlsx|docx")
    rows = transfer.parse(kind, fmt, data, name)
    counts = services.import_items(session, kind, rows, author=user.username, note=f"导入 {name}")
    session.commit()
    return {"kind": kind, **counts}
