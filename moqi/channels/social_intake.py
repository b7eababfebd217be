"""Social posts stored: each post received (webhook or CSV row) is read with the live assist
engine, assessed and drafted (moqi.channels.social, pure), stored once per platform and id, and
— when it is negative or escalating — opens one complaint ticket for the social team.

A listening tool resends a post as its counts grow: the same (platform, post_id) updates the
stored row and is assessed again; a post that now becomes a ticket opens one, and one whose
priority rose raises its ticket's (never lowers it). Never a second ticket for one post.

The caller commits: an import is one transaction, so a failure mid-way leaves nothing of it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from functools import lru_cache
from typing import Any

from sqlalchemy import ColumnElement, case, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from moqi.assist import services as assist
from moqi.channels import social
from moqi.channels.models import SocialPostRow
from moqi.errors import Conflict, Invalid, NotFound
from moqi.nlp.mask import mask_pii
from moqi.service import services as desk

CHANNEL = "social"  # the tickets' channel
OWNER = "system"  # owns the ticket until a lead of the team hands it to someone (reassign)
# A reason the engine predicts from a post's words with at least this probability picks the
# reply templates; below it the general ones are used (routing counts reasons the same way).
MIN_REASON_P = 0.3
EXCERPT_CHARS = 60  # of the post's text in a ticket's title
MAX_REPLY_CHARS = social.MAX_PRIVATE_CHARS * 4  # a reply as sent: a public one and a thread
ACTIONS = ("replied", "dismissed")
_RANK = {p: i for i, p in enumerate(social.PRIORITIES)}  # urgent first


@dataclass(frozen=True, slots=True)
class Received:
    """What receiving one post did."""

    row: SocialPostRow
    created: bool  # a post never seen before
    opened: bool  # a ticket was opened for it now
    raised: bool  # its ticket's priority was raised now


@lru_cache(maxsize=1)
def templates() -> social.ReplyTemplates:
    """The shipped reply templates, checked once per process."""
    return social.load_templates()


def read(
    session: Session, post: social.SocialPost, *, now: datetime
) -> tuple[social.Assessment, str | None, list[str], dict[str, str]]:
    """The assessment of a post by the live engine, the call reason found (or None), the
    businesses it names and the escalation channels' labels {code: label}."""
    text = social.reading_text(post)
    reader, _ = assist.start_session(session, None, now=now)
    engine = reader.engine
    labels = {c.code: c.label for c in engine.channels.channels}
    emotion = engine.read_customer(text)
    reason: str | None = None
    businesses: list[str] = []
    if text.strip():
        event = reader.feed("customer", text)
        need = event.need
        if need["informed"] and need["reasons"] and need["reasons"][0]["p"] >= MIN_REASON_P:
            reason = need["reasons"][0]["code"]
        businesses = [m["code"] for m in event.businesses["in_call"] if m.get("code")]
    return social.assess(post, emotion, labels), reason, businesses, labels


def _stored(session: Session, post: social.SocialPost) -> SocialPostRow | None:
    return session.scalars(
        select(SocialPostRow)
        .where(SocialPostRow.platform == post.platform, SocialPostRow.post_id == post.post_id)
        .with_for_update()
    ).one_or_none()


def _fill(
    row: SocialPostRow,
    post: social.SocialPost,
    assessment: social.Assessment,
    reason: str | None,
    drafted: dict[str, str],
    now: datetime,
) -> None:
    row.author, row.text, row.url = post.author, post.text, post.url
    row.posted_at, row.updated_at = post.posted_at, now
    row.reposts, row.comments, row.likes = post.reposts, post.comments, post.likes
    row.followers, row.in_reply_to = post.followers, post.in_reply_to
    row.negative, row.escalating = assessment.negative, assessment.escalating
    row.reach, row.priority, row.why = assessment.reach, assessment.priority, assessment.why
    row.channels, row.reason = list(assessment.channels), reason
    if row.status == "new":  # once answered, the drafts stay what the team worked from
        row.draft_group = drafted["group"]
        row.draft_public, row.draft_private = drafted["public"], drafted["private"]


def receive(session: Session, post: social.SocialPost, *, now: datetime, team: str) -> Received:
    """Store (or update) one post, assessed and drafted, with its one ticket when it needs one."""
    assessment, reason, businesses, labels = read(session, post, now=now)
    drafted = social.drafts(post, assessment, reason, templates())
    row = _stored(session, post)
    created = row is None
    if row is None:
        row = SocialPostRow(
            platform=post.platform, post_id=post.post_id, received_at=now, status="new"
        )
        _fill(row, post, assessment, reason, drafted, now)
        try:
            with session.begin_nested():
                session.add(row)
        except IntegrityError:
            # The same post, sent twice at once: the other insert won; update its row.
            created = False
            row = _stored(session, post)
            if row is None:
                raise
    if not created:
        _fill(row, post, assessment, reason, drafted, now)
    opened = raised = False
    if assessment.becomes_ticket:
        if row.ticket_id is None:
            row.ticket_id = _open_ticket(
                session, post, assessment, reason, businesses, labels, now, team
            )
            opened = True
        else:
            raised = desk.raise_ticket_priority(
                session,
                row.ticket_id,
                assessment.priority,
                actor=OWNER,
                now=now,
                note=assessment.why,
            )
        if (opened or raised) and row.status == "dismissed":
            row.status = "new"  # set aside when it was quiet; it is not any more
    session.flush()
    return Received(row=row, created=created, opened=opened, raised=raised)


def _open_ticket(
    session: Session,
    post: social.SocialPost,
    assessment: social.Assessment,
    reason: str | None,
    businesses: list[str],
    labels: dict[str, str],
    now: datetime,
    team: str,
) -> int:
    excerpt = " ".join(post.text.split())
    if len(excerpt) > EXCERPT_CHARS:
        excerpt = excerpt[: EXCERPT_CHARS - 1] + "…"
    escalation = "、".join(labels.get(c, c) for c in assessment.channels) or "、".join(
        assessment.rallying
    )
    return desk.open_ticket(
        session,
        now=now,
        kind="complaint",
        priority=assessment.priority,
        title=f"{social.PLATFORMS[post.platform]} @{post.author}：{excerpt}",
        owner=OWNER,
        team=team,
        channel=CHANNEL,
        businesses=businesses,
        reason=reason or "",
        escalation=escalation,
        description="\n".join((assessment.why, post.url, post.text)),
    )


def import_csv(session: Session, data: bytes, *, now: datetime, team: str) -> dict[str, Any]:
    """Every good row of a listening tool's export received; the bad ones (and rows repeating
    an earlier one) reported by row number. A file that cannot be read raises SocialError
    before anything is written. {received, new, updated, tickets, raised, bad_rows}."""
    posts, bad_rows = social.parse_csv(data)
    summary: dict[str, Any] = {
        "received": len(posts) + len(bad_rows),
        "new": 0,
        "updated": 0,
        "tickets": 0,
        "raised": 0,
        "bad_rows": bad_rows,
    }
    for post in posts:
        got = receive(session, post, now=now, team=team)
        summary["new" if got.created else "updated"] += 1
        summary["tickets"] += got.opened
        summary["raised"] += got.raised
    return summary


# -- the social team's work ---------------------------------------------------------------------


def get(session: Session, post_id: int) -> SocialPostRow:
    row = session.get(SocialPostRow, post_id)
    if row is None:
        raise NotFound(f"no social post {post_id}")
    return row


def listing(
    session: Session,
    *,
    status: str | None = None,
    priority: str | None = None,
    platform: str | None = None,
    by_priority: bool = False,
    drafts: bool = False,
    limit: int = 200,
) -> list[dict[str, Any]]:
    """Stored posts, newest first (or the most urgent first, then newest), filtered; with
    their drafted replies when `drafts`."""
    query = select(SocialPostRow)
    if status:
        query = query.where(SocialPostRow.status == status)
    if priority:
        query = query.where(SocialPostRow.priority == priority)
    if platform:
        query = query.where(SocialPostRow.platform == platform)
    order: list[ColumnElement[Any]] = [SocialPostRow.posted_at.desc(), SocialPostRow.id.desc()]
    if by_priority:
        order.insert(0, case(_RANK, value=SocialPostRow.priority, else_=len(_RANK)))
    rows = session.scalars(query.order_by(*order).limit(limit))
    return [as_dict(r, drafts=drafts) for r in rows]


def as_dict(row: SocialPostRow, *, drafts: bool = False) -> dict[str, Any]:
    out: dict[str, Any] = {
        "id": row.id,
        "platform": row.platform,
        "platform_label": social.PLATFORMS.get(row.platform, row.platform),
        "post_id": row.post_id,
        "author": row.author,
        "text": row.text,
        "url": row.url,
        "posted_at": row.posted_at.isoformat(),
        "received_at": row.received_at.isoformat(),
        "counts": {
            "reposts": row.reposts,
            "comments": row.comments,
            "likes": row.likes,
            "followers": row.followers,
        },
        "in_reply_to": row.in_reply_to,
        "negative": row.negative,
        "escalating": row.escalating,
        "reach": row.reach,
        "priority": row.priority,
        "why": row.why,
        "channels": list(row.channels or []),
        "reason": row.reason,
        "ticket_id": row.ticket_id,
        "status": row.status,
        "replied_by": row.replied_by,
        "replied_at": row.replied_at.isoformat() if row.replied_at else None,
        "reply": row.reply,
    }
    if drafts:
        out["drafts"] = {
            "group": row.draft_group,
            "public": row.draft_public,
            "private": row.draft_private,
        }
    return out


def act(
    session: Session, post_id: int, action: str, *, by: str, now: datetime, reply: str = ""
) -> SocialPostRow:
    """Mark a post replied (with the reply as sent, stored masked) or dismissed. A reply sent
    cannot be taken back: a replied post is Conflict; a dismissed one may still be replied."""
    if action not in ACTIONS:
        raise Invalid(f"action must be one of {', '.join(ACTIONS)}")
    row = get(session, post_id)
    if row.status == "replied" or row.status == action:
        raise Conflict(f"social post {post_id} is {row.status} already", code="already_done")
    text = reply.strip()
    if action == "replied" and not text:
        raise Invalid("say what was replied (the text as sent)", code="missing_reply")
    if len(text) > MAX_REPLY_CHARS:
        raise Invalid(f"the reply is over {MAX_REPLY_CHARS} characters", code="reply_too_long")
    row.status = action
    row.replied_by, row.replied_at = by, now  # who acted on it, and when
    row.reply = mask_pii(text) if action == "replied" else ""
    session.flush()
    return row
