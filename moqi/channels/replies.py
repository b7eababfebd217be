"""An agent's reply on a chat: fed to assist as the agent's utterance, and sent back by the
channel the customer wrote on — the web chat socket hears it from the contact's stream;
WeChat and SMS replies go out through the outbound gateway (the outbox).

WeChat lets an account send customer-service messages only inside a window: 48 hours after
the customer's last message, at most 5 messages. Outside it the reply is refused with
`outside_window` and the agent is offered SMS to the customer's number on file.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy.orm import Session

from moqi.channels.models import Conversation
from moqi.errors import Conflict, Invalid
from moqi.service.outbox import services as outbox

WECHAT_WINDOW = timedelta(hours=48)
WECHAT_MAX_REPLIES = 5
MAX_REPLY_CHARS = 500


def window(conversation: Conversation, now: datetime) -> dict:
    """Whether the channel lets us reply now, and how long/how many are left (WeChat)."""
    if conversation.channel != "wechat":
        return {"open": True}
    closes = conversation.last_inbound_at + WECHAT_WINDOW
    left = WECHAT_MAX_REPLIES - conversation.replies_since_inbound
    return {
        "open": now < closes and left > 0,
        "closes_at": closes.isoformat(),
        "replies_left": max(left, 0),
    }


def check(conversation: Conversation, text: str, now: datetime) -> str:
    """The reply text, checked; Conflict `outside_window` when WeChat would refuse it."""
    text = (text or "").strip()
    if not text or len(text) > MAX_REPLY_CHARS:
        raise Invalid(f"a reply is 1 to {MAX_REPLY_CHARS} characters")
    state = window(conversation, now)
    if not state["open"]:
        why = (
            "已超过客户最后一条消息后48小时"
            if now >= conversation.last_inbound_at + WECHAT_WINDOW
            else f"客户回复前最多只能连续发送{WECHAT_MAX_REPLIES}条"
        )
        raise Conflict(
            f"微信客服消息窗口已关闭：{why}。可改发短信给客户。",
            code="outside_window",
            sms=conversation.customer_id is not None,
        )
    return text


def send(
    session: Session, conversation: Conversation, text: str, *, turn: int, now: datetime
) -> int | None:
    """Queue the reply for the gateway (WeChat, SMS, a web chat message left with a number);
    None for a live web chat (its socket hears the agent's utterance). Counts the reply
    against WeChat's window."""
    conversation.replies_since_inbound += 1
    if conversation.channel == "web" and not conversation.address:
        return None  # the visitor's widget hears it on the contact's stream
    key = f"reply:{conversation.contact_id}:{turn}"
    if conversation.channel == "wechat":
        row = outbox.queue(
            session,
            dedupe_key=key,
            channel="wechat",
            kind="notice",
            recipient=conversation.sender,
            body=text,
            now=now,
            customer_id=conversation.customer_id,
        )
    else:
        row = sms(session, conversation, text, key=key, now=now)
    return row.id


def sms(session: Session, conversation: Conversation, text: str, *, key: str, now: datetime):
    """Send the reply by SMS: to the number the customer wrote from, or the one on file."""
    if conversation.address:
        recipient = outbox.unseal_address(conversation.address)
    elif conversation.customer_id is not None:
        recipient = ""
    else:
        raise Conflict("没有客户的手机号码，无法改发短信", code="no_number")
    return outbox.queue(
        session,
        dedupe_key=key,
        channel="sms",
        kind="notice",
        recipient=recipient,
        body=text,
        now=now,
        customer_id=conversation.customer_id,
    )
