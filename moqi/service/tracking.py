"""The customer's tracking page: a ticket found by its link token, without a login. It shows
progress, the next step and its due time, what we told the customer, and the survey; never an
internal note, an agent's name or another customer's data."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from moqi import errors
from moqi.service import clocks, followup
from moqi.service.models import Commitment, Survey, Ticket
from moqi.service.queues import history
from moqi.service.ticket_work import resume
from moqi.service.tickets import (
    STATUS_LABELS,
    TRACKING_DAYS,
    aware,
    clean,
    record,
    tracking_key,
)

STEPS = ("受理", "处理中", "待您确认", "已办结")


def find(session: Session, token: str, *, now: datetime) -> Ticket:
    """The ticket of a token; NotFound for an unknown token or one expired after closing."""
    if not 20 <= len(token) <= 64:
        raise errors.NotFound("no such ticket")
    ticket = session.scalar(select(Ticket).where(Ticket.tracking_key == tracking_key(token)))
    if ticket is None:
        raise errors.NotFound("no such ticket")
    closed = aware(ticket.closed_at)
    if closed is not None and now > closed + timedelta(days=TRACKING_DAYS):
        raise errors.NotFound("no such ticket")
    return ticket


def view(session: Session, ticket: Ticket, *, now: datetime) -> dict:
    """What the customer sees."""
    step = {"open": 1, "waiting": 1, "resolved": 2, "closed": 3}[ticket.status]
    cal = clocks.calendar(session, ticket.calendar) if ticket.calendar else None
    zone = cal.zone if cal else None
    due = aware(ticket.due_at)
    if ticket.status == "waiting":
        next_step, next_due = "等待您补充信息（补充后我们继续处理，计时暂停）", None
    elif ticket.status == "open":
        next_step, next_due = "工作人员处理中，处理结果将第一时间告知您", due
    elif ticket.status == "resolved":
        next_step, next_due = "请告诉我们问题是否已解决", None
    else:
        next_step, next_due = "工单已办结，感谢您的反馈", None
    survey = followup.open_survey(session, ticket.id)
    rated = session.scalar(
        select(Survey)
        .where(Survey.ticket_id == ticket.id, Survey.status == "answered")
        .order_by(Survey.id.desc())
        .limit(1)
    )
    promises = session.scalars(
        select(Commitment).where(Commitment.ticket_id == ticket.id).order_by(Commitment.due_at)
    )
    return {
        "number": f"{aware(ticket.created_at):%Y%m%d}-{ticket.id:06d}",
        "title": ticket.title,
        "kind": clocks.KINDS.get(ticket.kind, ticket.kind),
        "status": STATUS_LABELS[ticket.status],
        "steps": STEPS,
        "step": step,
        "created_at": _local(aware(ticket.created_at), zone),
        "next_step": next_step,
        "next_due": _local(next_due, zone) if next_due else "",
        "promises": [
            {"text": c.text, "due": _local(aware(c.due_at), zone), "kept": c.done_at is not None}
            for c in promises
        ],
        "messages": [
            {"at": _local(datetime.fromisoformat(e["at"]), zone), "who": _who(e), "text": _text(e)}
            for e in history(session, ticket, internal=False)
            if _text(e)
        ],
        "survey_id": survey.id if survey else None,
        "can_reopen": ticket.status in ("resolved", "closed") and survey is None,
        "rating": (
            {"solved": rated.solved, "score": rated.score, "comment": rated.comment}
            if rated
            else None
        ),
        "open": ticket.status in ("open", "waiting"),
    }


def _local(at: datetime | None, zone) -> str:
    if at is None:
        return ""
    return f"{(at.astimezone(zone) if zone else at):%Y-%m-%d %H:%M}"


def _who(event: dict) -> str:
    return "您" if event["actor"] == "customer" else "客服"


def _text(event: dict) -> str:
    if event["kind"] == "customer":
        return f"{event['new']}。{event['body']}".rstrip("。") if event["body"] else event["new"]
    if event["field"] == "status":
        return event["body"] or f"状态：{STATUS_LABELS.get(event['new'], event['new'])}"
    if event["field"] == "commitment":
        return (
            f"承诺：{event['new']}" if event["old"] == "" else f"承诺“{event['old']}”{event['new']}"
        )
    return event["body"]


def add_info(session: Session, ticket: Ticket, *, text: str, now: datetime) -> None:
    """The customer adds information; a ticket waiting on it starts moving again."""
    body = clean(text, 2000)
    if not body:
        raise errors.Invalid("请填写要补充的内容")
    if ticket.status == "closed":
        raise errors.Conflict("工单已办结；如问题仍未解决，请选择“仍未解决”")
    record(
        session,
        ticket,
        actor="customer",
        kind="customer",
        now=now,
        new="补充信息",
        body=body,
        internal=False,
    )
    if ticket.status == "waiting":
        resume(session, ticket.id, actor="customer", now=now)
    session.flush()


def not_solved(session: Session, ticket: Ticket, *, text: str, now: datetime) -> None:
    """The customer says it is still not solved after the survey was answered or expired:
    the ticket goes back to its owner with a callback."""
    if ticket.status in ("open", "waiting"):
        raise errors.Conflict("工单正在处理中")
    record(
        session,
        ticket,
        actor="customer",
        kind="customer",
        now=now,
        new="仍未解决",
        body=clean(text, 1000),
        internal=False,
    )
    followup.reopen(session, ticket, now=now, actor="customer")
    followup.callback_for(session, ticket, why="not_solved", now=now)
    session.flush()


def answer(
    session: Session,
    ticket: Ticket,
    *,
    solved: bool,
    score: int | None,
    comment: str,
    now: datetime,
) -> None:
    """The customer answers the survey waiting on the ticket."""
    survey = followup.open_survey(session, ticket.id)
    if survey is None:
        raise errors.Conflict("没有待回答的回访")
    followup.answer(
        session, survey.id, solved=solved, score=score, comment=comment, now=now, via="tracking"
    )
