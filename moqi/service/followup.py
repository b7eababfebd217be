"""Follow-up until solved (100% 解决): resolving sends the customer a survey; "not solved", a
score of 2 or less, or silence makes a callback task for the owner; the ticket closes only when
the customer says it is solved, or after the set number of callbacks, recorded."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from moqi import errors
from moqi.service import clocks
from moqi.service.models import Callback, Commitment, Customer, Survey, Ticket
from moqi.service.ticket_work import may_work, resume
from moqi.service.tickets import Closed, clean, get, record, schedule_alerts, tracking_token

CHANNELS = {"wechat": "wechat", "app": "app"}  # every other contact channel is answered by SMS
CHANNEL_LABELS = {"sms": "短信", "wechat": "微信", "app": "App"}
WHY = {"not_solved": "客户表示未解决", "low_score": "客户评分低", "no_answer": "客户未答复回访短信"}
OUTCOMES = {
    "solved": "客户确认已解决",
    "not_solved": "客户表示仍未解决",
    "unreachable": "未联系上客户",
}


def tracking_link(base: str, ticket_id: int) -> str:
    """The customer's tracking page for a ticket."""
    return f"{base.rstrip('/')}/t/{tracking_token(ticket_id)}"


def _send_survey(
    session: Session,
    ticket: Ticket,
    *,
    now: datetime,
    link_base: str,
    text: str,
    commitment_id: int | None = None,
) -> Survey:
    desk = clocks.desk_settings()
    channel = CHANNELS.get(ticket.channel, "sms")
    survey = Survey(
        ticket_id=ticket.id,
        commitment_id=commitment_id,
        channel=channel,
        sent_at=now,
        expires_at=now + timedelta(hours=desk.survey_wait_hours),
    )
    session.add(survey)
    session.flush()
    from moqi.service.outbox import services as outbox

    customer = session.get(Customer, ticket.customer_id) if ticket.customer_id else None
    if customer is None:  # nobody to text: the owner gives the link on the phone
        record(
            session,
            ticket,
            actor="system",
            kind="survey",
            now=now,
            new="none",
            body="工单未关联客户，回访问卷未发短信：请通过电话告知客户查询链接",
        )
        return survey
    outbox.queue(
        session,
        dedupe_key=f"survey:{survey.id}",
        channel=channel,
        kind="survey",
        recipient=customer.phone_masked,
        body=f"{text}问题解决了吗？请打开 {tracking_link(link_base, ticket.id)} 告诉我们（已解决/未解决，1-5 分）。",
        now=now,
        customer_id=ticket.customer_id,
        ticket_id=ticket.id,
    )
    record(
        session,
        ticket,
        actor="system",
        kind="survey",
        now=now,
        new=channel,
        body=f"回访问卷已发出（{CHANNEL_LABELS[channel]}）",
    )
    return survey


def resolve(
    session: Session,
    ticket_id: int,
    *,
    username: str,
    role: str,
    code: str,
    resolution: str,
    now: datetime,
    link_base: str,
) -> Ticket:
    """The agent's word that the work is done: a resolution code and what was done; the
    customer gets the survey. The ticket is not closed until the customer answers."""
    ticket = get(session, ticket_id)
    may_work(ticket, username=username, role=role)
    if ticket.status not in ("open", "waiting"):
        raise Closed(f"ticket {ticket.id} is already {ticket.status}")
    codes = clocks.resolution_codes()
    if code not in codes:
        raise errors.Invalid(f"resolution code must be one of {', '.join(codes)}")
    text = clean(resolution, 4000)
    if not text:
        raise errors.Invalid("say how it was resolved")
    if ticket.status == "waiting":
        resume(session, ticket.id, actor=username, now=now)
    old = ticket.status
    ticket.status, ticket.resolved_at = "resolved", now
    ticket.resolution, ticket.resolution_code = text, code
    record(
        session,
        ticket,
        actor=username,
        kind="change",
        now=now,
        field="status",
        old=old,
        new="resolved",
        body=f"{codes[code]}：{text}",
        internal=False,
    )
    schedule_alerts(ticket, warn_minutes=clocks.desk_settings().warn_minutes)
    _send_survey(
        session,
        ticket,
        now=now,
        link_base=link_base,
        text=f"您反映的“{ticket.title[:30]}”已处理：{codes[code]}。",
    )
    session.flush()
    return ticket


def commitment_due(session: Session, item: Commitment, *, now: datetime, link_base: str) -> None:
    """A promise fell due: ask the customer whether it was kept."""
    ticket = get(session, item.ticket_id)
    if ticket.status == "closed":
        return
    _send_survey(
        session,
        ticket,
        now=now,
        link_base=link_base,
        commitment_id=item.id,
        text=f"我们承诺的“{item.text[:40]}”已到约定时间。",
    )


def answer(
    session: Session,
    survey_id: int,
    *,
    solved: bool,
    score: int | None,
    comment: str,
    now: datetime,
    via: str = "tracking",
) -> Survey:
    """The customer's answer to a survey."""
    survey = session.get(Survey, survey_id)
    if survey is None:
        raise errors.NotFound(f"no survey {survey_id}")
    if survey.status != "sent":
        raise errors.Conflict(
            "this survey is already answered"
            if survey.status == "answered"
            else "this survey has expired"
        )
    if score is not None and not 1 <= score <= 5:
        raise errors.Invalid("the score is 1 to 5")
    ticket = get(session, survey.ticket_id)
    survey.status, survey.answered_at, survey.expires_at = "answered", now, None
    survey.solved, survey.score, survey.comment = solved, score, clean(comment, 1000)
    record(
        session,
        ticket,
        actor="customer",
        kind="customer",
        now=now,
        new="已解决" if solved else "未解决",
        body=f"评分 {score if score is not None else '—'}；{survey.comment}".rstrip("；"),
        internal=False,
    )
    if survey.commitment_id is not None:
        item = session.get(Commitment, survey.commitment_id)
        if solved and item is not None and item.done_at is None:
            item.done_at, item.alert_at = now, None
        if not solved:
            callback_for(session, ticket, why="not_solved", now=now)
    elif not solved:
        reopen(session, ticket, now=now, actor="customer")
        callback_for(session, ticket, why="not_solved", now=now)
    elif score is not None and score <= 2:
        callback_for(session, ticket, why="low_score", now=now)
    elif ticket.status == "resolved":
        close(session, ticket, now=now, reason="customer", answer="solved")
    session.flush()
    return survey


def expire(session: Session, survey: Survey, *, now: datetime) -> None:
    """No answer within the set time: a callback for the owner."""
    survey.status, survey.expires_at = "expired", None
    ticket = get(session, survey.ticket_id)
    if ticket.status != "closed":
        callback_for(session, ticket, why="no_answer", now=now)


def reopen(session: Session, ticket: Ticket, *, now: datetime, actor: str) -> None:
    """The customer says it is not solved: back to its owner (首问负责), clocks running."""
    if ticket.status in ("open", "waiting"):
        return
    old = ticket.status
    ticket.status, ticket.assignee = "open", ticket.owner
    ticket.reopened += 1
    ticket.closed_at, ticket.close_reason, ticket.customer_answer = None, "", "not_solved"
    record(
        session,
        ticket,
        actor=actor,
        kind="change",
        now=now,
        field="status",
        old=old,
        new="open",
        body="客户反馈未解决，已退回首问责任人继续处理",
        internal=False,
    )
    schedule_alerts(ticket, warn_minutes=clocks.desk_settings().warn_minutes)


def close(
    session: Session, ticket: Ticket, *, now: datetime, reason: str, answer: str = ""
) -> None:
    """Close for good: the customer said solved, or the callbacks ran out."""
    old = ticket.status
    ticket.status, ticket.closed_at, ticket.close_reason = "closed", now, reason
    if answer:
        ticket.customer_answer = answer
    ticket.alert_at, ticket.alerted = None, ""
    label = {
        "customer": "客户确认已解决",
        "callback": "回访确认已解决",
        "attempts_exhausted": "多次回访仍未解决，按规定关闭并留档",
    }.get(reason, reason)
    record(
        session,
        ticket,
        actor="system",
        kind="change",
        now=now,
        field="status",
        old=old,
        new="closed",
        body=label,
        internal=False,
    )


def callback_for(session: Session, ticket: Ticket, *, why: str, now: datetime) -> Callback | None:
    desk = clocks.desk_settings()
    made = (
        session.scalar(
            select(func.count()).select_from(Callback).where(Callback.ticket_id == ticket.id)
        )
        or 0
    )
    if made >= desk.callback_attempts:
        if ticket.status != "closed":
            close(session, ticket, now=now, reason="attempts_exhausted")
        return None
    cal = clocks.calendar(session, desk.callback_calendar)
    task = Callback(
        ticket_id=ticket.id,
        owner=ticket.owner,
        attempt=made + 1,
        why=why,
        created_at=now,
        due_at=cal.due(now, desk.callback_minutes),
    )
    session.add(task)
    record(
        session,
        ticket,
        actor="system",
        kind="callback",
        now=now,
        new=f"第 {made + 1} 次",
        body=f"外呼回访任务给 {ticket.owner}：{WHY[why]}",
    )
    session.flush()
    return task


def finish_callback(
    session: Session,
    callback_id: int,
    *,
    username: str,
    role: str,
    outcome: str,
    notes: str,
    now: datetime,
) -> Callback:
    """What the callback found: solved closes the ticket; not solved sends it back to work;
    unreachable makes the next attempt (or closes when they ran out)."""
    task = session.get(Callback, callback_id)
    if task is None:
        raise errors.NotFound(f"no callback {callback_id}")
    ticket = get(session, task.ticket_id)
    may_work(ticket, username=username, role=role)
    if task.done_at is not None:
        raise errors.Conflict(f"callback {callback_id} is already done")
    if outcome not in OUTCOMES:
        raise errors.Invalid(f"outcome must be one of {', '.join(OUTCOMES)}")
    task.done_at, task.done_by, task.outcome, task.notes = (
        now,
        username,
        outcome,
        clean(notes, 2000),
    )
    record(
        session,
        ticket,
        actor=username,
        kind="callback",
        now=now,
        new=OUTCOMES[outcome],
        body=task.notes,
    )
    if outcome == "solved":
        if ticket.status != "closed":
            close(session, ticket, now=now, reason="callback", answer="solved")
    elif outcome == "not_solved":
        reopen(session, ticket, now=now, actor=username)
    else:
        callback_for(session, ticket, why=task.why, now=now)
    session.flush()
    return task


def open_survey(session: Session, ticket_id: int) -> Survey | None:
    """The survey waiting for the customer's answer, if any (the newest)."""
    return session.scalar(
        select(Survey)
        .where(Survey.ticket_id == ticket_id, Survey.status == "sent")
        .order_by(Survey.id.desc())
        .limit(1)
    )
