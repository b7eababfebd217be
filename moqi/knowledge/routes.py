"""Knowledge search for every logged-in role."""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, Depends, Query

from moqi.accounts import ROLES
from moqi.accounts.models import User
from moqi.knowledge.services import search_index
from moqi.web.auth import SessionDep, require

router = APIRouter(prefix="/api/knowledge", tags=["knowledge"])
Anyone = Annotated[User, Depends(require(*ROLES))]


@router.get("/search", summary="Search businesses, scripts and call reasons (BM25 over jieba words)")
def search(
    session: SessionDep,
    user: Anyone,
    q: Annotated[str, Query(min_length=1, max_length=200, description="what the agent types, in the customer's words")],
    kind: Annotated[Literal["article", "business", "script", "reason"] | None, Query()] = None,
    k: Annotated[int, Query(ge=1, le=50)] = 10,
) -> dict:
    hits = search_index(session).search(q, k=k, kind=kind)
    return {"query": q, "hits": [{"id": h.id, "kind": h.kind, "title": h.title, "text": h.text, "score": h.score, "highlights": h.highlights} for h in hits]}
