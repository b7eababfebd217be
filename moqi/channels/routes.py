"""Chats over the JSON API: the queue and taking from it, presence and the lead's view, the
routing rules, replies on the customer's channel, the agent's own socket, self-service offers;
social posts for the social team.
The channels' own endpoints (WeChat, SMS) are in webhooks/, the visitor's side in webchat/.
"""

from __future__ import annotations

import logging
from datetime import timedelta
from typing import Annotated

from fastapi import (
    APIRouter,
    Path,
    Query,
    Request,
    WebSocket,
)

from moqi.accounts import services as accounts
from moqi.assist.live import services as lives
from moqi.assist.live.routes import serve_socket
from moqi.channels import dispatch, presence, replies, rules, uptake
from moqi.channels import services as intake
from moqi.channels.schemas import (
    AgentRoutingIn,
    IdentifyIn,
    OfferIn,
    PresenceIn,
    ReplyIn,
    RoutingRulesIn,
)
from moqi.db import session_scope
from moqi.errors import Forbidden, NotFound
from moqi.nlp.mask import mask_pii
from moqi.service import services as desk
from moqi.web.auth import COOKIE, AgentUser, LeadUser, SessionDep, socket_user
from moqi.web.clock import now
from moqi.web.params import Id

log = logging.getLogger("moqi.channels")

router = APIRouter(tags=["channels"])

WECHAT = "wechat"
Q = Annotated[str, Query(max_length=200)]
Sender = Annotated[str, Path(min_length=1, max_length=128)]
Username = Annotated[str, Path(min_length=1, max_length=64)]


def after_stored(app, contact_id: int, text: str) -> None:
    """After WeChat has its answer: feed the message into the live contact that holds its
    conversation, or route the conversation that waits."""
    if contact_id == 0:
        route_now(app)
        return
    try:
        with session_scope(app.state.db) as session:
            live = lives.live_contact(app.state.hub, session, contact_id, now=now())
        _, future = lives.submit(app.state.hub, app.state.writer, live, "customer", text, None)
        future.result(timeout=dispatch.STORE_TIMEOUT_S)
    except Exception:  # noqa: BLE001 - the message is stored; the agent reads it in the inbox log
        log.exception("could not feed a channel message into contact %s", contact_id)


def route_now(app) -> list[dict]:
    """Hand waiting conversations to available agents (errors logged: the loop tries again)."""
    try:
        handed = dispatch.route(app.state.db, app.state.hub, app.state.writer, now=now())
    except Exception:  # noqa: BLE001 - routing is retried by the server's routing loop
        log.exception("routing round failed")
        return []
    return [h.as_dict() for h in handed]


# -- the queue and taking from it ---------------------------------------------------------------


@router.get("/api/channels/inbox", summary="Conversations waiting for an agent, in serving order")
def get_inbox(session: SessionDep, user: AgentUser) -> list[dict]:
    return intake.inbox(session)


@router.post(
    "/api/channels/inbox/{sender}/take",
    summary="Take a waiting WeChat conversation: opens a live contact with its messages fed in",
)
def take(request: Request, sender: Sender, session: SessionDep, user: AgentUser) -> dict:
    conversation = intake.waiting(session, WECHAT, sender)
    return _take(request, session, conversation.id, user)


@router.post(
    "/api/channels/conversations/{conversation_id}/take",
    summary="Take a waiting conversation of any channel yourself",
)
def take_conversation(
    request: Request, conversation_id: Id, session: SessionDep, user: AgentUser
) -> dict:
    return _take(request, session, conversation_id, user)


def _take(request: Request, session, conversation_id: int, user) -> dict:
    session.close()  # the hand-over runs its own transaction
    app = request.app
    handed = dispatch.hand(
        app.state.db,
        app.state.hub,
        app.state.writer,
        conversation_id,
        user.username,
        now=now(),
        chosen=True,
    )
    return {"contact_id": handed.contact_id, "messages": handed.messages}


# -- presence and the lead's view ---------------------------------------------------------------


@router.get("/api/channels/presence", summary="Your presence, chat skills and load")
def my_presence(session: SessionDep, user: AgentUser) -> dict:
    return presence.of(session, user.username, rules.current(session))


@router.put(
    "/api/channels/presence", summary="Set your presence (available: chats are routed to you)"
)
def set_presence(request: Request, body: PresenceIn, session: SessionDep, user: AgentUser) -> dict:
    current = rules.current(session)
    presence.set_status(session, user.username, body.status, rules=current, now=now())
    session.commit()
    answer = presence.of(session, user.username, current)
    if body.status == "available":
        session.close()
        route_now(request.app)
    return answer


@router.get("/api/channels/agents", summary="Your team's agents: presence, skills, chats")
def team_agents(session: SessionDep, user: LeadUser) -> list[dict]:
    return presence.everyone(session, rules.current(session), _team(session, user))


@router.put("/api/channels/agents/{username}", summary="Set an agent's chat skills and limit")
def set_agent(
    username: Username, body: AgentRoutingIn, session: SessionDep, user: LeadUser
) -> dict:
    if username not in _team(session, user):
        raise NotFound(f"no agent {username!r} in your team")
    current = rules.current(session)
    presence.set_routing(
        session, username, skills=body.skills, max_chats=body.max_chats, rules=current, now=now()
    )
    session.commit()
    return presence.of(session, username, current)


def _team(session, user) -> list[str]:
    people = accounts.list_users(session)
    return [
        u.username
        for u in people
        if u.active
        and u.role in ("agent", "team_lead")
        and (user.role == "admin" or u.team == user.team)
    ]


@router.get("/api/channels/queues", summary="Each skill's queue and your team's agents, live")
def queues(session: SessionDep, user: LeadUser) -> dict:
    current = rules.current(session)
    waiting = intake.queued(session)
    return {
        "queues": presence.queues(session, current, waiting, now=now()),
        "agents": presence.everyone(session, current, _team(session, user)),
        "waiting": intake.inbox(session),
    }


# -- routing rules (content) --------------------------------------------------------------------


@router.get(
    "/api/channels/routing", summary="The routing rules in force (or a version) and every version"
)
def get_rules(
    session: SessionDep,
    user: AgentUser,
    version: Annotated[int | None, Query(ge=1, le=10**6)] = None,
) -> dict:
    number, doc = rules.document(session, version)
    return {"version": number, "rules": doc, "versions": rules.versions(session)}


@router.put("/api/channels/routing", summary="Save new routing rules (YAML) as the next version")
def put_rules(body: RoutingRulesIn, session: SessionDep, user: LeadUser) -> dict:
    doc = rules.read_yaml(body.yaml)
    version = rules.save(session, doc, now=now(), by=user.username, note=body.note)
    session.commit()
    return {"version": version}


# -- replying -----------------------------------------------------------------------------------


@router.post(
    "/api/channels/contacts/{contact_id}/reply",
    summary="Reply on a chat: fed to assist and sent back by the customer's channel",
)
def reply(
    request: Request, contact_id: Id, body: ReplyIn, session: SessionDep, user: AgentUser
) -> dict:
    app = request.app
    conversation = intake.conversation_of_contact(session, contact_id)
    if conversation is None:
        raise NotFound(f"contact {contact_id} is not a channel conversation")
    live = lives.live_contact(app.state.hub, session, contact_id, now=now())
    if why := live.refusal(user.role, user.username, user.team):
        raise Forbidden(why)
    at = now()
    text = replies.check(conversation, body.text, at) if body.via == "channel" else body.text
    answer, future = lives.submit(app.state.hub, app.state.writer, live, "agent", text, None)
    future.result(timeout=dispatch.STORE_TIMEOUT_S)
    turn = answer["event"]["turn"]
    if body.via == "sms":
        message = replies.sms(session, conversation, text, key=f"reply:{contact_id}:{turn}", now=at)
        sent: int | None = message.id
    else:
        sent = replies.send(session, conversation, text, turn=turn, now=at)
    state = replies.window(conversation, at)
    party = f"{conversation.channel}:{conversation.sender}"
    session.commit()
    if conversation.channel == "web" and sent is None:
        # The visitor's widget shows the words as the agent wrote them (masked), not the
        # normalised form assist reads.
        app.state.hub.tell(party, {"type": "reply", "text": mask_pii(text)})
    return {"turn": turn, "outbox_id": sent, "window": state}


@router.post(
    "/api/channels/contacts/{contact_id}/customer",
    summary="Link a chat's sender (openid, visitor, number) to a customer: one history",
)
def identify(
    request: Request, contact_id: Id, body: IdentifyIn, session: SessionDep, user: AgentUser
) -> dict:
    conversation = intake.conversation_of_contact(session, contact_id)
    if conversation is None:
        raise NotFound(f"contact {contact_id} is not a channel conversation")
    live = lives.live_contact(request.app.state.hub, session, contact_id, now=now())
    if why := live.refusal(user.role, user.username, user.team):
        raise Forbidden(why)
    customer = desk.identify_contact(session, contact_id, body.customer)
    linked = intake.link_identity(
        session, conversation.channel, conversation.sender, customer.id, now=now()
    )
    conversation.customer_id = customer.id
    session.commit()
    # The live session began without a customer: the next request restores it with theirs.
    live.stale = True
    request.app.state.hub.drop(contact_id)
    return {**linked, "contact_id": contact_id}


@router.get(
    "/api/channels/contacts/{contact_id}", summary="The channel conversation a contact serves"
)
def contact_conversation(contact_id: Id, session: SessionDep, user: AgentUser) -> dict:
    conversation = intake.conversation_of_contact(session, contact_id)
    if conversation is None:
        raise NotFound(f"contact {contact_id} is not a channel conversation")
    return {
        "conversation_id": conversation.id,
        "channel": conversation.channel,
        "skill": conversation.skill,
        "why": conversation.why,
        "window": replies.window(conversation, now()),
        "rating": conversation.rating,
    }


# -- the agent's own socket ---------------------------------------------------------------------


@router.websocket("/ws/agent")
async def agent_socket(websocket: WebSocket) -> None:
    """An agent's screen: a chat routed to them arrives here at once ({"type": "chat_assigned"})."""
    app = websocket.app
    with app.state.db() as session:
        user = socket_user(websocket, session, ("agent", "team_lead", "admin"))
    if user is None:
        await websocket.close(code=4403)
        return

    async def ignore(_: str) -> None:
        return None

    await serve_socket(
        websocket,
        websocket.cookies.get(COOKIE, ""),
        lambda listener: app.state.hub.listen_party(f"agent:{user.username}", listener),
        ignore,
    )


# -- self-service offers and uptake -------------------------------------------------------------


@router.get("/api/channels/selfservice/paths", summary="Reasons with a self-service path to offer")
def offer_paths(user: AgentUser) -> dict:
    return uptake.paths()


@router.post("/api/channels/selfservice/offers", summary="Record that you offered the path")
def record_offer(body: OfferIn, session: SessionDep, user: AgentUser) -> dict:
    why = lives.stored_refusal(
        session, body.contact_id, role=user.role, username=user.username, team=user.team
    )
    if why:
        raise Forbidden(why)
    answer = uptake.offer(
        session, body.contact_id, body.reason, agent=user.username, team=user.team, now=now()
    )
    session.commit()
    return answer


@router.get(
    "/api/channels/selfservice/report",
    summary="Self-service offers and uptake per agent and reason (your team; admin: all)",
)
def offer_report(
    session: SessionDep, user: LeadUser, days: Annotated[int, Query(ge=1, le=366)] = 30
) -> dict:
    until = now()
    team = None if user.role == "admin" else user.team
    return uptake.report(session, since=until - timedelta(days=days), until=until, team=team)
