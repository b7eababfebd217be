"""Channel intake: store each inbound message once, keep one conversation per customer and
channel, queue it for routing (dispatch.py hands it to an agent) and know who the sender is.

A message of a sender nobody serves opens a queued conversation with the skill and priority
the routing rules give it; more messages join it while it waits. Once routed, the conversation
is a live contact (assist/live) and each new message goes straight into it; when the agent
wraps the contact up, the conversation ends and the sender's next message opens a new one.
"""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import Subquery, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from moqi.channels import rules as routing_rules
from moqi.channels import selfservice, signals
from moqi.channels.inbound import Inbound
from moqi.channels.models import ChannelIdentity, ChannelMessage, Conversation
from moqi.channels.routing import PRIORITIES, classify
from moqi.channels.wechat import Crypto, Message, check_signature, decrypt_message, parse_message
from moqi.errors import Conflict, Forbidden, Invalid, NotFound
from moqi.nlp.mask import mask_pii
from moqi.nlp.normalize import normalize
from moqi.service import services as desk

# What an agent sees for a message that carries no words.
PLACEHOLDERS = {"image": "[图片]", "voice": "[语音]", "video": "[视频]", "shortvideo": "[视频]"}
PLACEHOLDERS |= {"location": "[位置]", "link": "[链接]", "file": "[文件]"}
EVENTS = {"subscribe": "[关注]", "unsubscribe": "[取消关注]", "CLICK": "[菜单]", "VIEW": "[菜单]"}
# Kept for the record (and self-service uptake), never fed to an agent: WeChat events, and SMS
# commands answered from content.
KEPT = ("event", "command")


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


def display_text(message: Inbound) -> str:
    """The words a message stands for, normalised and masked; a placeholder for media."""
    if message.kind == "event":
        return EVENTS.get(message.event or "", f"[{message.event or '事件'}]")
    text = message.text.strip()
    if not text:
        return PLACEHOLDERS.get(message.kind, "[消息]")
    return mask_pii(normalize(text))


def receive(session: Session, message: Inbound, now: datetime) -> ChannelMessage | None:
    """Store an inbound message once: None (nothing written) when its key is stored already,
    by an earlier retry or by a concurrent one. An event or a self-service command is kept and
    never fed. Anything else
    joins the sender's conversation: fed into its live contact when an agent holds it (status
    "fed": the caller feeds it), else queued (a new conversation is classified for routing)."""
    channel = message.channel
    key = f"{channel}:{message.key}"
    if session.scalar(select(ChannelMessage.id).where(ChannelMessage.dedupe_key == key)):
        return None
    identity = session.get(ChannelIdentity, (channel, message.sender))
    customer_id = identity.customer_id if identity else None
    row = ChannelMessage(
        channel=channel,
        dedupe_key=key,
        sender=message.sender,
        customer_id=customer_id,
        msg_type=message.kind,
        text=display_text(message),
        received_at=now,
        status="kept" if message.kind in KEPT else "queued",
    )
    try:
        with session.begin_nested():
            session.add(row)
    except IntegrityError:
        # A retry stored the same message between our look and our write: theirs stands.
        return None
    if row.status == "kept":
        row.self_service = used_path(message)
        return row
    conversation = current_conversation(session, channel, message.sender)
    if conversation is None:
        conversation = _open_conversation(session, row, customer_id, now)
    conversation.last_inbound_at, conversation.replies_since_inbound = now, 0
    row.conversation_id = conversation.id
    if conversation.status == "routed":
        row.status, row.contact_id = "fed", conversation.contact_id
    session.flush()
    return row


def _open_conversation(
    session: Session, first: ChannelMessage, customer_id: str | None, now: datetime
) -> Conversation:
    rules = routing_rules.current(session)
    decision = classify(rules, signals.read(session, [first.text], customer_id, now=now))
    conversation = Conversation(
        channel=first.channel,
        sender=first.sender,
        customer_id=customer_id,
        status="queued",
        skill=decision.skill,
        first_skill=decision.skill,
        priority=PRIORITIES.index(decision.priority),
        why=decision.why[:200],
        queued_at=now,
        skill_at=now,
        last_inbound_at=now,
        replies_since_inbound=0,
        address="",
        rating_note="",
    )
    session.add(conversation)
    session.flush()
    return conversation


def used_path(message: Inbound) -> str | None:
    """The call reason whose self-service path a kept message used (an SMS command, a menu
    click with a counted key), for counting the uptake of agents' offers."""
    paths = selfservice.shipped()
    if message.kind == "command":
        return selfservice.uptake_of("text", message.text, paths)
    if message.kind == "event" and message.event_key:
        return selfservice.uptake_of("event", message.event_key, paths)
    return None


def current_conversation(session: Session, channel: str, sender: str) -> Conversation | None:
    """The sender's conversation still going (queued, or routed to a contact still open); a
    routed one whose contact was wrapped up is ended here."""
    conversation = session.scalars(
        select(Conversation)
        .where(Conversation.channel == channel, Conversation.sender == sender)
        .where(Conversation.status.in_(("queued", "routed")))
        .order_by(Conversation.id.desc())
        .limit(1)
    ).first()
    if conversation is None or conversation.status == "queued":
        return conversation
    contact = desk.get_contact(session, conversation.contact_id or 0)
    if contact.status == "open":
        return conversation
    ended = contact.ended_at or conversation.last_inbound_at
    # contacts.ended_at predates UtcDateTime: SQLite hands it back without its offset (UTC).
    conversation.status = "closed"
    conversation.closed_at = ended if ended.tzinfo else ended.replace(tzinfo=UTC)
    return None


def live_contact_of(session: Session, channel: str, sender: str) -> int | None:
    """The contact that holds this sender's conversation, while it is still open."""
    conversation = current_conversation(session, channel, sender)
    return conversation.contact_id if conversation and conversation.status == "routed" else None


def conversation_of_contact(session: Session, contact_id: int) -> Conversation | None:
    """The channel conversation a contact serves (None: a call, or a chat opened by hand)."""
    return session.scalars(
        select(Conversation).where(Conversation.contact_id == contact_id).limit(1)
    ).first()


# -- the queue ----------------------------------------------------------------------------------


def mask_sender(sender: str) -> str:
    """A channel id as agents see it: enough to tell two apart, not the whole id."""
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


def queued(session: Session, channel: str | None = None) -> list[Conversation]:
    """The waiting conversations in the order they are served: priority, then time queued."""
    query = select(Conversation).where(Conversation.status == "queued")
    if channel is not None:
        query = query.where(Conversation.channel == channel)
    return list(
        session.scalars(query.order_by(Conversation.priority.desc(), Conversation.queued_at))
    )


def inbox(session: Session, channel: str | None = None) -> list[dict]:
    """The waiting conversations in the order they are served, each with its masked sender,
    skill, priority, why, the customer's card when known and the texts."""
    conversations = queued(session, channel)
    rules = routing_rules.current(session)
    labels = {s.code: s.label for s in rules.skills}
    texts: dict[int, list[dict]] = {c.id: [] for c in conversations}
    if texts:
        for m in session.scalars(
            select(ChannelMessage)
            .where(ChannelMessage.conversation_id.in_(list(texts)))
            .where(ChannelMessage.status == "queued")
            .order_by(ChannelMessage.id)
        ):
            texts[m.conversation_id or 0].append(
                {"id": m.id, "type": m.msg_type, "text": m.text, "at": m.received_at.isoformat()}
            )
    return [
        {
            "conversation_id": c.id,
            "channel": c.channel,
            "sender": c.sender,
            "sender_masked": mask_sender(c.sender),
            "customer": _card(session, c.customer_id),
            "skill": c.skill,
            "skill_label": labels.get(c.skill, c.skill),
            "priority": PRIORITIES[c.priority],
            "why": c.why,
            "waiting_since": c.queued_at.isoformat(),
            "messages": texts[c.id],
        }
        for c in conversations
    ]


def waiting_texts(session: Session, conversation_id: int) -> list[str]:
    """The texts of a conversation that wait for an agent, in order."""
    return list(
        session.scalars(
            select(ChannelMessage.text)
            .where(ChannelMessage.conversation_id == conversation_id)
            .where(ChannelMessage.status == "queued")
            .order_by(ChannelMessage.id)
        )
    )


# -- handing a conversation to an agent ---------------------------------------------------------


def waiting(session: Session, channel: str, sender: str) -> Conversation:
    """The sender's queued conversation; NotFound for a sender never seen, Conflict when it is
    not waiting (taken already)."""
    conversation = current_conversation(session, channel, sender)
    if conversation is not None and conversation.status == "queued":
        return conversation
    seen = session.scalar(
        select(ChannelMessage.id)
        .where(ChannelMessage.channel == channel, ChannelMessage.sender == sender)
        .limit(1)
    )
    if seen is None:
        raise NotFound(f"no {channel} conversation from {mask_sender(sender)}")
    raise Conflict(f"the conversation of {mask_sender(sender)} has been taken already")


def claim(
    session: Session, conversation: Conversation, *, agent: str, contact_id: int, now: datetime
) -> list[str]:
    """Hand a queued conversation to `agent` in contact `contact_id`, only if it is still
    queued (Conflict otherwise: someone else took it meanwhile); its waiting texts in order."""
    result = session.execute(
        update(Conversation)
        .where(Conversation.id == conversation.id, Conversation.status == "queued")
        .values(status="routed", agent=agent, contact_id=contact_id, routed_at=now)
        .execution_options(synchronize_session=False)
    )
    if result.rowcount != 1:  # type: ignore[attr-defined]
        raise Conflict("the conversation has been taken by another agent meanwhile")
    session.refresh(conversation)
    rows = list(
        session.scalars(
            select(ChannelMessage)
            .where(ChannelMessage.conversation_id == conversation.id)
            .where(ChannelMessage.status == "queued")
            .order_by(ChannelMessage.id)
        )
    )
    session.execute(
        update(ChannelMessage)
        .where(ChannelMessage.id.in_([r.id for r in rows]))
        .values(status="fed", contact_id=contact_id)
        .execution_options(synchronize_session=False)
    )
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
    session.execute(
        update(Conversation)
        .where(Conversation.channel == channel, Conversation.sender == external_id)
        .where(Conversation.status == "queued")
        .values(customer_id=customer.id)
        .execution_options(synchronize_session=False)
    )
    session.flush()
    return {"channel": channel, "sender": mask_sender(external_id), "customer_id": customer.id}


def self_service_uses() -> Subquery:
    """Each inbound message that used a self-service path (an SMS command, a menu click), as a
    subquery reports join on `customer_id`: use_id, channel, path, customer_id (None for an
    unknown sender) and received_at."""
    return (
        select(
            ChannelMessage.id.label("use_id"),
            ChannelMessage.channel,
            ChannelMessage.self_service.label("path"),
            ChannelMessage.customer_id,
            ChannelMessage.received_at,
        )
        .where(ChannelMessage.self_service.is_not(None))
        .subquery("self_service_uses")
    )
