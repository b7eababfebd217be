"""Usage and hot topics: which results were opened, which items used, what is searched."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query
from fastapi.responses import Response

from moqi.knowledge import usage
from moqi.knowledge.schemas import ClickIn, UseIn
from moqi.web.auth import AnyUser, SessionDep
from moqi.web.clock import now
from moqi.web.params import Id

router = APIRouter()


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
