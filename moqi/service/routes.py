"""The service desk over HTTP: queues, a ticket and its work, callbacks, calendars and policies.
Every route parses, checks the caller's role, calls a service and answers; no rule lives here."""

from __future__ import annotations

from typing import Literal

from fastapi import APIRouter, Query

from moqi.service import clocks, followup, queues, ticket_work, tickets
from moqi.service import services as desk
from moqi.service.schemas import (
    Body,
    CalendarIn,
    CallbackDone,
    CommitmentIn,
    Reassign,
    Resolution,
    TicketChange,
    TicketIn,
    Transfer,
)
from moqi.settings import get_settings
from moqi.web.auth import AdminUser, DeskUser, SessionDep
from moqi.web.clock import now
from moqi.web.params import MAX_ID, Id

router = APIRouter(prefix="/api", tags=["service desk"])


def _full(session, ticket) -> dict:
    """The ticket with its history, promises, callbacks and surveys."""
    at = now()
    return {
        **queues.as_dict(ticket, at),
        "history": queues.history(session, ticket),
        "commitments": ticket_work.commitments(session, ticket.id),
        "callbacks": queues.callbacks(session, ticket_id=ticket.id, pending_only=False),
        "surveys": queues.surveys(session, ticket.id),
        "tracking_url": followup.tracking_link(get_settings().public_url, ticket.id),
    }


def _saved(session, ticket_id: int) -> dict:
    """Commit the change first (on SQLite the write lock is held no longer than the write),
    then read the ticket back for the answer."""
    session.commit()
    return _full(session, tickets.get(session, ticket_id))


@router.get("/tickets", summary="A queue, most urgent first: mine, my team's, breaching soon, all")
def list_tickets(
    session: SessionDep,
    user: DeskUser,
    queue: Literal["mine", "team", "breaching", "all"] = "mine",
    status: Literal["open", "waiting", "resolved", "closed", "all"] = "all",
    within: int = Query(120, ge=1, le=10_080, description="breaching: minutes ahead"),
) -> list[dict]:
    return queues.listing(
        session,
        queue=queue,
        username=user.username,
        team=user.team,
        status=None if status == "all" else status,
        now=now(),
        within_minutes=within,
    )


@router.post("/tickets", status_code=201, summary="Open a ticket (the caller owns it: 首问负责)")
def create_ticket(body: TicketIn, session: SessionDep, user: DeskUser) -> dict:
    customer_id = desk.find_customer(session, body.customer).id if body.customer else None
    if body.contact_id is not None:
        desk.get_contact(session, body.contact_id)
    ticket = tickets.create(
        session,
        kind=body.kind,
        priority=body.priority,
        title=body.title,
        owner=user.username,
        team=user.team,
        now=now(),
        customer_id=customer_id,
        contact_id=body.contact_id,
        channel=body.channel,
        businesses=body.businesses,
        reason=body.reason,
        escalation=body.escalation,
        description=body.description,
    )
    return _saved(session, ticket.id)


@router.get("/tickets/codes", summary="The resolution codes a ticket may be closed with")
def resolution_codes(user: DeskUser) -> dict[str, str]:
    return clocks.resolution_codes()


@router.get("/tickets/alerts", summary="SLA warnings and breaches raised since an event id")
def alerts(
    session: SessionDep,
    user: DeskUser,
    since: int = Query(0, ge=0, le=MAX_ID),
    queue: Literal["mine", "team", "all"] = "mine",
) -> list[dict]:
    return queues.alerts(
        session,
        since=since,
        username=user.username,
        team=user.team,
        queue="all" if queue == "all" and user.role in tickets.LEADS else queue,
    )


@router.get("/tickets/{ticket_id}", summary="A ticket with its history, promises, callbacks")
def get_ticket(ticket_id: Id, session: SessionDep, user: DeskUser) -> dict:
    return _full(session, tickets.get(session, ticket_id))


@router.patch(
    "/tickets/{ticket_id}", summary="Change kind, priority, title, businesses, escalation"
)
def change_ticket(ticket_id: Id, body: TicketChange, session: SessionDep, user: DeskUser) -> dict:
    ticket = ticket_work.change(
        session,
        ticket_id,
        username=user.username,
        role=user.role,
        now=now(),
        **body.model_dump(exclude_unset=True),
    )
    return _saved(session, ticket.id)


@router.post("/tickets/{ticket_id}/notes", summary="An internal note")
def add_note(ticket_id: Id, body: Body, session: SessionDep, user: DeskUser) -> dict:
    ticket = ticket_work.note(
        session, ticket_id, username=user.username, role=user.role, body=body.body, now=now()
    )
    return _saved(session, ticket.id)


@router.post(
    "/tickets/{ticket_id}/replies", summary="A reply the customer sees (meets the response clocks)"
)
def add_reply(ticket_id: Id, body: Body, session: SessionDep, user: DeskUser) -> dict:
    ticket = ticket_work.reply(
        session, ticket_id, username=user.username, role=user.role, body=body.body, now=now()
    )
    return _saved(session, ticket.id)


@router.post("/tickets/{ticket_id}/transfer", summary="Hand the work on; the owner stays")
def transfer(ticket_id: Id, body: Transfer, session: SessionDep, user: DeskUser) -> dict:
    ticket = ticket_work.transfer(
        session,
        ticket_id,
        username=user.username,
        role=user.role,
        to=body.to,
        note=body.note,
        now=now(),
    )
    return _saved(session, ticket.id)


@router.post("/tickets/{ticket_id}/reassign", summary="A new owner, with a reason (team leads)")
def reassign(ticket_id: Id, body: Reassign, session: SessionDep, user: DeskUser) -> dict:
    ticket = ticket_work.reassign(
        session,
        ticket_id,
        username=user.username,
        role=user.role,
        to=body.to,
        reason=body.reason,
        now=now(),
    )
    return _saved(session, ticket.id)


@router.post("/tickets/{ticket_id}/wait", summary="Wait on the customer (the clocks pause)")
def wait(ticket_id: Id, body: Body, session: SessionDep, user: DeskUser) -> dict:
    ticket = ticket_work.wait_on_customer(
        session, ticket_id, username=user.username, role=user.role, note=body.body, now=now()
    )
    return _saved(session, ticket.id)


@router.post("/tickets/{ticket_id}/resume", summary="End the wait (the clocks run again)")
def resume(ticket_id: Id, session: SessionDep, user: DeskUser) -> dict:
    ticket = tickets.get(session, ticket_id)
    ticket_work.may_work(ticket, username=user.username, role=user.role)
    ticket_work.resume(session, ticket_id, actor=user.username, now=now())
    return _saved(session, ticket_id)


@router.post(
    "/tickets/{ticket_id}/resolve", summary="Resolve with a code; the customer gets the survey"
)
def resolve(ticket_id: Id, body: Resolution, session: SessionDep, user: DeskUser) -> dict:
    ticket = followup.resolve(
        session,
        ticket_id,
        username=user.username,
        role=user.role,
        code=body.code,
        resolution=body.resolution,
        now=now(),
        link_base=get_settings().public_url,
    )
    return _saved(session, ticket.id)


@router.post(
    "/tickets/{ticket_id}/commitments", status_code=201, summary="A promise to the customer"
)
def commit(ticket_id: Id, body: CommitmentIn, session: SessionDep, user: DeskUser) -> dict:
    ticket_work.commit_to(
        session,
        ticket_id,
        username=user.username,
        role=user.role,
        text=body.text,
        due_at=body.due_at,
        now=now(),
        owner=body.owner,
    )
    return _saved(session, ticket_id)


@router.post("/commitments/{commitment_id}/kept", summary="Mark a promise kept")
def keep(commitment_id: Id, session: SessionDep, user: DeskUser) -> dict:
    item = ticket_work.keep_commitment(
        session, commitment_id, username=user.username, role=user.role, now=now()
    )
    return _saved(session, item.ticket_id)


@router.get("/callbacks", summary="Callback tasks: mine (or everyone's for team leads)")
def list_callbacks(session: SessionDep, user: DeskUser, mine: bool = True) -> list[dict]:
    owner = user.username if mine or user.role not in tickets.LEADS else None
    return queues.callbacks(session, owner=owner)


@router.post("/callbacks/{callback_id}/done", summary="What the callback found")
def callback_done(callback_id: Id, body: CallbackDone, session: SessionDep, user: DeskUser) -> dict:
    task = followup.finish_callback(
        session,
        callback_id,
        username=user.username,
        role=user.role,
        outcome=body.outcome,
        notes=body.notes,
        now=now(),
    )
    return _saved(session, task.ticket_id)


@router.get("/service/calendars", summary="Calendars in force (name, version, periods)")
def list_calendars(session: SessionDep, user: DeskUser) -> list[dict]:
    return clocks.calendars(session)


@router.post("/service/calendars", status_code=201, summary="A new version of a calendar (admins)")
def put_calendar(body: CalendarIn, session: SessionDep, user: AdminUser) -> dict:
    row = clocks.import_calendar(
        session, body.name, body.doc, now=now(), by=user.username, note=body.note
    )
    return {"name": body.name, "version": row.version if row else None, "changed": row is not None}


@router.get("/service/policies", summary="SLA targets per ticket kind × priority (working minutes)")
def list_policies(session: SessionDep, user: DeskUser) -> list[dict]:
    return [
        {
            "kind": p.kind,
            "priority": p.priority,
            "calendar": p.calendar,
            "first_response_minutes": p.first_response_minutes,
            "next_update_minutes": p.next_update_minutes,
            "resolution_minutes": p.resolution_minutes,
        }
        for p in clocks.policies(session)
    ]
