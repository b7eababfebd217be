"""Assist with storage: the live engine for the current content, and whole calls run and recorded."""

from __future__ import annotations

import hashlib
import pickle
import threading
from datetime import datetime, timedelta

from sqlalchemy.orm import Session

from moqi.assist.confirm import Confirmation
from moqi.assist.engine import AssistEngine
from moqi.assist.model import shipped, trained
from moqi.assist.models import AssistEventRow, ConfirmationRow
from moqi.assist.profile import CustomerProfile
from moqi.assist.session import AssistEvent, AssistSession
from moqi.assist.transcript import Transcript
from moqi.knowledge import services as knowledge
from moqi.knowledge.experiments import services as experiments
from moqi.service import services as desk
from moqi.settings import get_settings

_engines: dict[tuple[str, int, float], AssistEngine] = {}
# Engines by what they were built from: databases holding the same content (several workers'
# instances, a restored copy, every test's fresh database) share one engine instead of each
# compiling its own (seconds and ~160 MB apiece). The newest few are kept.
_by_content: dict[tuple[str, str, float], AssistEngine] = {}
_KEEP_BUILT = 2
_KEEP_DATABASES = 4
_lock = threading.Lock()


def live_engine(session: Session) -> AssistEngine:
    """The engine for the newest content revision and trained model; rebuilt when either changes."""
    revision = knowledge.current_revision(session)
    model_path = get_settings().models_dir / "polarity.joblib"
    model_version = model_path.stat().st_mtime if model_path.exists() else 0.0
    key = (str(session.get_bind().engine.url), revision, model_version)
    with _lock:
        engine = _engines.get(key)
        if engine is None:
            content = knowledge.load_content(session)
            promises = desk.sla_promises(session)
            built_from = (
                hashlib.sha256(pickle.dumps((content, promises), protocol=5)).hexdigest(),
                str(model_path),
                model_version,
            )
            engine = _by_content.get(built_from)
            if engine is None:
                # The operator's own model, else the one moqi ships.
                model = (
                    trained.load(model_path.parent, "polarity")
                    if model_version
                    else shipped.polarity_model()
                )
                engine = AssistEngine(
                    content, version=str(revision), polarity_model=model, promises=promises
                )
                _ = engine.tokenizer  # build jieba now, not in the middle of someone's call
                _by_content[built_from] = engine
                for old in list(_by_content)[:-_KEEP_BUILT]:
                    del _by_content[old]
            # Keep only the newest engine per database: old revisions are never asked for again.
            for stale in [k for k in _engines if k[0] == key[0]]:
                del _engines[stale]
            _engines[key] = engine
            while len(_engines) > _KEEP_DATABASES:  # a process that opened many databases
                del _engines[next(iter(_engines))]
    return engine


def start_session(
    session: Session,
    customer_ref: str | None,
    *,
    now: datetime,
    inline_profile: dict | None = None,
    before: int | None = None,
) -> tuple[AssistSession, str | None]:
    """An AssistSession for a stored customer (by id or phone) or an inline profile; `before`
    (a contact id) makes the profile the one that contact began with."""
    engine = live_engine(session)
    if customer_ref:
        customer = desk.find_customer(session, customer_ref)
        profile = desk.profile_of(session, customer, now=now, before=before)
        return AssistSession(
            customer=CustomerProfile.from_dict(profile), engine=engine
        ), customer.id
    return AssistSession(customer=CustomerProfile.from_dict(inline_profile), engine=engine), None


def event_row(contact_id: int, event: AssistEvent) -> AssistEventRow:
    """What is stored of an assist event: the whole payload, and the figures reports filter on."""
    return AssistEventRow(
        contact_id=contact_id,
        turn=event.turn,
        emotion=event.emotion["category"],
        risk=event.emotion["risk"],
        moment=event.need["moment"],
        reason=event.need["reasons"][0]["code"],
        payload=event.as_dict(),
    )


def confirmation_rows(contact_id: int, confirmations: list[Confirmation]) -> list[ConfirmationRow]:
    """Three-way confirmations as recorded on their contact: a row for each operation read
    back (a report of three operations is three rows of one turn)."""
    return [
        ConfirmationRow(
            contact_id=contact_id,
            turn=c.turn,
            business_code=op["code"],
            business_name=op["name"],
            number=c.number,
            success=op["success"],
            status=c.status,
            answered_turn=c.answered_turn,
        )
        for c in confirmations
        for op in c.operations
    ]


def record_call(
    session: Session,
    transcript: Transcript,
    *,
    customer_ref: str | None,
    now: datetime,
    agent: str = "",
) -> tuple[int, list[AssistEvent]]:
    """Run a whole transcript through one session and store contact, utterances and events.

    Everything is analysed first and written in the caller's single transaction, so a
    failure leaves nothing behind.
    """
    header = transcript.header
    assist, customer_id = start_session(
        session, customer_ref, now=now, inline_profile=header.get("profile")
    )
    contact = desk.create_contact(
        session,
        customer_id=customer_id,
        channel=str(header.get("channel") or "voice"),
        title=str(header.get("title") or ""),
        agent=agent,
        started_at=now,
    )
    session.flush()  # the contact's id decides its arm of each running experiment
    assist.variants = experiments.variants_for(session, contact.id, assist.customer.brand or "")
    events = [assist.feed(speaker, text, ts) for speaker, text, ts in transcript.turns]
    desk.add_utterances(session, contact, [(e.turn, e.speaker, e.text, e.ts) for e in events])
    session.add_all(event_row(contact.id, e) for e in events)
    session.add_all(confirmation_rows(contact.id, assist.confirmations))
    contact.moment = events[-1].need["moment"]
    contact.reason = events[-1].need["reasons"][0]["code"]
    contact.peak_risk = max(e.emotion["risk"] for e in events)
    # A call analysed whole (a file, the analyze API) is over: it must not wait on the wall
    # as 进行中 forever.
    last_ts = max((e.ts for e in events if e.ts is not None), default=0.0)
    desk.close_contact(
        session,
        contact,
        result="",
        notes="整段通话录入分析（文件或接口），处理结果未记录",
        now=now + timedelta(seconds=last_ts),
    )
    experiments.record_exposures(
        session,
        contact.id,
        [e.as_dict() for e in events],
        brand=assist.customer.brand or "",
        reason=contact.reason or "",
        now=now + timedelta(seconds=last_ts),
    )
    session.flush()
    return contact.id, events
