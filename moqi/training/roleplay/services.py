"""Role-play with storage: start a practice call, say a line and hear the customer, end and
score it; who may see which sessions (an agent their own, a lead their team's, admins all).

A session's customer is rebuilt by replaying its stored agent lines (the simulation is a fold
over the call, like assist), so any worker serves any session; the latest few are kept in
memory so that a line costs one step, not a replay.
"""

from __future__ import annotations

import secrets
import threading
from collections import OrderedDict
from datetime import datetime
from functools import lru_cache

from sqlalchemy import select
from sqlalchemy.orm import Session

from moqi.accounts.models import User
from moqi.accounts.services import user_teams
from moqi.assist import AssistSession, CustomerProfile
from moqi.assist import services as assist
from moqi.assist.transcript import parse_transcript
from moqi.errors import Conflict, Forbidden, Invalid, NotFound
from moqi.service import services as desk
from moqi.training.roleplay import scenario_files as scenarios
from moqi.training.roleplay.builder import build_scenario, fictitious_phone
from moqi.training.roleplay.customer import MAX_TURNS, SimulatedCustomer, mood_of, replay
from moqi.training.roleplay.models import RoleplaySession
from moqi.training.roleplay.scenario import Scenario
from moqi.training.roleplay.scoring import score

MAX_MESSAGE = 500  # characters an agent types in one line
LIST_LIMIT = 200
_KEEP = 64
_live: OrderedDict[tuple[str, int], SimulatedCustomer] = OrderedDict()
_lock = threading.Lock()
_hearing = threading.Lock()


@lru_cache(maxsize=1)
def shipped_scenarios() -> dict[str, Scenario]:
    """The scenarios of moqi/data/training/roleplay, by key (read once)."""
    return scenarios.load_scenarios()


def scenario_list() -> list[dict]:
    """What an agent picks from: key, title, summary, the customer and how upset they start."""
    return [
        {
            "key": s.key,
            "title": s.title,
            "summary": s.summary,
            "customer": {k: s.customer.get(k) for k in ("title", "brand", "region", "plan")},
            "start_anger": s.start_anger,
            "start_mood": mood_of(s.start_anger, s.rules),
            "states": len(s.states),
        }
        for s in shipped_scenarios().values()
    ]


def _simulate(session: Session, played: Scenario, seed: int) -> SimulatedCustomer:
    profile = {k: v for k, v in played.customer.items() if k != "phone"}
    # The number is left out of the engine's profile: the agent must read it back.
    call = AssistSession(
        customer=CustomerProfile.from_dict(profile), engine=assist.live_engine(session)
    )
    return SimulatedCustomer(played, call, seed)


def _key(session: Session, row_id: int) -> tuple[str, int]:
    return (str(session.get_bind().engine.url), row_id)


def start(
    session: Session,
    *,
    agent: User,
    now: datetime,
    scenario_key: str | None = None,
    contact_id: int | None = None,
    seed: int | None = None,
) -> RoleplaySession:
    """A new practice call on a shipped scenario or one built from a stored contact; the
    customer speaks first."""
    if (scenario_key is None) == (contact_id is None):
        raise Invalid("give either a scenario or a contact to build one from")
    if scenario_key is not None:
        played = shipped_scenarios().get(scenario_key)
        if played is None:
            raise NotFound(f"no role-play scenario {scenario_key!r}")
    else:
        assert contact_id is not None
        played = scenario_from_contact(session, contact_id, user=agent, now=now)
    seed = secrets.randbelow(2**31 - 1) if seed is None else seed
    customer = _simulate(session, played, seed)
    customer.open()
    row = RoleplaySession(
        agent=agent.username,
        scenario_key=played.key,
        title=played.title,
        scenario=played.as_dict(),
        seed=seed,
        status="active",
        turns=[t.as_dict() for t in customer.turns],
        anger=customer.anger,
        started_at=now,
    )
    session.add(row)
    session.flush()
    _remember(session, row.id, customer)
    return row


def _remember(session: Session, row_id: int, customer: SimulatedCustomer) -> None:
    with _lock:
        key = _key(session, row_id)
        _live[key] = customer
        _live.move_to_end(key)
        while len(_live) > _KEEP:
            _live.popitem(last=False)


def _customer(session: Session, row: RoleplaySession) -> SimulatedCustomer:
    """The session's customer as it stands: the one in memory, else replayed."""
    with _lock:
        held = _live.get(_key(session, row.id))
    if held is not None and len(held.turns) == len(row.turns):
        return held
    agent_lines = [t["text"] for t in row.turns if t["speaker"] == "agent"]
    played = scenarios.from_dict(row.scenario)
    customer = replay(played, _simulate(session, played, row.seed).assist, row.seed, agent_lines)
    _remember(session, row.id, customer)
    return customer


def get(session: Session, row_id: int, *, for_update: bool = False) -> RoleplaySession:
    """A stored session (locked for the rest of the transaction with `for_update`); NotFound."""
    row = session.get(RoleplaySession, row_id, with_for_update=for_update)
    if row is None:
        raise NotFound(f"no role-play session {row_id}")
    return row


def access(session: Session, row_id: int, user: User) -> RoleplaySession:
    """A session this user may read: an agent their own, a lead their team's, an admin any."""
    row = get(session, row_id)
    if user.role == "admin" or row.agent == user.username:
        return row
    if user.role == "team_lead" and _team_of(session, row.agent) == user.team:
        return row
    raise Forbidden(f"role-play session {row_id} is another agent's")


def _team_of(session: Session, username: str) -> str | None:
    teams = user_teams()
    return session.scalar(select(teams.c.team).where(teams.c.username == username))


def say(session: Session, row_id: int, text: object, *, user: User, now: datetime) -> dict:
    """The agent's line and the customer's answer; the score card when the call ends."""
    row = get(session, row_id, for_update=True)
    if row.agent != user.username:
        raise Forbidden("only the agent practising may speak in a role-play")
    if not isinstance(text, str) or not text.strip():
        raise Invalid("say something: the line is empty")
    if len(text) > MAX_MESSAGE:
        raise Invalid(f"a line of {len(text)} characters is over the {MAX_MESSAGE}-character limit")
    if row.status != "active":
        raise Conflict(f"role-play session {row_id} is over ({row.status})")
    # One line at a time per process (a double-clicked send must not step the customer twice);
    # across workers the row lock above orders them.
    with _hearing:
        customer = _customer(session, row)
        try:
            customer.hear(text.strip())
        except Exception:
            _forget(session, row.id)  # the simulation may be half-stepped: rebuild it next time
            raise
        row.turns = [t.as_dict() for t in customer.turns]
    row.anger = customer.anger
    agent_turns = sum(1 for t in customer.turns if t.speaker == "agent")
    if customer.finished or agent_turns >= MAX_TURNS:
        _finish(row, customer.outcome or "ended", now)
    return view(row)


def _forget(session: Session, row_id: int) -> None:
    with _lock:
        _live.pop(_key(session, row_id), None)


def _finish(row: RoleplaySession, status: str, now: datetime) -> None:
    row.status = status
    row.finished_at = now
    played = scenarios.from_dict(row.scenario)
    card = score(played, row.turns, status)
    row.scores = card
    row.total = card["total"]


def end(session: Session, row_id: int, *, user: User, now: datetime) -> dict:
    """The agent ends the call (a call ended before the customer was served scores as such)."""
    row = get(session, row_id, for_update=True)
    if row.agent != user.username:
        raise Forbidden("only the agent practising may end a role-play")
    if row.status != "active":
        raise Conflict(f"role-play session {row_id} is over ({row.status})")
    _finish(row, "ended", now)
    _forget(session, row.id)
    return view(row)


def listing(session: Session, user: User, *, agent: str | None = None) -> list[dict]:
    """Sessions newest first: an agent's own; a lead's team's; an admin's all (or one agent's)."""
    query = select(RoleplaySession).order_by(RoleplaySession.id.desc()).limit(LIST_LIMIT)
    if user.role == "agent":
        query = query.where(RoleplaySession.agent == user.username)
    elif user.role == "team_lead":
        teams = user_teams()
        query = query.join(teams, teams.c.username == RoleplaySession.agent).where(
            teams.c.team == user.team
        )
    if agent:
        query = query.where(RoleplaySession.agent == agent)
    return [view(r, turns=False) for r in session.scalars(query)]


def view(row: RoleplaySession, *, turns: bool = True) -> dict:
    """The session as the API and pages show it."""
    last = row.turns[-1] if row.turns else {}
    out = {
        "id": row.id,
        "agent": row.agent,
        "scenario": row.scenario_key,
        "title": row.title,
        "status": row.status,
        "anger": row.anger,
        "mood": last.get("mood", "neutral"),
        "total": row.total,
        "started_at": row.started_at.isoformat(),
        "finished_at": row.finished_at.isoformat() if row.finished_at else None,
        "agent_turns": sum(1 for t in row.turns if t["speaker"] == "agent"),
    }
    if turns:
        out["customer"] = {k: row.scenario["customer"].get(k) for k in ("title", "brand", "plan")}
        out["turns"] = [
            {
                "speaker": t["speaker"],
                "text": t["text"],
                "anger": t["anger"],
                "mood": t["mood"],
                "reaction": t.get("reaction", ""),
                "hints": [h["label"] for h in (t.get("reading") or {}).get("hints", [])],
            }
            for t in row.turns
        ]
        out["mood_trace"] = [t["anger"] for t in row.turns if t["speaker"] == "customer"]
        out["scores"] = row.scores
    return out


# --- scenarios built from real calls ---------------------------------------------------------


def scenario_from_contact(
    session: Session, contact_id: int, *, user: User, now: datetime
) -> Scenario:
    """A linear scenario from a stored contact (an agent may use their own calls; leads and
    admins any)."""
    contact = desk.get_contact(session, contact_id)
    if user.role == "agent" and contact.agent != user.username:
        raise Forbidden(f"contact {contact_id} is another agent's call")
    turns = [(u.speaker, u.text) for u in contact.utterances]
    profile: dict = {}
    if contact.customer_id:
        profile = desk.profile_of(
            session, desk.find_customer(session, contact.customer_id), now=now
        )
    return build_scenario(
        turns,
        assist.live_engine(session),
        key=f"contact_{contact_id}",
        title=contact.title or f"通话 #{contact_id} 复练",
        customer=_customer_fields(profile),
        common=scenarios.read_common(),
        source=f"contact {contact_id}",
    )


def scenario_from_transcript(session: Session, raw: str, *, title: str, now: datetime) -> Scenario:
    """A linear scenario from a transcript (JSONL or 客户：…/坐席：… lines, as `moqi assist`
    reads it; its header's customer or inline profile is the customer), for a trainer to review
    and save as content."""
    transcript = parse_transcript(raw)
    profile = dict(transcript.header.get("profile") or {})
    ref = transcript.header.get("customer")
    if ref and not profile:
        profile = desk.profile_of(session, desk.find_customer(session, str(ref)), now=now)
    return build_scenario(
        [(speaker, text) for speaker, text, _ in transcript.turns],
        assist.live_engine(session),
        key="from_transcript",
        title=title or str(transcript.header.get("title") or "真实通话复练"),
        customer=_customer_fields(profile),
        common=scenarios.read_common(),
        source="transcript",
    )


def _customer_fields(profile: dict) -> dict:
    """A scenario's customer from an engine profile: every field a scenario needs, filled."""
    return {
        **{k: v for k, v in profile.items() if v not in (None, "") and k != "phone_masked"},
        "title": profile.get("title") or "客户",
        "brand": profile.get("brand") or "神州行",
        "region": profile.get("region") or "未知",
        "stage": profile.get("stage") or "maturity",
        "phone": fictitious_phone(profile.get("phone_masked")),
        "events": profile.get("events") or [],
    }
