"""Published items and their versions: list, read, diff; editors roll back."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query

from moqi.knowledge import items, services, versions
from moqi.knowledge.schemas import KindName, RollbackIn
from moqi.web.auth import AnyUser, EditorUser, SessionDep
from moqi.web.params import MAX_ID

router = APIRouter()


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
