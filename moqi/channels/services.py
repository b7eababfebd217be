"""Channel intake: store each inbound message once, queue conversations for agents to take,
and know which customer a channel's sender is.

The first slice is a pull model: messages of a sender nobody serves wait in the inbox, grouped
by sender; an agent takes a conversation, which opens a live contact (assist/live) and feeds
the waiting messages into it in order. A message from a sender whose contact is still live
goes straight to that contact. Routing by skills and presence comes later (docs/channels.md).
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from moqi.channels.models import ChannelIdentity, ChannelMessage
from moqi.channels.wechat import Crypto, Message, check_signature, decrypt_message, parse_message
from moqi.errors import Conflict, Forbidden, Invalid, NotFound
from moqi.nlp.mask import mask_pii
from moqi.nlp.normalize import normalize
from moqi.service import services as desk

# What an agent sees for a message that carries no words.
PLACEHOLDERS = {"image": "[图片]", "voice": "[语音]", "video": "[视频]", "shortvideo": "[视频]"}
PLACEHOLDERS |= {"location": "[位置]", "link": "[链接]", "file": "[文件]"}
EVENTS = {"subscribe": "[关注]", "unsubscribe": "[取消关注]", "CLICK": "[菜单]", "VIEW": "[菜单]"}


# -- the WeChat request -------------------------------------------------------------------------


def wechat_message(
    *,
    token: str,
    crypto: Crypto | None,
    body: bytes,
    timestamp: str,
    nonce: str,
    signature: str,
    msg_signature: str,
) -> Message:
    """The Message of a POST to /channels/wechat, its signature checked first: plain mode
    (`crypto` None) checks `signature`, safe mode `msg_signature` and decrypts. Forbidden when
    the signature is not WeChat's; WeChatError (Invalid) when the body is not a message."""
    if crypto is None:
        if not check_signature(token, timestamp, nonce, signature):
            raise Forbidden("signature does not match: not from WeChat", code="bad_signature")
        return parse_message(body)
    if not msg_signature:
        raise Forbidden("safe mode: msg_signature is missing", code="bad_signature")
    try:
        xml = decrypt_message(crypto, token, body, timestamp, nonce, msg_signature)
    except Invalid as e:
        if e.code == "bad_signature":
            raise Forbidden(e.message, code="bad_signature") from e
        raise
    return parse_message(xml)


def verify_url(token: str, timestamp: str, nonce: str, signature: str, echostr: str) -> str:
    """The echostr WeChat's URL verification expects back; Forbidden on a wrong signature."""
    if not check_signature(token, timestamp, nonce, signature):
        raise Forbidden("signature does not match: not from WeChat", code="bad_signature")
    return echostr


# -- receiving ----------------------------------------------------------------------------------


def display_text(message: Message) -> str:
    """The words a message stands for, normalised and masked; a placeholder for media."""
    if message.msg_type == "event":
        return EVENTS.get(message.event or "", f"[{message.event or '事件'}]")
    text = message.text.strip()
    if not text:
        return PLACEHOLDERS.get(message.msg_type, "[消息]")
    return mask_pii(normalize(text))


def receive(
    session: Session, channel: str, message: Message, now: datetime
) -> ChannelMessage | None:
    """Store an inbound message once: None (nothing written) when its dedupe key is stored
    already, by an earlier retry or by a concurrent one. A message from a sender whose
    conversation an agent holds in a live contact is marked for that contact ("fed": the
    caller feeds it); an event is kept and never fed; anything else waits in the inbox."""
    key = f"{channel}:{message.dedupe_key}"
    if session.scalar(select(ChannelMessage.id).where(ChannelMessage.dedupe_key == key)):
        return None
    identity = session.get(ChannelIdentity, (channel, message.from_user))
    row = ChannelMessage(
        channel=channel,
        dedupe_key=key,
        sender=message.from_user,
        customer_id=identity.customer_id if identity else None,
        msg_type=message.msg_type,
        text=display_text(message),
        received_at=now,
        status="queued",
    )
    if message.msg_type == "event":
        row.status = "kept"
    else:
        contact_id = live_contact_of(session, channel, message.from_user)
        if contact_id is not None:
            row.status, row.contact_id = "fed", contact_id
    try:
        with session.begin_nested():
            session.add(row)
    except IntegrityError:
        # A retry stored the same message between our look and our write: theirs stands.
        return None
    return row


def live_contact_of(session: Session, channel: str, sender: str) -> int | None:
    """The contact that holds this sender's conversation, while it is still open."""
    contact_id = session.scalar(
        select(ChannelMessage.contact_id)
        .where(
            ChannelMessage.channel == channel,
            ChannelMessage.sender == sender,
            ChannelMessage.contact_id.is_not(None),
        )
        .order_by(ChannelMessage.id.desc())
        .limit(1)
    )
    if contact_id is None:
        return None
    return contact_id if desk.get_contact(session, contact_id).status == "open" else None


# -- the inbox ----------------------------------------------------------------------------------


def mask_sender(sender: str) -> str:
    """An openid as agents see it: enough to tell two apart, not the whole id."""
    return sender if len(sender) <= 8 else f"{sender[:4]}…{sender[-4:]}"


def _card(session: Session, customer_id: str | None) -> dict | None:
    if customer_id is None:
        return None
    c = desk.find_customer(session, customer_id)
    return {
        "id": c.id,
        "name_masked": c.name_masked,
        "phone_masked": c.phone_masked,
        "brand": c.brand,
        "region": c.region,
        "vip": c.vip,
    }


def inbox(session: Session, channel: str | None = None) -> list[dict]:
    """Conversations waiting for an agent: queued messages grouped by sender, the longest
    waiting first, each with its masked sender, the customer's card when known and the texts."""
    query = select(ChannelMessage).where(ChannelMessage.status == "queued")
    if channel is not None:
        query = query.where(ChannelMessage.channel == channel)
    groups: dict[tuple[str, str], dict] = {}
    for m in session.scalars(query.order_by(ChannelMessage.id)):
        group = groups.get((m.channel, m.sender))
        if group is None:
            identity = session.get(ChannelIdentity, (m.channel, m.sender))
            group = groups[(m.channel, m.sender)] = {
                "channel": m.channel,
                "sender": m.sender,
                "sender_masked": mask_sender(m.sender),
                "customer": _card(session, identity.customer_id if identity else m.customer_id),
                "waiting_since": m.received_at.isoformat(),
                "messages": [],
            }
        group["messages"].append(
            {"id": m.id, "type": m.msg_type, "text": m.text, "at": m.received_at.isoformat()}
        )
    return list(groups.values())


# -- taking a conversation ----------------------------------------------------------------------


def waiting(session: Session, channel: str, sender: str) -> tuple[list[ChannelMessage], str | None]:
    """The queued messages of a sender in order and the customer id to open the contact for;
    NotFound for a sender never seen, Conflict when nothing waits (taken already)."""
    rows = list(
        session.scalars(
            select(ChannelMessage)
            .where(ChannelMessage.channel == channel, ChannelMessage.sender == sender)
            .where(ChannelMessage.status == "queued")
            .order_by(ChannelMessage.id)
        )
    )
    if not rows:
        seen = session.scalar(
            select(ChannelMessage.id)
            .where(ChannelMessage.channel == channel, ChannelMessage.sender == sender)
            .limit(1)
        )
        if seen is None:
            raise NotFound(f"no {channel} conversation from {mask_sender(sender)}")
        raise Conflict(f"the conversation of {mask_sender(sender)} has been taken already")
    identity = session.get(ChannelIdentity, (channel, sender))
    customer_id = identity.customer_id if identity else rows[-1].customer_id
    return rows, customer_id


def claim(session: Session, rows: list[ChannelMessage], contact_id: int) -> list[str]:
    """Mark the waiting messages fed into `contact_id`, only if none was taken meanwhile
    (Conflict otherwise: a concurrent take won); returns their texts in order."""
    ids = [r.id for r in rows]
    result = session.execute(
        update(ChannelMessage)
        .where(ChannelMessage.id.in_(ids), ChannelMessage.status == "queued")
        .values(status="fed", contact_id=contact_id)
        .execution_options(synchronize_session=False)
    )
    if result.rowcount != len(ids):  # type: ignore[attr-defined]
        raise Conflict("the conversation has been taken by another agent meanwhile")
    return [r.text for r in rows]


# -- identities ---------------------------------------------------------------------------------


def link_identity(
    session: Session, channel: str, external_id: str, customer_ref: str, *, now: datetime
) -> dict:
    """Link a channel's id of a sender (an openid) to a customer (by id or phone number), so
    their messages show the customer's card and open contacts for them. Re-linking moves it."""
    customer = desk.find_customer(session, customer_ref)
    identity = session.get(ChannelIdentity, (channel, external_id))
    if identity is None:
        identity = ChannelIdentity(
            channel=channel, external_id=external_id, customer_id=customer.id, linked_at=now
        )
        session.add(identity)
    else:
        identity.customer_id, identity.linked_at = customer.id, now
    session.execute(
        update(ChannelMessage)
        .where(ChannelMessage.channel == channel, ChannelMessage.sender == external_id)
        .where(ChannelMessage.status == "queued")
        .values(customer_id=customer.id)
        .execution_options(synchronize_session=False)
    )
    session.flush()
    return {"channel": channel, "sender": mask_sender(external_id), "customer_id": customer.id}
