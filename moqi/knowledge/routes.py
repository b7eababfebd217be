"""The knowledge base API, one router under /api/knowledge: search; items and their versions;
usage and hot topics; import and export; and what agents contribute (proposals, review,
success stories: contributions/routes.py). AnyUser logged in reads, proposes, rates and shares;
knowledge editors (and admins) review, roll back, import and export."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Literal

from fastapi import APIRouter, File, HTTPException, Query, UploadFile
from fastapi.responses import Response

from moqi.errors import Invalid
from moqi.knowledge import items, services, transfer, usage, versions
from moqi.knowledge.contributions.routes import router as contributions
from moqi.knowledge.schemas import ClickIn, KindName, RollbackIn, UseIn
from moqi.knowledge.services import search_index
from moqi.web.auth import AnyUser, EditorUser, SessionDep
from moqi.web.clock import now
from moqi.web.params import MAX_ID, Id

router = APIRouter(prefix="/api/knowledge", tags=["knowledge"])


@router.get(
    "/search",
    summary="Search articles, businesses, scripts and call reasons, with filters, snippets and did-you-mean",
)
def search(
    session: SessionDep,
    user: AnyUser,
    q: Annotated[
        str,
        Query(
            min_length=1,
            max_length=200,
            description="what the agent types, in the customer's words (pinyin too)",
        ),
    ],
    kind: Annotated[Literal["article", "business", "script", "reason"] | None, Query()] = None,
    business: Annotated[
        str | None,
        Query(
            max_length=64, description="a business code or name: items for it or for every business"
        ),
    ] = None,
    brand: Annotated[
        str | None, Query(max_length=32, description="e.g. 全球通: items for it or for every brand")
    ] = None,
    region: Annotated[
        str | None, Query(max_length=32, description="e.g. 广东: items for it or for every region")
    ] = None,
    valid_on: Annotated[
        date | None, Query(description="only items valid on this day (YYYY-MM-DD)")
    ] = None,
    k: Annotated[int, Query(ge=1, le=50)] = 10,
) -> dict:
    index = search_index(session)
    hits = index.search(
        q, k=k, kind=kind, business=business, brand=brand, region=region, valid_on=valid_on
    )
    # Logged for hot topics and gaps; the id lets the page report which hit was opened.
    search_id = usage.log_search(
        session, username=user.username, query=q, hits=len(hits), now=now()
    )
    session.commit()
    return {
        "query": q,
        "search_id": search_id,
        # `corrected`: the hits are for did_you_mean, because the query (pinyin) found nothing.
        "did_you_mean": hits.corrected or index.suggest(q),
        "corrected": hits.corrected is not None,
        # Whether meaning was searched beside words: "on", "building", or why not.
        "semantic": index.semantic_status,
        "hits": [
            {
                "id": h.id,
                "kind": h.kind,
                "title": h.title,
                "text": h.text,
                "score": h.score,
                "highlights": h.highlights,
                "snippet": {
                    "text": h.snippet.text,
                    "start": h.snippet.start,
                    "highlights": h.snippet.highlights,
                },
            }
            for h in hits
        ],
    }


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


MAX_UPLOAD = 900 * 1024  # below the app's 1 MB body limit, with room for the form around it


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


router.include_router(contributions)
