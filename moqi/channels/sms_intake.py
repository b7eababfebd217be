"""An inbound SMS taken in: a self-service command (CXHF, 查流量, …) is answered at once by SMS
from content, and counted as self-service use; anything else joins the sender's conversation
for an agent, like a WeChat message.

The sender of an SMS is a keyed id of the number (never the number); the number itself is kept
only sealed on the conversation, so an agent's reply can go back by SMS. A sender whose number
is a stored customer's is linked to them on the first message.
"""

from __future__ import annotations

import contextlib
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy.orm import Session

from moqi.channels import selfservice
from moqi.channels import services as intake
from moqi.channels.models import ChannelIdentity, ChannelMessage
from moqi.channels.sms import CHANNEL, SmsMessage, inbound
from moqi.errors import NotFound
from moqi.service import services as desk
from moqi.service.outbox import services as outbox


@dataclass(frozen=True, slots=True)
class Taken:
    """What became of an SMS: answered (a command), queued or fed (for an agent), duplicate."""

    outcome: str
    row: ChannelMessage | None = None
    reason: str | None = None  # the command's call reason, when answered


def sender_of(phone: str) -> str:
    """The SMS sender id of a number: keyed and one-way, like the customers' phone key."""
    return "p:" + desk.phone_key(phone)[-40:]


def receive(session: Session, msg: SmsMessage, *, now: datetime) -> Taken:
    """Store the SMS once and answer a command, or hand it to the intake."""
    sender = sender_of(msg.phone)
    _link(session, sender, msg.phone, now)
    command = selfservice.match_command(msg.text, selfservice.shipped().commands)
    message = inbound(msg, sender)
    if command is not None:
        message = type(message)(
            channel=CHANNEL, sender=sender, key=message.key, kind="command", text=msg.text
        )
    row = intake.receive(session, message, now)
    if row is None:
        return Taken("duplicate")
    if command is None:
        conversation = intake.current_conversation(session, CHANNEL, sender)
        if conversation is not None and not conversation.address:
            conversation.address = outbox.seal_address(msg.phone)
        return Taken(row.status, row)
    customer = session.get(ChannelIdentity, (CHANNEL, sender))
    card = _customer(session, customer.customer_id if customer else None)
    outbox.queue(
        session,
        dedupe_key=f"sms-answer:{msg.id}"[:128],
        channel="sms",
        kind="notice",
        recipient=msg.phone,
        body=selfservice.answer(command, card),
        now=now,
        customer_id=card.get("id") if card else None,
    )
    return Taken("answered", row, command.reason)


def _link(session: Session, sender: str, phone: str, now: datetime) -> None:
    if session.get(ChannelIdentity, (CHANNEL, sender)) is not None:
        return
    with contextlib.suppress(NotFound):  # not a customer moqi knows: no card, the number masked
        intake.link_identity(session, CHANNEL, sender, phone, now=now)


def _customer(session: Session, customer_id: str | None) -> dict | None:
    if customer_id is None:
        return None
    c = desk.find_customer(session, customer_id)
    return {"id": c.id, "title": c.title, "plan": c.plan, "brand": c.brand, "vip": c.vip}
