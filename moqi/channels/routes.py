"""Channel intake over HTTP: the WeChat endpoint (public: WeChat calls it, signed) and the
inbox agents take conversations from.

Contract (docs/channels.md): GET /channels/wechat verifies the URL and answers `echostr` as
text/plain; POST /channels/wechat takes a message and answers `success` at once, after storing
it once (WeChat's retries store nothing new); a wrong signature answers 403, a body that is not
a WeChat message 400. A message of a conversation an agent holds is fed into the live contact
after the answer, so WeChat never waits on the assist path.
"""

from __future__ import annotations

import asyncio
import logging
from typing import Annotated

from fastapi import APIRouter, BackgroundTasks, HTTPException, Path, Query, Request
from fastapi.responses import PlainTextResponse

from moqi.assist.live import services as lives
from moqi.assist.live.hub import LiveContact
from moqi.assist.live.writer import StorageError
from moqi.channels import services as intake
from moqi.channels.wechat import ACK_BODY, MAX_BODY_BYTES, Crypto, Message, WeChatError
from moqi.db import session_scope
from moqi.errors import NotFound
from moqi.settings import get_settings
from moqi.web.auth import AgentUser, SessionDep
from moqi.web.clock import now

log = logging.getLogger("moqi.channels")

router = APIRouter(tags=["channels"])
wechat = APIRouter(include_in_schema=False)  # WeChat's endpoint: not part of the JSON API

WECHAT = "wechat"
# How long a take waits for the waiting messages to be stored in the contact.
STORE_TIMEOUT_S = 30.0
Q = Annotated[str, Query(max_length=200)]
Sender = Annotated[str, Path(min_length=1, max_length=128)]


def _token() -> str:
    token = get_settings().wechat_token
    if not token:
        raise NotFound("WeChat is not configured on this server (MOQI_WECHAT_TOKEN)")
    return token


def _crypto() -> Crypto | None:
    settings = get_settings()
    if not settings.wechat_safe_mode:
        return None
    return Crypto(settings.wechat_aes_key or "", settings.wechat_appid or "")


@wechat.get("/channels/wechat", response_class=PlainTextResponse)
def verify_wechat(
    signature: Q = "", timestamp: Q = "", nonce: Q = "", echostr: Q = ""
) -> PlainTextResponse:
    """WeChat's URL verification: the echostr back when the signature is WeChat's."""
    return PlainTextResponse(intake.verify_url(_token(), timestamp, nonce, signature, echostr))


@wechat.post("/channels/wechat", response_class=PlainTextResponse)
async def wechat_inbound(
    request: Request,
    background: BackgroundTasks,
    signature: Q = "",
    timestamp: Q = "",
    nonce: Q = "",
    msg_signature: Q = "",
) -> PlainTextResponse:
    """One message from WeChat: stored once, answered `success` at once."""
    token, crypto = _token(), _crypto()
    body = await request.body()
    if len(body) > MAX_BODY_BYTES:
        raise HTTPException(
            400, f"the body is over {MAX_BODY_BYTES // 1024} KiB: not a WeChat message"
        )
    try:
        message = intake.wechat_message(
            token=token,
            crypto=crypto,
            body=body,
            timestamp=timestamp,
            nonce=nonce,
            signature=signature,
            msg_signature=msg_signature,
        )
    except WeChatError as e:
        # WeChat's protocol, not our JSON API: a body that is no message is a bad request.
        raise HTTPException(400, e.message) from e
    fed = await asyncio.to_thread(_store, request.app, message)
    if fed is not None:
        background.add_task(_feed_later, request.app, *fed)
    return PlainTextResponse(ACK_BODY)


def _store(app, message: Message) -> tuple[int, str] | None:
    """Store the message once; (contact id, text) when it goes into a live contact."""
    with session_scope(app.state.db) as session:
        row = intake.receive(session, WECHAT, message, now())
        if row is None or row.status != "fed" or row.contact_id is None:
            return None
        return row.contact_id, row.text


def _feed_later(app, contact_id: int, text: str) -> None:
    """Feed a message into the live contact that holds its conversation (after the answer)."""
    try:
        with session_scope(app.state.db) as session:
            live = lives.live_contact(app.state.hub, session, contact_id, now=now())
        _, future = lives.submit(app.state.hub, app.state.writer, live, "customer", text, None)
        future.result(timeout=STORE_TIMEOUT_S)
    except Exception:  # noqa: BLE001 - the message is stored; the agent reads it in the inbox log
        log.exception("could not feed a WeChat message into contact %s", contact_id)


@router.get("/api/channels/inbox", summary="Conversations waiting for an agent, oldest first")
def get_inbox(session: SessionDep, user: AgentUser) -> list[dict]:
    return intake.inbox(session)


@router.post(
    "/api/channels/inbox/{sender}/take",
    summary="Take a waiting conversation: opens a live contact with its messages fed in",
)
def take(request: Request, sender: Sender, session: SessionDep, user: AgentUser) -> dict:
    rows, customer_id = intake.waiting(session, WECHAT, sender)
    live, _ = lives.open_contact(
        session,
        customer_ref=customer_id,
        channel=WECHAT,
        title=f"微信 {intake.mask_sender(sender)}",
        agent=user.username,
        team=user.team,
        now=now(),
    )
    texts = intake.claim(session, rows, live.contact_id)
    session.commit()
    hub = request.app.state.hub
    hub.open(live)
    session.close()  # no connection held while the writer commits
    _feed_all(request.app, live, texts)
    return {"contact_id": live.contact_id, "messages": len(texts)}


def _feed_all(app, live: LiveContact, texts: list[str]) -> None:
    futures = [
        lives.submit(app.state.hub, app.state.writer, live, "customer", text, None)[1]
        for text in texts
    ]
    try:
        for future in futures:
            future.result(timeout=STORE_TIMEOUT_S)
    except (StorageError, TimeoutError):
        live.stale = True
        app.state.hub.drop(live.contact_id)
        raise HTTPException(
            503, "the contact was opened but its messages could not be stored; open it again"
        ) from None
