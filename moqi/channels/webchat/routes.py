"""The web chat: the customer's side of a chat, over one WebSocket the widget opens.

The widget (`/static/chat-widget.js`, one <script> tag on any page of the operator's site, no
CDN) keeps a random visitor id in the browser and connects to `WS /channels/web/ws?visitor=…`.
No login: a visitor is anonymous until an agent links them. Messages, client → server:

  {"type": "message", "id": "<client id>", "text": "…"}   a line from the customer
  {"type": "typing"}                                        the customer is typing
  {"type": "leave_message", "id", "text", "phone"}          nobody on duty: a message and a number
  {"type": "rate", "score": 1–5, "note": "…"}               at the end

server → client:

  {"type": "hello", "state": "idle"|"queued"|"chatting", "on_duty": bool, "history": [{from, text}]}
  {"type": "queue", "position": n, "estimated_wait_s": s | null}    while waiting, every few s
  {"type": "joined"}                     an agent took the chat
  {"type": "message", "from": "agent", "text": "…"}   a reply the agent sent (their own words)
  {"type": "typing"}                     the agent is typing
  {"type": "ended"}                      the agent closed the chat: the widget asks for a rating
  {"type": "left"} | {"type": "rated"} | {"type": "error", "detail": "…"}

Only what a customer may see leaves the server: the agent's words, never the assist analysis,
alerts or a lead's whispers that travel on the same contact stream.
"""

from __future__ import annotations

import asyncio
import json
import re
import time
from typing import Annotated

from fastapi import APIRouter, Query, Request, WebSocket, WebSocketDisconnect
from fastapi.responses import HTMLResponse
from sqlalchemy import select
from sqlalchemy.orm import Session

from moqi.assist.live import services as lives
from moqi.channels import presence, rules
from moqi.channels import services as intake
from moqi.channels.inbound import Inbound
from moqi.channels.models import Conversation
from moqi.channels.routes import after_stored
from moqi.channels.sms import phone_number
from moqi.db import session_scope
from moqi.errors import Invalid, MoqiError
from moqi.insight import services as insight
from moqi.nlp.mask import mask_pii
from moqi.nlp.normalize import normalize
from moqi.service.outbox import services as outbox
from moqi.web.clock import now
from moqi.web.templates import templates

router = APIRouter(include_in_schema=False)

CHANNEL = "web"
VISITOR = re.compile(r"[A-Za-z0-9_-]{16,64}")
MAX_TEXT = 1000
QUEUE_EVERY_S = 3.0
# A visitor may send this many messages in this many seconds (a widget, not a script).
BURST, WINDOW_S = 20, 10.0


@router.get("/chat", response_class=HTMLResponse)
def demo_site(request: Request) -> HTMLResponse:
    """A page of the operator's website with the chat widget on it (what customers see)."""
    return templates.TemplateResponse(request, "chat_demo.html", {})


@router.websocket("/channels/web/ws")
async def visitor_socket(
    websocket: WebSocket, visitor: Annotated[str, Query(max_length=64)] = ""
) -> None:
    if not VISITOR.fullmatch(visitor):
        await websocket.close(code=4422, reason="visitor: 16–64 letters, digits, - or _")
        return
    await websocket.accept()
    chat = _Chat(websocket, visitor)
    try:
        await chat.run()
    except (WebSocketDisconnect, RuntimeError):
        pass
    finally:
        chat.stop()


class _Chat:
    """One visitor's socket: what they send into the intake, what reaches them out of it."""

    def __init__(self, websocket: WebSocket, visitor: str) -> None:
        self.ws, self.visitor, self.app = websocket, visitor, websocket.app
        self.outbox: asyncio.Queue = asyncio.Queue()
        self.loop = asyncio.get_running_loop()
        self.stops: list = []
        self.contact_id: int | None = None
        self.sent: list[float] = []

    def _put(self, message: dict) -> None:
        self.loop.call_soon_threadsafe(self.outbox.put_nowait, message)

    async def run(self) -> None:
        hub = self.app.state.hub
        self.stops.append(hub.listen_party(f"{CHANNEL}:{self.visitor}", self._put))
        hello = await asyncio.to_thread(self._hello)
        await self.ws.send_json(hello)
        tasks = [asyncio.create_task(self._pump()), asyncio.create_task(self._queue_updates())]
        self.stops.extend(task.cancel for task in tasks)
        while True:
            raw = await self.ws.receive_text()
            try:
                await self._handle(json.loads(raw) if len(raw) <= 8_000 else None)
            except (ValueError, MoqiError) as exc:
                detail = exc.detail if isinstance(exc, MoqiError) else "not a chat message"
                await self.ws.send_json({"type": "error", "detail": detail})

    def stop(self) -> None:
        for stop in self.stops:
            stop()

    # -- in -----------------------------------------------------------------------------------

    async def _handle(self, message: object) -> None:
        if not isinstance(message, dict) or not isinstance(message.get("type"), str):
            raise Invalid("a chat message is a JSON object with a type")
        kind = message["type"]
        if kind == "typing":
            if self.contact_id is not None:
                self.app.state.hub.typing(self.contact_id, "customer")
            return
        if kind == "rate":
            await asyncio.to_thread(self._rate, message.get("score"), message.get("note"))
            await self.ws.send_json({"type": "rated"})
            return
        if kind not in ("message", "leave_message"):
            raise Invalid(f"unknown message type {kind!r}")
        self._throttle()
        text, key = message.get("text"), message.get("id")
        if not isinstance(text, str) or not text.strip() or len(text) > MAX_TEXT:
            raise Invalid(f"a message is 1 to {MAX_TEXT} characters")
        if not isinstance(key, str) or not VISITOR.fullmatch(key.rjust(16, "0")):
            raise Invalid("id: the widget's id of the message (letters, digits, - or _)")
        phone = None
        if kind == "leave_message":
            phone = phone_number(str(message.get("phone") or ""))
        feed = await asyncio.to_thread(self._store, text, key, phone)
        if phone is not None:
            await self.ws.send_json({"type": "left"})
        if feed is not None:
            await asyncio.to_thread(after_stored, self.app, *feed)

    def _throttle(self) -> None:
        at = time.monotonic()
        self.sent = [t for t in self.sent if at - t < WINDOW_S] + [at]
        if len(self.sent) > BURST:
            raise Invalid("too many messages at once: please wait a moment")

    def _store(self, text: str, key: str, phone: str | None) -> tuple[int, str] | None:
        with session_scope(self.app.state.db) as session:
            message = Inbound(CHANNEL, self.visitor, f"{self.visitor}:{key}", "text", text)
            row = intake.receive(session, message, now())
            if row is None:
                return None
            if phone is not None:
                conversation = intake.current_conversation(session, CHANNEL, self.visitor)
                if conversation is not None:
                    conversation.address = outbox.seal_address(phone)
            return (row.contact_id or 0 if row.status == "fed" else 0), row.text

    def _rate(self, score: object, note: object) -> None:
        if isinstance(score, bool) or not isinstance(score, int) or not 1 <= score <= 5:
            raise Invalid("score: 1 to 5")
        if note is not None and (not isinstance(note, str) or len(note) > 200):
            raise Invalid("note: at most 200 characters")
        with session_scope(self.app.state.db) as session:
            conversation = _latest(session, self.visitor)
            if conversation is None or conversation.status == "queued":
                raise Invalid("there is no chat to rate yet")
            conversation.rating = score
            conversation.rating_note = mask_pii(normalize(note or ""))[:200]
            if conversation.contact_id is not None:  # what satisfaction reports count
                insight.record_rating(
                    session,
                    conversation.contact_id,
                    source="chat",
                    satisfaction=score,
                    comment=note or "",
                    now=now(),
                )

    # -- out ----------------------------------------------------------------------------------

    def _hello(self) -> dict:
        with session_scope(self.app.state.db) as session:
            on_duty = bool(presence.available(session))
            conversation = intake.current_conversation(session, CHANNEL, self.visitor)
            if conversation is None:
                return {"type": "hello", "state": "idle", "on_duty": on_duty, "history": []}
            if conversation.status == "queued":
                history = [
                    {"from": "customer", "text": text}
                    for text in intake.waiting_texts(session, conversation.id)
                ]
                return {"type": "hello", "state": "queued", "on_duty": on_duty, "history": history}
            self._follow(conversation.contact_id or 0)
            events = lives.stored_events(session, conversation.contact_id or 0)
            history = [{"from": e["speaker"], "text": e["text"]} for e in events]
            return {"type": "hello", "state": "chatting", "on_duty": True, "history": history}

    def _follow(self, contact_id: int) -> None:
        """Listen to the contact's stream once an agent has the chat."""
        if self.contact_id == contact_id:
            return
        self.contact_id = contact_id
        self.stops.append(self.app.state.hub.listen_contact(contact_id, self._put))

    async def _pump(self) -> None:
        while True:
            message = await self.outbox.get()
            out = await asyncio.to_thread(self._for_customer, message)
            if out is not None:
                await self.ws.send_json(out)

    def _for_customer(self, message: dict) -> dict | None:
        kind = message.get("type")
        if kind == "routed":
            with session_scope(self.app.state.db) as session:
                conversation = intake.current_conversation(session, CHANNEL, self.visitor)
                if conversation is not None and conversation.contact_id:
                    self._follow(conversation.contact_id)
            return {"type": "joined"}
        if kind == "reply":
            return {"type": "message", "from": "agent", "text": message["text"]}
        if kind == "typing" and message.get("who") == "agent":
            return {"type": "typing"}
        if kind == "contact_closed":
            return {"type": "ended"}
        return None  # assist analysis, alerts, whispers: the agent's, never the customer's

    async def _queue_updates(self) -> None:
        last = None
        while True:
            state = await asyncio.to_thread(self._position)
            if state is not None and state != last:
                await self.ws.send_json({"type": "queue", **state})
            last = state
            await asyncio.sleep(QUEUE_EVERY_S)

    def _position(self) -> dict | None:
        with session_scope(self.app.state.db) as session:
            conversation = intake.current_conversation(session, CHANNEL, self.visitor)
            if conversation is None or conversation.status != "queued":
                return None
            waiting = intake.queued(session)
            return presence.position(waiting, conversation.id, rules.current(session), session)


def _latest(session: Session, visitor: str) -> Conversation | None:
    return session.scalars(
        select(Conversation)
        .where(Conversation.channel == CHANNEL, Conversation.sender == visitor)
        .order_by(Conversation.id.desc())
        .limit(1)
    ).first()
