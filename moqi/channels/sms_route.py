"""The SMS gateway's webhook: POST /channels/sms (docs/channels-sms.md).

Signed like moqi's own outbound webhook (X-Moqi-Signature: sha256=<HMAC of the body> under
MOQI_SMS_SECRET). A wrong signature answers 403, a body that is no SMS 400, one over the limit
413; otherwise 200 with what became of it — answered (a self-service command), queued (waiting
for an agent), fed (into the agent's live contact) or duplicate (a retry). Nothing is stored on
a refusal. Outside the JSON API (the gateway signs its calls; no login).
"""

from __future__ import annotations

import asyncio

from fastapi import APIRouter, BackgroundTasks, HTTPException, Request

from moqi.channels import sms, sms_intake
from moqi.channels.routes import after_stored
from moqi.db import session_scope
from moqi.errors import NotFound
from moqi.settings import get_settings
from moqi.web.clock import now

router = APIRouter(include_in_schema=False)


@router.post("/channels/sms")
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
    outcome, reason, feed = await asyncio.to_thread(_store, request.app, message)
    if feed is not None:
        background.add_task(after_stored, request.app, *feed)
    return {"status": outcome, "reason": reason}


def _store(app, message: sms.SmsMessage) -> tuple[str, str | None, tuple[int, str] | None]:
    """(outcome, the command's reason, what to feed or route after the answer)."""
    with session_scope(app.state.db) as session:
        taken = sms_intake.receive(session, message, now=now())
        row = taken.row
        if taken.outcome not in ("queued", "fed") or row is None:
            return taken.outcome, taken.reason, None
        # 0: a conversation waits, route it; else the live contact to feed.
        return taken.outcome, None, (row.contact_id or 0 if row.status == "fed" else 0, row.text)
