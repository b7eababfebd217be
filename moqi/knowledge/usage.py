"""What the front line searches and uses: the log behind hot topics, gaps and stale items."""

from __future__ import annotations

from datetime import date, datetime, timedelta

from sqlalchemy import case, func, select
from sqlalchemy.orm import Session

from moqi.errors import Invalid
from moqi.knowledge.models import (
    ArticleRow,
    BusinessRow,
    ItemUseRow,
    LexiconRow,
    ScriptRow,
    SearchLogRow,
)
from moqi.knowledge.versions import NotFound
from moqi.nlp.mask import mask_pii
from moqi.nlp.normalize import normalize

USE_ACTIONS = ("view", "copy", "used")


def log_search(session: Session, *, username: str, query: str, hits: int, now: datetime) -> int:
    """Record a search (its text normalised and masked); returns its id for the click."""
    row = SearchLogRow(
        username=username, query=mask_pii(normalize(query).strip())[:200], hits=hits, at=now
    )
    session.add(row)
    session.flush()
    return row.id


def log_click(session: Session, search_id: int, *, username: str, item: str, now: datetime) -> None:
    """The searcher opened a result: the search was not a gap, and the item was used."""
    row = session.get(SearchLogRow, search_id)
    if row is None or row.username != username:
        raise NotFound(f"search {search_id} does not exist")
    item_title(session, item)  # unknown items are refused
    row.clicked = item
    session.add(ItemUseRow(username=username, item=item, action="view", at=now))


def log_use(session: Session, *, username: str, item: str, action: str, now: datetime) -> None:
    """An item opened, copied or used in a contact."""
    if action not in USE_ACTIONS:
        raise Invalid(f"action must be one of {', '.join(USE_ACTIONS)}")
    item_title(session, item)
    session.add(ItemUseRow(username=username, item=item, action=action, at=now))


def item_title(session: Session, item: str) -> str:
    """A display title for an item id like `script:S001`; NotFound when there is no such item."""
    kind, _, key = item.partition(":")
    table = {
        "article": ArticleRow,
        "script": ScriptRow,
        "business": BusinessRow,
        "lexicon": LexiconRow,
    }.get(kind)
    row = session.get(table, key) if table is not None and key else None
    if row is None:
        raise NotFound(f"no item {item!r}")
    if isinstance(row, ArticleRow):
        return row.title
    if isinstance(row, BusinessRow):
        return row.name
    if isinstance(row, LexiconRow):
        return row.word
    if isinstance(row, ScriptRow):
        return row.text[:40]  # scripts have no title: their opening words stand for one
    raise TypeError(f"not an item table: {type(row).__name__}")


def hot_topics(session: Session, *, now: datetime, days: int = 7, limit: int = 10) -> dict:
    """This week's most searched queries, most used items, gaps and stale or expiring articles."""
    since = now - timedelta(days=days)
    recent = SearchLogRow.at >= since
    searched = session.execute(
        select(
            SearchLogRow.query,
            func.count().label("n"),
            func.sum(case((SearchLogRow.clicked.is_not(None), 1), else_=0)).label("clicked"),
        )
        .where(recent)
        .group_by(SearchLogRow.query)
        .order_by(func.count().desc(), SearchLogRow.query)
        .limit(limit)
    ).all()
    gaps = session.execute(
        select(
            SearchLogRow.query, func.count().label("n"), func.max(SearchLogRow.hits).label("hits")
        )
        .where(recent, SearchLogRow.clicked.is_(None))
        .group_by(SearchLogRow.query)
        .having(func.sum(case((SearchLogRow.clicked.is_not(None), 1), else_=0)) == 0)
        .order_by(func.count().desc(), SearchLogRow.query)
        .limit(limit)
    ).all()
    # A query that was clicked at least once this week is not a gap, even if other searches of it were not.
    clicked_queries = set(
        session.scalars(select(SearchLogRow.query).where(recent, SearchLogRow.clicked.is_not(None)))
    )
    used = session.execute(
        select(ItemUseRow.item, func.count().label("n"))
        .where(ItemUseRow.at >= since)
        .group_by(ItemUseRow.item)
        .order_by(func.count().desc(), ItemUseRow.item)
        .limit(limit)
    ).all()
    today = now.date()
    return {
        "since": since.isoformat(),
        "searched": [{"query": q, "count": n, "clicked": int(c or 0)} for q, n, c in searched],
        "used": [
            {"item": item, "title": _title_or_gone(session, item), "count": n} for item, n in used
        ],
        "gaps": [
            {"query": q, "count": n, "hits": h} for q, n, h in gaps if q not in clicked_queries
        ],
        "stale": _articles_by_validity(session, ArticleRow.valid_to < today, today),
        "expiring": _articles_by_validity(
            session,
            (ArticleRow.valid_to >= today) & (ArticleRow.valid_to <= today + timedelta(days=30)),
            today,
        ),
    }


def _title_or_gone(session: Session, item: str) -> str:
    try:
        return item_title(session, item)
    except NotFound:
        return f"{item}（已删除）"


def _articles_by_validity(session: Session, condition, today: date) -> list[dict]:
    rows = session.scalars(
        select(ArticleRow).where(condition).order_by(ArticleRow.valid_to, ArticleRow.id)
    )
    out = []
    for a in rows:
        if a.valid_to is None:  # `condition` compares valid_to, so SQL never selects a NULL
            raise ValueError("a validity condition must select articles with a valid_to")
        out.append(
            {
                "id": a.id,
                "title": a.title,
                "valid_to": a.valid_to.isoformat(),
                "days": (a.valid_to - today).days,
            }
        )
    return out
