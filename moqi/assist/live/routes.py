"""The live protocol: open a contact, stream utterances (HTTP or WebSocket), confirm, wrap up, whisper.

Message shapes (also in docs/live-protocol.md):
  client → WS /ws/contacts/{id}: {"speaker": "customer"|"agent", "text": "…", "ts": 1.5}
  server → contact sockets: {"type": "assist", "event": AssistEvent, "server_ms": 0.8} | {"type": "alert", …}
                            | {"type": "whisper", "from", "text"} | {"type": "contact_closed"} | {"type": "error", "detail"}
                            | {"type": "typing", "who": "customer"|"agent"}
  client → WS /ws/contacts/{id}: {"typing": true} (exactly: a chat reply is being typed)
  server → WS /ws/wall: {"type": "contact_opened"|"contact_updated", "contact": summary}
                        | {"type": "alert", …} | {"type": "contact_closed", "contact_id"}
"""

from __future__ import annotations

import asyncio
import json
from concurrent.futures import Future
from typing import Annotated

from fastapi import (
    APIRouter,
    Depends,
    HTTPException,
    Query,
    Request,
    WebSocket,
    WebSocketDisconnect,
)
from pydantic import ValidationError

from moqi.accounts import audit
from moqi.accounts.models import User
from moqi.assist.live import services as lives
from moqi.assist.live.hub import LiveContact, LiveHub
from moqi.assist.live.writer import StorageError
from moqi.assist.schemas import (
    ConfirmationAnswer,
    ContactOpen,
    ContactOpened,
    UtteranceIn,
    WhisperIn,
    WrapUp,
)
from moqi.db import session_scope
from moqi.errors import Forbidden, MoqiError
from moqi.service import services as desk
from moqi.web.auth import COOKIE, AdminUser, AgentUser, LeadUser, SessionDep, socket_user
from moqi.web.clock import now
from moqi.web.params import Id
from moqi.web.sockets import admit_to_contact, pump, queue_listener, watch_login

router = APIRouter(tags=["live"])
TYPING = '{"typing": true}'


def hub_of(request: Request) -> LiveHub:
    return request.app.state.hub


Hub = Annotated[LiveHub, Depends(hub_of)]


def _live(hub: LiveHub, session, contact_id: int, user: User) -> LiveContact:
    live = lives.live_contact(hub, session, contact_id, now=now())
    refusal = live.refusal(user.role, user.username, user.team)
    if refusal:
        raise Forbidden(refusal)
    return live


@router.post(
    "/api/contacts", response_model=ContactOpened, status_code=201, summary="Open a live contact"
)
def open_contact(
    body: ContactOpen, session: SessionDep, hub: Hub, user: AgentUser
) -> ContactOpened:
    """The customer card and the predicted need arrive before the first word."""
    live, opening = lives.open_contact(
        session,
        customer_ref=body.customer,
        channel=body.channel,
        title=body.title,
        agent=user.username,
        team=user.team,
        now=now(),
    )
    session.commit()
    hub.open(live)
    return ContactOpened(contact_id=live.contact_id, customer=live.customer, **opening)


@router.get("/api/contacts", summary="My live contacts (a team lead sees the team's)")
def my_contacts(hub: Hub, user: AgentUser) -> list[dict]:
    rows = hub.team_contacts(user.team)
    return rows if user.role != "agent" else [r for r in rows if r["agent"] == user.username]


@router.get(
    "/api/contacts/{contact_id}", summary="A live contact: customer, events so far, confirmations"
)
def get_contact(contact_id: Id, session: SessionDep, hub: Hub, user: AgentUser) -> dict:
    live = _live(hub, session, contact_id, user)
    audit.record(
        session,
        actor=user.username,
        action="contact.read",
        target_kind="customer",
        target_id=live.customer.get("id") or "-",
        detail={"contact_id": contact_id},
    )
    return {
        "contact_id": live.contact_id,
        "agent": live.agent,
        "channel": live.channel,
        "customer": live.customer,
        "events": lives.stored_events(session, contact_id),
        "confirmations": [c.as_dict() for c in live.session.confirmations],
        "whispers": live.whispers,
        "opening": live.session.opening() if not live.turns else None,
        "history": lives.history(
            session, live.customer.get("id"), before=live.contact_id, engine=live.session.engine
        ),
        "tickets": desk.open_tickets(session, live.customer.get("id"), now=now()),
    }


# How long a request waits for its utterance to be committed before it says it was not.
STORE_TIMEOUT_S = 30.0
NOT_STORED = "the utterance could not be stored (is the database reachable?): it was not acknowledged; send it again"


def _feed(app, live: LiveContact, body: UtteranceIn) -> tuple[dict, Future]:
    """Analyse in memory and queue for the group commit (services.submit)."""
    return lives.submit(app.state.hub, app.state.writer, live, body.speaker, body.text, body.ts)


def _not_stored(app, live: LiveContact) -> None:
    # The session is ahead of what was stored: the next request restores it from storage.
    live.stale = True
    app.state.hub.drop(live.contact_id)


@router.post(
    "/api/contacts/{contact_id}/utterances",
    summary="Add an utterance; answers its assist event once it is stored",
)
def add_utterance(
    request: Request,
    contact_id: Id,
    body: UtteranceIn,
    session: SessionDep,
    hub: Hub,
    user: AgentUser,
) -> dict:
    live = _live(hub, session, contact_id, user)
    session.close()  # no connection held while the writer commits
    answer, future = _feed(request.app, live, body)
    try:
        future.result(timeout=STORE_TIMEOUT_S)
    except (StorageError, TimeoutError):
        _not_stored(request.app, live)
        raise HTTPException(503, NOT_STORED) from None
    return answer


@router.post(
    "/api/contacts/{contact_id}/confirmation",
    summary="Record the customer's answer to the three-way read-back",
)
def confirm(
    contact_id: Id, body: ConfirmationAnswer, session: SessionDep, hub: Hub, user: AgentUser
) -> dict:
    live = _live(hub, session, contact_id, user)
    answer = lives.answer_confirmation(session, live, body.agreed)
    session.commit()  # stored before the agent is told it is
    hub.changed(live)
    return answer


@router.post(
    "/api/contacts/{contact_id}/wrapup",
    summary="Close the contact with reason, result, notes and follow-up",
)
def wrapup(
    request: Request, contact_id: Id, body: WrapUp, session: SessionDep, hub: Hub, user: AgentUser
) -> dict:
    live = _live(hub, session, contact_id, user)
    request.app.state.writer.flush()  # every utterance of the call is stored before it closes
    contact = lives.wrap_up(
        session,
        live,
        reason=body.reason,
        result=body.result,
        notes=body.notes,
        follow_up=body.follow_up,
        now=now(),
        team=user.team,
    )
    ticket_id = desk.ticket_of_contact(session, contact.id)
    session.commit()
    hub.close(live)
    return {
        "contact_id": contact.id,
        "status": contact.status,
        "reason": contact.reason,
        "result": contact.result,
        "follow_up": contact.follow_up,
        "ticket_id": ticket_id,
    }


@router.post("/api/contacts/{contact_id}/whisper", summary="A team lead whispers to the agent")
def whisper(contact_id: Id, body: WhisperIn, session: SessionDep, hub: Hub, user: LeadUser) -> dict:
    live = _live(hub, session, contact_id, user)
    message = lives.whisper(session, live, user.display_name or user.username, body.text)
    session.commit()
    hub.whisper(live, message)
    return message


@router.get("/api/wall", summary="The team's live contacts by risk, and recent alerts")
def wall(session: SessionDep, hub: Hub, user: LeadUser) -> dict:
    return {
        "team": user.team,
        "contacts": hub.team_contacts(user.team),
        "alerts": lives.recent_alerts(session, user.team),
    }


@router.get(
    "/api/admin/dead-letters",
    summary="Live rows the writer could not store and kept aside, newest first",
)
def dead_letters(
    session: SessionDep, user: AdminUser, limit: Annotated[int, Query(ge=1, le=1000)] = 100
) -> list[dict]:
    return lives.dead_letters(session, limit)


async def serve_socket(websocket: WebSocket, token: str, listen, on_message) -> None:
    """Accept, forward the hub's messages, hand each incoming message to `on_message`, and tidy
    up however the socket ends."""
    app = websocket.app
    await websocket.accept()
    queue: asyncio.Queue = asyncio.Queue()
    stop = listen(queue_listener(asyncio.get_running_loop(), queue))
    app.state.sockets.add(token, websocket)
    tasks = [
        asyncio.create_task(pump(websocket, queue)),
        asyncio.create_task(watch_login(websocket, token)),
    ]
    try:
        while True:
            await on_message(await websocket.receive_text())
    except (WebSocketDisconnect, RuntimeError):
        pass  # the client left, or the socket was closed at logout
    finally:
        app.state.sockets.remove(token, websocket)
        stop()
        for task in tasks:
            task.cancel()


@router.websocket("/ws/contacts/{contact_id}")
async def contact_socket(websocket: WebSocket, contact_id: Id) -> None:
    """Send utterances in, receive assist events, alerts and whispers out."""
    app = websocket.app
    if not await admit_to_contact(websocket, contact_id):
        return

    async def on_message(raw: str) -> None:
        if raw == TYPING:  # the agent is typing a chat reply: the customer's widget shows it
            app.state.hub.typing(contact_id, "agent")
            return
        try:
            # The model refuses NaN, infinities and NUL in the fields it reads (no middleware
            # sees WebSocket messages); json.loads itself stays the fast C parser.
            body = UtteranceIn.model_validate(json.loads(raw))
        except (ValueError, ValidationError) as exc:
            await websocket.send_json({"type": "error", "detail": _message_error(exc)})
            return
        try:
            live = app.state.hub.get(contact_id)
            if live is None or live.stale:
                with session_scope(app.state.db) as session:
                    live = lives.live_contact(app.state.hub, session, contact_id, now=now())
            _, future = _feed(app, live, body)
            # The answer reaches this socket through the hub once it is stored; a socket that
            # closes meanwhile stops waiting, and the utterance is stored all the same.
            await asyncio.shield(asyncio.wrap_future(future))
        except MoqiError as exc:
            await websocket.send_json({"type": "error", "detail": exc.detail})
        except StorageError:
            _not_stored(app, live)
            await websocket.send_json({"type": "error", "detail": NOT_STORED})

    token = websocket.cookies.get(COOKIE, "")
    await serve_socket(
        websocket,
        token,
        lambda listener: app.state.hub.listen_contact(contact_id, listener),
        on_message,
    )


@router.websocket("/ws/wall")
async def wall_socket(websocket: WebSocket) -> None:
    """The team lead's wall: contact summaries, alerts, closures."""
    app = websocket.app
    with app.state.db() as session:
        user = socket_user(websocket, session, ("team_lead", "admin"))
    if user is None:
        await websocket.close(code=4403)
        return

    async def ignore(_: str) -> None:
        return None

    token = websocket.cookies.get(COOKIE, "")
    await serve_socket(
        websocket, token, lambda listener: app.state.hub.listen_wall(user.team, listener), ignore
    )


def _message_error(exc: Exception) -> str:
    if isinstance(exc, ValidationError):
        error = exc.errors(include_url=False, include_context=False)[0]
        where = ".".join(map(str, error.get("loc", ())))
        return f"{where}: {error['msg']}" if where else error["msg"]
    return f"not a JSON message: {exc}"
