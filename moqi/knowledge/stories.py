"""Success stories: an agent shares how a hard case was solved; colleagues rate it; the best
become scripts through the normal review loop."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import TypedDict

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from moqi.errors import Forbidden
from moqi.knowledge import items, review
from moqi.knowledge.models import BusinessRow, ReasonRow, StoryRatingRow, StoryRow
from moqi.knowledge.versions import NotFound
from moqi.nlp.mask import mask_pii
from moqi.service import services as desk


def share(
    session: Session,
    *,
    title: str,
    situation: str,
    what_worked: str,
    author: str,
    now: datetime,
    reason: str | None = None,
    businesses: Sequence[str] = (),
    contact_id: int | None = None,
) -> StoryRow:
    """Record a story (personal data masked); reason and businesses must be known codes."""
    if not title.strip() or not situation.strip() or not what_worked.strip():
        raise items.ItemError("a story needs a title, the situation and what worked")
    if reason and session.get(ReasonRow, reason) is None:
        raise items.ItemError(f"unknown reason code {reason!r}")
    unknown = [b for b in businesses if session.get(BusinessRow, b) is None]
    if unknown:
        raise items.ItemError(f"unknown business code(s) {unknown}")
    if contact_id is not None:
        try:
            desk.get_contact(session, contact_id)
        except desk.NotFound:
            raise NotFound(f"contact {contact_id} does not exist") from None
    story = StoryRow(
        title=mask_pii(title.strip()),
        situation=mask_pii(situation.strip()),
        what_worked=mask_pii(what_worked.strip()),
        reason=reason or None,
        businesses=list(businesses),
        author=author,
        contact_id=contact_id,
        created_at=now,
    )
    session.add(story)
    session.flush()
    return story


def get(session: Session, story_id: int) -> StoryRow:
    """One story; NotFound otherwise."""
    story = session.get(StoryRow, story_id)
    if story is None:
        raise NotFound(f"story {story_id} does not exist")
    return story


def rate(session: Session, story_id: int, *, username: str, stars: int, comment: str = "") -> None:
    """A colleague's 1–5 rating (re-rating replaces it); authors do not rate their own story."""
    story = get(session, story_id)
    if story.author == username:
        raise Forbidden("authors cannot rate their own story")
    if not 1 <= stars <= 5:
        raise items.ItemError("stars must be 1–5")
    row = session.scalar(
        select(StoryRatingRow).where(
            StoryRatingRow.story_id == story_id, StoryRatingRow.username == username
        )
    )
    if row is None:
        session.add(
            StoryRatingRow(
                story_id=story_id, username=username, stars=stars, comment=mask_pii(comment.strip())
            )
        )
    else:
        row.stars, row.comment = stars, mask_pii(comment.strip())
    session.flush()


class RankedStory(TypedDict):
    """A story with its ratings: how many, their average, and the score it is ranked by."""

    story: StoryRow
    ratings: int
    average: float | None
    score: float | None  # None for a story just shared, not ranked yet


def ranked(session: Session, *, limit: int = 100) -> list[RankedStory]:
    """Stories, best first: by a Bayesian average (a few 5-star votes do not beat many 4s)."""
    stats = dict(
        (sid, (n, total))
        for sid, n, total in session.execute(
            select(StoryRatingRow.story_id, func.count(), func.sum(StoryRatingRow.stars)).group_by(
                StoryRatingRow.story_id
            )
        )
    )
    all_n = sum(n for n, _ in stats.values())
    prior_mean = (sum(t for _, t in stats.values()) / all_n) if all_n else 3.0
    prior_weight = 3
    out: list[tuple[tuple[float, int, int], RankedStory]] = []  # (sort key, entry)
    for story in session.scalars(select(StoryRow).order_by(StoryRow.id.desc()).limit(limit)):
        n, total = stats.get(story.id, (0, 0))
        score = round((prior_weight * prior_mean + total) / (prior_weight + n), 3)
        entry: RankedStory = {
            "story": story,
            "ratings": n,
            "average": round(total / n, 2) if n else None,
            "score": score,
        }
        out.append(((-score, -n, -story.id), entry))
    out.sort(key=lambda keyed: keyed[0])
    return [entry for _, entry in out]


def promote(
    session: Session,
    story_id: int,
    *,
    editor: str,
    script_id: str,
    kind: str,
    text: str,
    emotion: str = "*",
    brand: str = "*",
    region: str = "*",
    stage: str = "*",
) -> object:
    """Turn a story into a proposed script (reviewed like any proposal); returns the proposal."""
    story = get(session, story_id)
    if story.proposal_id is not None:
        raise review.Conflict(
            f"story {story_id} was already promoted (proposal {story.proposal_id})"
        )
    body = {
        "kind": kind,
        "reason": story.reason or "*",
        "emotion": emotion,
        "brand": brand,
        "region": region,
        "stage": stage,
        "text": text,
    }
    proposal = review.propose(
        session,
        kind="script",
        key=script_id,
        action="create",
        body=body,
        summary=f"来自成功案例 #{story.id}：{story.title}",
        proposer=editor,
        source="story",
        source_ref=str(story.id),
    )
    story.proposal_id = proposal.id
    session.flush()
    return proposal
