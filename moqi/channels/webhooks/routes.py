"""The channels' own endpoints: WeChat's (GET verifies the URL and answers `echostr` as
text/plain; POST takes a message and answers `success` at once, after storing it once) and the
SMS gateway's, and a social listening tool's (one post per call, see social.parse_webhook). Signed by the caller, no login; not part of the JSON API (docs/channels.md,
docs/channels-sms.md). A wrong signature answers 403, a body that is no message 400. What an
agent must see is fed or routed after the answer, so the channel never waits on assist.
"""

from __future__ import annotations

import asyncio
from typing import Annotated

from fastapi import APIRouter, BackgroundTasks, HTTPException, Query, Request
from fastapi.responses import PlainTextResponse

from moqi.channels import services as intake
from moqi.channels import sms, sms_intake, social, social_intake
from moqi.channels.routes import after_stored
from moqi.channels.wechat import ACK_BODY, MAX_BODY_BYTES, Crypto, Message, WeChatError, inbound
from moqi.db import session_scope
from moqi.errors import NotFound
from moqi.service.outbox.gateway import verify
from moqi.settings import get_settings
from moqi.web.clock import now

webhooks = APIRouter(include_in_schema=False)

WECHAT = "wechat"
Q = Annotated[str, Query(max_length=200)]


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


@webhooks.get("/channels/wechat", response_class=PlainTextResponse)
def verify_wechat(
    signature: Q = "", timestamp: Q = "", nonce: Q = "", echostr: Q = ""
) -> PlainTextResponse:
    """WeChat's URL verification: the echostr back when the signature is WeChat's."""
    return PlainTextResponse(intake.verify_url(_token(), timestamp, nonce, signature, echostr))


@webhooks.post("/channels/wechat", response_class=PlainTextResponse)
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
        background.add_task(after_stored, request.app, *fed)
    return PlainTextResponse(ACK_BODY)


def _store(app, message: Message) -> tuple[int, str] | None:
    """Store the message once; (contact id, text) when it goes into a live contact."""
    with session_scope(app.state.db) as session:
        row = intake.receive(session, inbound(message), now())
        if row is None or row.status not in ("fed", "queued"):
            return None
        if row.status == "queued":
            return 0, row.text  # a conversation waits: route it after the answer
        return row.contact_id or 0, row.text


# -- the SMS gateway ----------------------------------------------------------------------------


@webhooks.post("/channels/sms")
async def sms_inbound(request: Request, background: BackgroundTasks) -> dict:
    secret = get_settings().sms_secret
    if not secret:
        raise NotFound("SMS intake is not configured on this server (MOQI_SMS_SECRET)")
    body = await request.body()
    if len(body) > sms.MAX_BODY_BYTES:
        raise HTTPException(413, f"the body is over {sms.MAX_BODY_BYTES // 1024} KiB: not an SMS")
    try:
        sms.check(secret, body, request.headers.get(sms.SIGNATURE_HEADER, ""))
    except sms.SmsError as e:
        raise HTTPException(403, e.message) from e
    try:
        message = sms.parse(body)
    except sms.SmsError as e:
        raise HTTPException(400, e.message) from e
    outcome, reason, feed = await asyncio.to_thread(_store_sms, request.app, message)
    if feed is not None:
        background.add_task(after_stored, request.app, *feed)
    return {"status": outcome, "reason": reason}


def _store_sms(app, message: sms.SmsMessage) -> tuple[str, str | None, tuple[int, str] | None]:
    """(outcome, the command's reason, what to feed or route after the answer)."""
    with session_scope(app.state.db) as session:
        taken = sms_intake.receive(session, message, now=now())
        row = taken.row
        if taken.outcome not in ("queued", "fed") or row is None:
            return taken.outcome, taken.reason, None
        # 0: a conversation waits, route it; else the live contact to feed.
        return taken.outcome, None, (row.contact_id or 0 if row.status == "fed" else 0, row.text)


# -- a social listening tool --------------------------------------------------------------------


@webhooks.post("/channels/social")
async def social_inbound(request: Request) -> dict:
    """One public post from a listening tool, signed like the SMS gateway's posts (an HMAC
    under MOQI_SOCIAL_SECRET): stored once per platform and id, assessed, ticketed if need be.
    A resend answers the same post and ticket. Unsigned 401, a wrong signature 403, a body
    over 64 KiB 413, a body that is no post 422 (problem+json naming the field)."""
    secret = get_settings().social_secret
    if not secret:
        raise NotFound("social intake is not configured on this server (MOQI_SOCIAL_SECRET)")
    body = await request.body()
    if len(body) > social.MAX_BODY_BYTES:
        raise HTTPException(
            413, f"the body is over {social.MAX_BODY_BYTES // 1024} KiB: not a post"
        )
    signature = request.headers.get(sms.SIGNATURE_HEADER, "").strip()
    if not signature:
        raise HTTPException(401, f"the {sms.SIGNATURE_HEADER} header is missing")
    # compare_digest refuses a non-ASCII str with TypeError; a header may carry anything.
    if not signature.isascii() or not verify(secret, body, signature):
        raise HTTPException(403, f"{sms.SIGNATURE_HEADER} does not sign this body")
    post = social.parse_webhook(body)  # SocialError is Invalid: 422
    return await asyncio.to_thread(_store_social, request.app, post)


def _store_social(app, post: social.SocialPost) -> dict:
    with session_scope(app.state.db) as session:
        got = social_intake.receive(session, post, now=now(), team=get_settings().social_team)
        return {
            "id": got.row.id,
            "status": "new" if got.created else "updated",
            "priority": got.row.priority,
            "ticket_id": got.row.ticket_id,
        }
