"""The live protocol: open a contact, stream utterances (HTTP or WebSocket), confirm, wrap up, whisper.

Message shapes (also in docs/live-protocol.md):
  client → WS /ws/contacts/{id}: {"speaker": "customer"|"agent", "text": "…", "ts": 1.5}
  server → contact sockets: {"type": "assist", "event": AssistEvent, "server_ms": 0.8} | {"type": "alert", …}
                            | {"type": "whisper", "from", "text"} | {"type": "contact_closed"} | {"type": "error", "detail"}
  server → WS /ws/wall: {"type": "contact_opened"|"contact_updated", "contact": summary}
                        | {"type": "alert", …} | {"type": "contact_closed", "contact_id"}
"""

from __future__ import annotations

import asyncio
import time
from typing import Annotated

from fastapi import APIRouter, Depends, HTTPException, Request, WebSocket, WebSocketDisconnect
from pydantic import ValidationError

from moqi.accounts.models import User
from moqi.assist import live_services as lives
from moqi.assist.live import LiveContact, LiveHub
from moqi.assist.schemas import (
    ConfirmationAnswer,
    ContactOpen,
    ContactOpened,
    UtteranceIn,
    WhisperIn,
    WrapUp,
)
from moqi.service import tickets
from moqi.service.services import NotFound
from moqi.web.auth import SessionDep, require, socket_user
from moqi.web.clock import now

router = APIRouter(tags=["live"])
AgentUser = Annotated[User, Depends(require("agent", "team_lead", "admin"))]
LeadUser = Annotated[User, Depends(require("team_lead", "admin"))]


def hub_of(request: Request) -> LiveHub:
    return request.app.state.hub


Hub = Annotated[LiveHub, Depends(hub_of)]


def _live(hub: LiveHub, session, contact_id: int, user: User) -> LiveContact:
    try:
        live = lives.live_contact(hub, session, contact_id)
    except NotFound as exc:
        raise HTTPException(404, str(exc)) from None
    except lives.Conflict as exc:
        raise HTTPException(409, str(exc)) from None
    refusal = live.refusal(user.role, user.username, user.team)
    if refusal:
        raise HTTPException(403, refusal)
    return live


@router.post("/api/contacts", response_model=ContactOpened, status_code=201, summary="Open a live contact")
def open_contact(body: ContactOpen, session: SessionDep, hub: Hub, user: AgentUser) -> ContactOpened:
    """The customer card and the predicted need arrive before the first word."""
    try:
        live, opening = lives.open_contact(session, customer_ref=body.customer, channel=body.channel, title=body.title, agent=user.username, team=user.team, now=now())
    except NotFound as exc:
        raise HTTPException(404, str(exc)) from None
    session.commit()
    hub.open(live)
    return ContactOpened(contact_id=live.contact_id, customer=live.customer, **opening)


@router.get("/api/contacts", summary="My live contacts (a team lead sees the team's)")
def my_contacts(hub: Hub, user: AgentUser) -> list[dict]:
    rows = hub.team_contacts(user.team)
    return rows if user.role != "agent" else [r for r in rows if r["agent"] == user.username]


@router.get("/api/contacts/{contact_id}", summary="A live contact: customer, events so far, confirmations")
def get_contact(contact_id: int, session: SessionDep, hub: Hub, user: AgentUser) -> dict:
    live = _live(hub, session, contact_id, user)
    return {
        "contact_id": live.contact_id, "agent": live.agent, "channel": live.channel, "customer": live.customer,
        "events": [e.as_dict() for e in live.events], "confirmations": [c.as_dict() for c in live.session.confirmations],
        "whispers": live.whispers, "opening": live.session.opening() if not live.events else None,
        "history": lives.history(session, live.customer.get("id"), before=live.contact_id, engine=live.session.engine),
        "tickets": tickets.open_tickets(session, live.customer.get("id"), now=now()),
    }


def _feed(app, live: LiveContact, body: UtteranceIn) -> dict:
    """Analyse, hand the rows to the write-behind writer, publish: the database is not waited on."""
    started = time.perf_counter()
    try:
        event, rows = lives.feed(live, body.speaker, body.text, body.ts)
    except ValueError as exc:
        raise HTTPException(422, str(exc)) from None
    alert = live.alert_for(event)
    if alert:
        rows.append(lives.alert_row(live, alert))
    app.state.writer.submit(rows)
    server_ms = round((time.perf_counter() - started) * 1000, 3)
    app.state.hub.publish_event(live, event, alert, server_ms=server_ms)
    return {"event": event.as_dict(), "alert": alert, "server_ms": server_ms}


@router.post("/api/contacts/{contact_id}/utterances", summary="Add an utterance; answers its assist event")
def add_utterance(request: Request, contact_id: int, body: UtteranceIn, session: SessionDep, hub: Hub, user: AgentUser) -> dict:
    return _feed(request.app, _live(hub, session, contact_id, user), body)


@router.post("/api/contacts/{contact_id}/confirmation", summary="Record the customer's answer to the three-way read-back")
def confirm(contact_id: int, body: ConfirmationAnswer, session: SessionDep, hub: Hub, user: AgentUser) -> dict:
    live = _live(hub, session, contact_id, user)
    try:
        return lives.answer_confirmation(live, body.agreed)
    except lives.Conflict as exc:
        raise HTTPException(409, str(exc)) from None


@router.post("/api/contacts/{contact_id}/wrapup", summary="Close the contact with reason, result, notes and follow-up")
def wrapup(request: Request, contact_id: int, body: WrapUp, session: SessionDep, hub: Hub, user: AgentUser) -> dict:
    live = _live(hub, session, contact_id, user)
    request.app.state.writer.flush()  # every utterance of the call is stored before it closes
    try:
        contact = lives.wrap_up(session, live, reason=body.reason, result=body.result, notes=body.notes, follow_up=body.follow_up, now=now())
    except lives.Conflict as exc:
        raise HTTPException(409, str(exc)) from None
    except ValueError as exc:
        raise HTTPException(422, str(exc)) from None
    session.commit()
    hub.close(contact_id)
    return {"contact_id": contact.id, "status": contact.status, "reason": contact.reason, "result": contact.result, "follow_up": contact.follow_up}


@router.post("/api/contacts/{contact_id}/whisper", summary="A team lead whispers to the agent")
def whisper(contact_id: int, body: WhisperIn, session: SessionDep, hub: Hub, user: LeadUser) -> dict:
    live = _live(hub, session, contact_id, user)
    message = lives.whisper(session, live, user.display_name or user.username, body.text)
    session.commit()
    hub.whisper(live, message)
    return message


@router.get("/api/wall", summary="The team's live contacts by risk, and recent alerts")
def wall(session: SessionDep, hub: Hub, user: LeadUser) -> dict:
    return {"team": user.team, "contacts": hub.team_contacts(user.team), "alerts": lives.recent_alerts(session, user.team)}


async def _pump(websocket: WebSocket, queue: asyncio.Queue) -> None:
    while True:
        await websocket.send_json(await queue.get())


def _queue_listener(loop: asyncio.AbstractEventLoop, queue: asyncio.Queue):
    # Hub listeners are called from whichever thread handled the request; hand over safely.
    return lambda message: loop.call_soon_threadsafe(queue.put_nowait, message)


@router.websocket("/ws/contacts/{contact_id}")
async def contact_socket(websocket: WebSocket, contact_id: int) -> None:
    """Send utterances in, receive assist events, alerts and whispers out."""
    app = websocket.app
    with app.state.db() as session:
        user = socket_user(websocket, session, ("agent", "team_lead", "admin"))
        live = app.state.hub.get(contact_id)
        if user is None or live is None or live.refusal(user.role, user.username, user.team):
            await websocket.close(code=4403 if user is None or live is not None else 4404)
            return
    await websocket.accept()
    queue: asyncio.Queue = asyncio.Queue()
    stop = app.state.hub.listen_contact(contact_id, _queue_listener(asyncio.get_running_loop(), queue))
    pump = asyncio.create_task(_pump(websocket, queue))
    try:
        while True:
            data = await websocket.receive_json()
            try:
                body = UtteranceIn.model_validate(data)
            except ValidationError as exc:
                await websocket.send_json({"type": "error", "detail": exc.errors(include_url=False, include_context=False)[0]["msg"]})
                continue
            try:
                _feed(app, live, body)
            except HTTPException as exc:
                await websocket.send_json({"type": "error", "detail": exc.detail})
    except WebSocketDisconnect:
        pass
    finally:
        stop()
        pump.cancel()


@router.websocket("/ws/wall")
async def wall_socket(websocket: WebSocket) -> None:
    """The team lead's wall: contact summaries, alerts, closures."""
    app = websocket.app
    with app.state.db() as session:
        user = socket_user(websocket, session, ("team_lead", "admin"))
    if user is None:
        await websocket.close(code=4403)
        return
    await websocket.accept()
    queue: asyncio.Queue = asyncio.Queue()
    stop = app.state.hub.listen_wall(user.team, _queue_listener(asyncio.get_running_loop(), queue))
    pump = asyncio.create_task(_pump(websocket, queue))
    try:
        while True:
            await websocket.receive_text()
    except WebSocketDisconnect:
        pass
    finally:
        stop()
        pump.cancel()
