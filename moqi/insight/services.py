"""Satisfaction: customers' ratings of contacts recorded from every source, and reported by
agent, team, reason, channel, region, brand or week with their intervals."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Collection
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from moqi.accounts import services as accounts
from moqi.errors import Invalid, NotFound
from moqi.insight import stats
from moqi.insight.models import ContactRating
from moqi.insight.ratings_table import RatingRow
from moqi.insight.survey_table import SurveyError
from moqi.nlp.mask import mask_pii
from moqi.nlp.normalize import normalize
from moqi.service import services as desk

SOURCES = ("chat", "ivr", "sms", "import")
DIMENSIONS = ("agent", "team", "reason", "channel", "region", "brand", "week")
SATISFIED = 4  # a 4 or a 5 out of 5 counts as satisfied (top-2 box)


def _score(value: object, name: str, low: int, high: int) -> int | None:
    if value is None or value == "":
        return None
    if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
        raise Invalid(f"{name}: a whole number from {low} to {high}, not {value!r}")
    return value


def record_rating(
    session: Session,
    contact_id: int,
    *,
    source: str,
    now: datetime,
    satisfaction: object = None,
    recommend: object = None,
    comment: str = "",
) -> ContactRating:
    """Keep a customer's answer about a contact; the same source answering again replaces its
    earlier answer (a customer who re-rates a chat changes their rating, not adds one)."""
    if source not in SOURCES:
        raise Invalid(f"source: one of {', '.join(SOURCES)}")
    score = _score(satisfaction, "satisfaction", 1, 5)
    likely = _score(recommend, "recommend", 0, 10)
    if score is None and likely is None:
        raise Invalid("a rating needs a satisfaction score (1–5) or a recommendation (0–10)")
    if not desk.contact_exists(session, contact_id):
        raise NotFound(f"no contact {contact_id}")
    text = mask_pii(normalize(comment or ""))[:400]
    row = session.scalar(
        select(ContactRating).where(
            ContactRating.contact_id == contact_id, ContactRating.source == source
        )
    )
    if row is None:
        row = ContactRating(contact_id=contact_id, source=source)
        session.add(row)
    row.satisfaction, row.recommend, row.comment, row.answered_at = score, likely, text, now
    session.flush()
    return row


@dataclass(frozen=True)
class Group:
    """One group's figures: mean satisfaction, the share satisfied, the NPS."""

    key: str
    mean: stats.Figure
    satisfied: stats.Figure
    nps: stats.Figure

    @property
    def n(self) -> int:
        return max(self.mean.n, self.nps.n)


def satisfaction(
    session: Session,
    *,
    by: str,
    since: datetime | None = None,
    until: datetime | None = None,
    channel: str | None = None,
) -> tuple[Group, list[Group]]:
    """Everyone's figures and each group's, answers given in [since, until), largest group
    first (weeks in order)."""
    if by not in DIMENSIONS:
        raise Invalid(f"by: one of {', '.join(DIMENSIONS)}")
    facts = desk.contact_facts()
    teams = accounts.user_teams()
    query = (
        select(
            ContactRating.satisfaction,
            ContactRating.recommend,
            ContactRating.answered_at,
            facts.c.agent,
            facts.c.channel,
            facts.c.reason,
            facts.c.region,
            facts.c.brand,
            teams.c.team,
        )
        .join(facts, facts.c.contact_id == ContactRating.contact_id)
        .outerjoin(teams, teams.c.username == facts.c.agent)
    )
    if since is not None:
        query = query.where(ContactRating.answered_at >= since)
    if until is not None:
        query = query.where(ContactRating.answered_at < until)
    if channel:
        query = query.where(facts.c.channel == channel)
    scores: dict[str, list[int]] = defaultdict(list)
    likely: dict[str, list[int]] = defaultdict(list)
    everyone_scores: list[int] = []
    everyone_likely: list[int] = []
    for row in session.execute(query):
        if by == "week":
            year, week, _ = row.answered_at.isocalendar()
            key = f"{year}-W{week:02d}"
        else:
            key = getattr(row, by) or ""
        if row.satisfaction is not None:
            scores[key].append(row.satisfaction)
            everyone_scores.append(row.satisfaction)
        if row.recommend is not None:
            likely[key].append(row.recommend)
            everyone_likely.append(row.recommend)
    groups = [_group(k, scores.get(k, []), likely.get(k, [])) for k in {*scores, *likely}]
    if by == "week":
        groups.sort(key=lambda g: g.key)
    else:
        groups.sort(key=lambda g: (-g.n, g.key))
    return _group("全部", everyone_scores, everyone_likely), groups


def _group(key: str, scores: list[int], likely: list[int]) -> Group:
    return Group(
        key=key,
        mean=stats.mean_score(scores),
        satisfied=stats.share(sum(1 for s in scores if s >= SATISFIED), len(scores)),
        nps=stats.nps(likely),
    )


def import_ratings(session: Session, rows: list[RatingRow], *, source: str, now: datetime) -> int:
    """Keep every row of a checked file, or none: a row naming an unknown contact refuses the
    whole file (the session's transaction is not committed)."""
    unknown = [
        (r.row, f"没有编号为 {r.contact_id} 的联系")
        for r in rows
        if not desk.contact_exists(session, r.contact_id)
    ]
    if unknown:
        raise SurveyError("评价文件未导入", unknown)
    for r in rows:
        record_rating(
            session,
            r.contact_id,
            source=source,
            now=r.answered_at or now,
            satisfaction=r.satisfaction,
            recommend=r.recommend,
            comment=r.comment,
        )
    return len(rows)


def ratings_by_agent_reason(
    session: Session, *, since: datetime, agents: Collection[str] | None = None
) -> list[tuple[str, str, int, int]]:
    """(agent, reason, ratings, sum of satisfaction scores) of satisfaction answers given at
    `since` or later; only these agents' when given. For training's weak areas."""
    if agents is not None and not agents:
        return []
    facts = desk.contact_facts()
    query = (
        select(
            facts.c.agent,
            facts.c.reason,
            func.count(ContactRating.satisfaction),
            func.sum(ContactRating.satisfaction),
        )
        .join(facts, facts.c.contact_id == ContactRating.contact_id)
        .where(ContactRating.satisfaction.is_not(None), ContactRating.answered_at >= since)
        .group_by(facts.c.agent, facts.c.reason)
    )
    if agents is not None:
        query = query.where(facts.c.agent.in_(sorted(set(agents))))
    return [(a or "", r or "", int(n), int(s or 0)) for a, r, n, s in session.execute(query)]


def satisfaction_of(session: Session, contact_ids: Collection[int]) -> dict[int, int]:
    """The satisfaction score (1–5) each of these contacts was given, the latest answer where
    several sources answered; contacts without one are left out."""
    if not contact_ids:
        return {}
    rows = session.execute(
        select(ContactRating.contact_id, ContactRating.satisfaction)
        .where(
            ContactRating.contact_id.in_(sorted(set(contact_ids))),
            ContactRating.satisfaction.is_not(None),
        )
        .order_by(ContactRating.answered_at, ContactRating.id)
    )
    return {cid: int(score) for cid, score in rows if score is not None}


# The fixed customer panel and journey research (their own modules; named here for others).
from moqi.insight import journey_work as journey_research  # noqa: E402, F401
from moqi.insight import panel_work as panel  # noqa: E402, F401
from moqi.insight.research_demo import generate as research_demo  # noqa: E402, F401
