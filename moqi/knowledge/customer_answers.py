"""Knowledge as a customer reads it on the portal: the hot questions of a category, an article
in force without what is for agents only, a search among articles. Re-exported by services.py,
the capability's interface."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from moqi.knowledge.models import ArticleRow


def _live(row: ArticleRow, today) -> bool:
    return (row.valid_from is None or row.valid_from <= today) and (
        row.valid_to is None or row.valid_to >= today
    )


def hot_articles(
    session: Session,
    *,
    reasons: tuple[str, ...],
    businesses: tuple[str, ...],
    now,
    limit: int = 5,
) -> list[dict]:
    """The articles in force of these call reasons or businesses, the most used in the last
    30 days first (the hot topics), then those whose first reason is one of these, each in id
    order, when nobody has used them yet:
    [{id, title, question}]."""
    from moqi.knowledge.usage import hot_topics

    used = hot_topics(session, now=now, days=30, limit=200)["used"]
    uses = {
        u["item"].partition(":")[2]: u["count"] for u in used if u["item"].startswith("article:")
    }
    wanted, codes = set(reasons), set(businesses)
    today = now.date()
    rows = [
        a
        for a in session.scalars(select(ArticleRow).order_by(ArticleRow.id))
        if _live(a, today) and (wanted & set(a.reasons or ()) or codes & set(a.businesses or ()))
    ]
    # Most used first; unused ones lead with those mainly about this category (first reason).
    rows.sort(key=lambda a: (-uses.get(a.id, 0), not (a.reasons and a.reasons[0] in wanted)))
    return [{"id": a.id, "title": a.title, "question": a.question} for a in rows[:limit]]


def customer_article(session: Session, article_id: str, *, now) -> dict:
    """A published article in force as a customer reads it: {id, title, question, answer};
    NotFound otherwise (a retired or unknown one)."""
    from moqi.errors import NotFound

    row = session.get(ArticleRow, article_id) if len(article_id) <= 64 else None
    if row is None or not _live(row, now.date()):
        raise NotFound(f"no article {article_id!r}")
    return {"id": row.id, "title": row.title, "question": row.question, "answer": row.answer}


def customer_search(session: Session, query: str, *, now, limit: int = 10) -> list[dict]:
    """Articles in force for a customer's question, best first: [{id, title, question}]."""
    from moqi.knowledge.services import search_index

    hits = search_index(session).search(query, k=limit, kind="article", valid_on=now.date())
    ids = [h.id.partition(":")[2] for h in hits]  # hits are named "article:<id>"
    rows = {a.id: a for a in session.scalars(select(ArticleRow).where(ArticleRow.id.in_(ids)))}
    return [
        {"id": key, "title": rows[key].title, "question": rows[key].question}
        for key in ids
        if key in rows
    ]


def record_portal_view(session: Session, article_id: str, *, now) -> None:
    """A customer read an article on the portal: it counts towards the hot topics."""
    from moqi.knowledge.usage import log_use

    log_use(session, username="portal", item=f"article:{article_id}", action="view", now=now)
