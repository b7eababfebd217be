"""Knowledge search for every logged-in role."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Literal

from fastapi import APIRouter, Query

from moqi.knowledge import usage
from moqi.knowledge.services import search_index
from moqi.web.auth import AnyUser, SessionDep
from moqi.web.clock import now

router = APIRouter()


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
