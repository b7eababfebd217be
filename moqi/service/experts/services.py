"""The virtual expert centre (虚拟专家中心): an agent's question goes to the department or partner
firm that knows the business, to its expert on duty with the fewest open questions, with an
answer due on the department's duty calendar. The answer reaches the agent on the workbench,
lands on the ticket's history, and a good one is proposed to the knowledge base.

Departments are content (moqi/data/service/experts.yaml); experts are users with the role
"expert" that an administrator places in a department. Questions and answers are stored
normalised (traditional → simplified, full-width) and with personal data masked.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from moqi.errors import Conflict, Forbidden, Invalid, NotFound
from moqi.knowledge import review, versions
from moqi.nlp.mask import mask_pii
from moqi.nlp.normalize import normalize
from moqi.service import clocks, tickets
from moqi.service.experts import routing
from moqi.service.experts.departments import (
    DEFAULT,
    business_names,
    department_names,
    departments,
    duty_of,
    expert_of,
    load_departments,
    on_duty_now,
    roster,
    set_duty,
    set_expert,
)
from moqi.service.experts.models import Consultation, ConsultationMessage, ExpertDepartment
from moqi.service.models import Contact

__all__ = [
    "DEFAULT",
    "roster",
    "access",
    "as_dict",
    "ask",
    "close",
    "department_names",
    "departments",
    "duty_of",
    "expert_of",
    "for_agent",
    "get",
    "listing",
    "load_departments",
    "propose_answer",
    "queue_for_expert",
    "reply",
    "set_duty",
    "set_expert",
    "take",
    "view",
]

MAX_QUESTION = 2000
MAX_MESSAGE = 4000
LEADS = ("team_lead", "admin")
STATUSES = ("open", "answered", "closed")
STATUS_LABELS = {"open": "待答复", "answered": "已答复", "closed": "已关闭"}


class Closed(Conflict):
    """The consultation is closed: nothing more is said in it."""


def _aware(value: datetime | None) -> datetime | None:
    """A stored time with its UTC offset (SQLite hands timestamps back naive)."""
    if value is None:
        return None
    return value if value.tzinfo else value.replace(tzinfo=UTC)


def _clean(text: str, limit: int, what: str) -> str:
    """Text as stored: normalised, then masked (a full-width phone number is masked too)."""
    if len(text) > limit:
        raise Invalid(f"{what} is longer than {limit} characters")
    cleaned = mask_pii(normalize(text.strip()))
    if not cleaned:
        raise Invalid(f"{what} is empty")
    return cleaned


def get(session: Session, consultation_id: int) -> Consultation:
    """A consultation; NotFound otherwise."""
    consultation = session.get(Consultation, consultation_id)
    if consultation is None:
        raise NotFound(f"no consultation {consultation_id}")
    return consultation


def access(session: Session, consultation_id: int, *, username: str, role: str) -> Consultation:
    """The consultation if this user may see it (its asker, the experts of its department,
    team leads and admins); NotFound for an unknown id, Forbidden for anyone else."""
    consultation = get(session, consultation_id)
    if role in LEADS or consultation.asked_by == username:
        return consultation
    expert = expert_of(session, username) if role == "expert" else None
    if expert is not None and expert.department == consultation.department:
        return consultation
    raise Forbidden(f"consultation {consultation_id} is not yours or your department's")


def ask(
    session: Session,
    *,
    asked_by: str,
    question: str,
    business: str = "",
    skill: str = "",
    contact_id: int | None = None,
    ticket_id: int | None = None,
    now: datetime,
) -> Consultation:
    """Open a consultation and route it (see routing.py); its answer is due after the
    department's response_minutes of duty time, counted from its next opening."""
    text = _clean(question, MAX_QUESTION, "the question")
    business, skill = business.strip(), normalize(skill.strip())
    known = versions.codes(session)["businesses"]
    if business and known and business not in known:
        raise Invalid(f"unknown business code {business!r}")
    rows = list(session.scalars(select(ExpertDepartment).order_by(ExpertDepartment.code)))
    if skill and not any(skill in d.skills for d in rows):
        raise Invalid(f"no department lists the skill {skill!r}")
    if contact_id is not None and session.get(Contact, contact_id) is None:
        raise NotFound(f"no contact {contact_id}")
    if ticket_id is not None:
        tickets.get(session, ticket_id)
    depts, candidates = on_duty_now(session, rows, now=now)
    chosen = routing.route(depts, candidates, business, skill)
    if chosen is None:
        raise Invalid(
            f"no department answers business {business or '—'} / skill {skill or '—'}; "
            "load the expert departments (moqi init) or name a business one of them serves"
        )
    department = session.get(ExpertDepartment, chosen.department)
    assert department is not None
    due = clocks.calendar(session, department.calendar).due(now, department.response_minutes)
    consultation = Consultation(
        ticket_id=ticket_id,
        contact_id=contact_id,
        business=business,
        skill=skill,
        department=department.code,
        question=text,
        asked_by=asked_by,
        expert=chosen.expert or "",
        status="open",
        created_at=now,
        due_at=due,
    )
    consultation.messages.append(
        ConsultationMessage(at=now, author=asked_by, role="agent", body=text)
    )
    session.add(consultation)
    session.flush()
    return consultation


def _open(session: Session, consultation_id: int) -> Consultation:
    consultation = get(session, consultation_id)
    if consultation.status == "closed":
        raise Closed(f"consultation {consultation_id} is closed")
    return consultation


def _department_expert(session: Session, consultation: Consultation, username: str) -> None:
    expert = expert_of(session, username)
    if expert is None or expert.department != consultation.department:
        raise Forbidden(
            f"only the experts of department {consultation.department} answer consultation "
            f"{consultation.id}"
        )


def reply(
    session: Session,
    consultation_id: int,
    *,
    author: str,
    role: str,
    body: str,
    now: datetime,
) -> ConsultationMessage:
    """Add a message: an expert's answer (the consultation is answered, and the answer goes on
    the ticket's history) or the asker's follow-up (it is open again, with a fresh due time)."""
    consultation = _open(session, consultation_id)
    if role not in ("expert", "agent"):
        raise Invalid(f"a message is an expert's or an agent's, not {role!r}")
    if role == "expert":
        _department_expert(session, consultation, author)
    elif author != consultation.asked_by:
        raise Forbidden(
            f"only {consultation.asked_by}, who asked, follows up consultation {consultation_id}"
        )
    text = _clean(body, MAX_MESSAGE, "the message")
    if role == "expert":
        consultation.expert = consultation.expert or author
        consultation.status = "answered"
        consultation.answered_at = now
        if consultation.ticket_id is not None:
            tickets.add_expert_comment(
                session, consultation.ticket_id, expert=author, body=text, now=now
            )
    elif consultation.status == "answered":
        # The agent asks again: the department owes a new answer, on a new clock.
        department = session.get(ExpertDepartment, consultation.department)
        assert department is not None
        calendar = clocks.calendar(session, department.calendar)
        consultation.status = "open"
        consultation.due_at = calendar.due(now, department.response_minutes)
        holder = expert_of(session, consultation.expert)
        if holder is None or not holder.on_duty or holder.department != department.code:
            consultation.expert = ""  # gone off duty or moved since: the department's queue
    message = ConsultationMessage(at=now, author=author, role=role, body=text)
    consultation.messages.append(message)
    session.flush()
    return message


def take(session: Session, consultation_id: int, expert: str) -> Consultation:
    """An expert of the department takes the consultation (from the queue, or from a colleague
    who is off duty); Conflict when a colleague on duty has it."""
    consultation = _open(session, consultation_id)
    _department_expert(session, consultation, expert)
    holder = expert_of(session, consultation.expert) if consultation.expert else None
    if holder is not None and holder.username != expert and holder.on_duty:
        raise Conflict(f"consultation {consultation_id} is with {holder.username}, who is on duty")
    consultation.expert = expert
    session.flush()
    return consultation


def close(session: Session, consultation_id: int, by: str) -> Consultation:
    """Close the consultation (the agent has what they needed); Conflict when closed already."""
    consultation = _open(session, consultation_id)
    consultation.status = "closed"
    session.flush()
    return consultation


def propose_answer(session: Session, consultation_id: int, *, by: str, now: datetime) -> int:
    """Propose the experts' answer as a knowledge article through the review queue; the
    proposal's id. Conflict before any answer, and the second time."""
    consultation = get(session, consultation_id)
    if consultation.proposal_id is not None:
        raise Conflict(
            f"consultation {consultation_id} was proposed already (proposal {consultation.proposal_id})"
        )
    answers = [m.body for m in consultation.messages if m.role == "expert"]
    if not answers:
        raise Conflict(f"consultation {consultation_id} has no expert answer to propose yet")
    department = department_names(session).get(consultation.department, consultation.department)
    known = versions.codes(session)["businesses"]
    title = consultation.question.splitlines()[0]
    body = {
        "title": title if len(title) <= 40 else title[:39] + "…",
        "question": consultation.question,
        "answer": "\n\n".join(answers),
        "businesses": [consultation.business] if consultation.business in known else [],
        "tags": ["专家解答", department],
    }
    proposal = review.propose(
        session,
        kind="article",
        key=f"expert-{consultation.id}",
        action="create",
        body=body,
        summary=f"虚拟专家中心咨询 #{consultation.id}（{department}）的专家解答，建议沉淀为知识",
        proposer=by,
        source="expert",
        source_ref=str(consultation.id),
    )
    consultation.proposal_id = proposal.id
    session.flush()
    return proposal.id


def as_dict(
    consultation: Consultation,
    now: datetime,
    *,
    departments: dict[str, str] | None = None,
    businesses: dict[str, str] | None = None,
) -> dict:
    """A consultation as the API and the pages show it, with its thread and its clock."""
    due = _aware(consultation.due_at)
    assert due is not None
    waiting = consultation.status == "open"
    answered = _aware(consultation.answered_at)
    return {
        "id": consultation.id,
        "ticket_id": consultation.ticket_id,
        "contact_id": consultation.contact_id,
        "business": consultation.business,
        "business_name": (businesses or {}).get(consultation.business, consultation.business),
        "skill": consultation.skill,
        "department": consultation.department,
        "department_name": (departments or {}).get(
            consultation.department, consultation.department
        ),
        "question": consultation.question,
        "asked_by": consultation.asked_by,
        "expert": consultation.expert,
        "status": consultation.status,
        "status_label": STATUS_LABELS.get(consultation.status, consultation.status),
        "created_at": _aware(consultation.created_at).isoformat(),  # type: ignore[union-attr]
        "due_at": due.isoformat(),
        "minutes_left": round((due - now).total_seconds() / 60) if waiting else None,
        "overdue": waiting and due < now,
        "answered_at": answered.isoformat() if answered else None,
        "proposal_id": consultation.proposal_id,
        "messages": [
            {
                "id": m.id,
                "at": _aware(m.at).isoformat(),  # type: ignore[union-attr]
                "author": m.author,
                "role": m.role,
                "body": m.body,
            }
            for m in consultation.messages
        ],
    }


def view(session: Session, consultation: Consultation, now: datetime) -> dict:
    """One consultation as a dict, with its department's and business's names."""
    return as_dict(
        consultation,
        now,
        departments=department_names(session),
        businesses=business_names(session, [consultation.business]),
    )


def listing(
    session: Session,
    *,
    now: datetime,
    asked_by: str | None = None,
    department: str | None = None,
    contact_id: int | None = None,
    statuses: Iterable[str] = (),
    soonest_first: bool = False,
    limit: int = 200,
) -> list[dict]:
    """Consultations as dicts, newest first (or due soonest first), filtered as given."""
    query = select(Consultation)
    if asked_by is not None:
        query = query.where(Consultation.asked_by == asked_by)
    if department is not None:
        query = query.where(Consultation.department == department)
    if contact_id is not None:
        query = query.where(Consultation.contact_id == contact_id)
    wanted = list(statuses)
    if wanted:
        query = query.where(Consultation.status.in_(wanted))
    order = (Consultation.due_at, Consultation.id) if soonest_first else (Consultation.id.desc(),)
    rows = list(session.scalars(query.order_by(*order).limit(limit)))
    names = department_names(session)
    businesses = business_names(session, (c.business for c in rows))
    return [as_dict(c, now, departments=names, businesses=businesses) for c in rows]


def queue_for_expert(session: Session, username: str, now: datetime) -> list[dict]:
    """The open consultations of the expert's department, due soonest first (overdue marked)."""
    expert = expert_of(session, username)
    if expert is None:
        raise NotFound(f"{username} is in no expert department; an administrator places experts")
    return listing(
        session, now=now, department=expert.department, statuses=("open",), soonest_first=True
    )


def for_agent(
    session: Session, username: str, contact_id: int | None = None, *, now: datetime
) -> list[dict]:
    """The consultations an agent asked, newest first (of one contact when given)."""
    return listing(session, now=now, asked_by=username, contact_id=contact_id)
