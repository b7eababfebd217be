"""Live contacts in memory: one AssistSession per open call, and who is listening to it.

A session lives in the process that opened the contact, or that restored it from what was
stored (assist is a fold over the call: see restore.py). The hub knows
nothing of HTTP: listeners are callables handed a message dict; the web layer turns them into
WebSocket sends. Messages go out only after what they report is committed.
"""

from __future__ import annotations

import threading
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field

from moqi.assist.live.bus import Bus, Envelope, LocalBus
from moqi.assist.session import AssistEvent, AssistSession

Listener = Callable[[dict], None]
RISK_ALERT = 0.6
PEAK_STEP = 0.05


@dataclass
class LiveContact:
    """One open call or chat."""

    contact_id: int
    agent: str
    team: str
    customer: dict
    channel: str
    session: AssistSession
    # Only what the live path needs of the events so far: the whole call is in storage (GET
    # /api/contacts/{id} reads it there), so a long call costs no more memory than a short one.
    turns: int = 0
    last: AssistEvent | None = None
    peak_risk: float = 0.0
    alerted: set[str] = field(default_factory=set)  # escalation channels alerted on
    alert_peak: float = 0.0  # the risk of the last alert (0: none since the last calm)
    whispers: list[dict] = field(default_factory=list)
    # Utterances of one contact are analysed and queued for storage one at a time, in order,
    # whether they come over HTTP (a worker thread) or a WebSocket (the event loop).
    lock: threading.Lock = field(default_factory=threading.Lock, repr=False)
    # Set when an utterance analysed here could not be stored: this session is ahead of the
    # stored call, so the next request restores the contact from storage instead.
    stale: bool = False

    def refusal(self, role: str, username: str, team: str) -> str | None:
        """Why this user may not see or work this contact (None: they may)."""
        return refusal(role, username, team, agent=self.agent, agent_team=self.team)

    def alert_for(self, event: AssistEvent) -> dict | None:
        """The alert this event raises, if any: over the risk threshold, on the first crossing,
        on each escalation channel newly threatened (a 工信部 threat after a media one), and on
        each new peak (PEAK_STEP above the last alert). Once the risk falls well below the
        threshold, the next crossing alerts again."""
        emotion = event.emotion
        risk = emotion["risk"]
        if risk < RISK_ALERT:
            if risk < RISK_ALERT - 0.2:
                self.alert_peak = 0.0  # calmed down: a new crossing alerts again
            return None
        channels = [c for c in emotion["escalation_channels"] if c["code"] not in self.alerted]
        peak = risk >= self.alert_peak + PEAK_STEP if self.alert_peak else True
        if not channels and not peak:
            return None
        self.alerted.update(c["code"] for c in channels)
        self.alert_peak = max(self.alert_peak, risk)
        return {
            "type": "alert",
            "contact_id": self.contact_id,
            "agent": self.agent,
            "risk": risk,
            "turn": event.turn,
            "reasons": emotion["risk_reasons"],
            "new_channels": [c["label"] for c in channels],
            "advice": emotion["advice"],
            "text": event.text,
        }

    def record(self, event: AssistEvent) -> None:
        """Take in the event of the utterance just analysed."""
        self.turns += 1
        self.last = event
        self.peak_risk = max(self.peak_risk, event.emotion["risk"])

    def summary(self) -> dict:
        """What the supervisor wall shows of this contact."""
        last = self.last.as_dict() if self.last else None
        return wall_summary(
            self.contact_id, self.agent, self.channel, self.customer, self.turns, last
        )


def wall_summary(
    contact_id: int, agent: str, channel: str, customer: dict, turns: int, last: dict | None
) -> dict:
    """What the supervisor wall shows of a contact, from its last assist event (JSON shape)."""
    return {
        "contact_id": contact_id,
        "agent": agent,
        "channel": channel,
        "customer": {k: customer.get(k) for k in ("id", "title", "phone_masked", "brand", "stage")},
        "turns": turns,
        "emotion": last["emotion"]["category"] if last else "neutral",
        "emotion_label": last["emotion"]["label"] if last else "平静",
        "risk": last["emotion"]["risk"] if last else 0.0,
        "trend": last["emotion"]["trend"] if last else "stable",
        "reason": last["need"]["reasons"][0]["label"] if last else None,
        "last_text": last["text"] if last else "",
    }


def refusal(
    role: str, username: str, team: str, *, agent: str, agent_team: str | None
) -> str | None:
    """Why a user may not see a contact taken by `agent` of `agent_team` (None: they may): an
    agent sees their own contacts, a team lead their team's, an admin all."""
    if role == "admin":
        return None
    if role == "agent" and agent == username:
        return None
    if role == "team_lead" and agent_team == team:
        return None
    return (
        "this contact belongs to another team"
        if role == "team_lead"
        else "this contact belongs to another agent"
    )


class LiveHub:
    """The contacts this process holds a session for, the sockets listening here, and what every
    team's wall shows (kept from the bus, so a wall on any worker sees every worker's contacts).

    Everything a socket is sent goes through the bus, this worker's own messages included: with
    several workers, a listener on one hears about an utterance stored by another."""

    def __init__(self, bus: Bus | None = None) -> None:
        self._lock = threading.Lock()
        self.bus: Bus = bus or LocalBus()
        self.worker = uuid.uuid4().hex[:12]
        self.contacts: dict[int, LiveContact] = {}
        # contact id → (team, wall summary) of every open contact, held here or elsewhere
        self._wall: dict[int, tuple[str, dict]] = {}
        self._contact_listeners: dict[int, set[Listener]] = {}
        self._wall_listeners: dict[str, set[Listener]] = {}
        # One party's own messages (an agent's "a chat is yours", a web chat visitor's "an
        # agent has joined"), keyed "agent:<username>" or "<channel>:<sender>".
        self._party_listeners: dict[str, set[Listener]] = {}
        self.bus.attach(self.deliver, self.mark_all_stale)

    @property
    def shared(self) -> bool:
        """Whether other processes may serve the same contacts."""
        return self.bus.shared

    def open(self, contact: LiveContact) -> None:
        """Hold a newly opened contact and announce it to the team's walls."""
        self.hold(contact)
        self.bus.publish([self._envelope("wall", contact.team, _opened(contact))])

    def hold(self, contact: LiveContact) -> None:
        """Hold a contact's session here (restored from storage) without announcing it."""
        with self._lock:
            self.contacts[contact.contact_id] = contact
            self._wall[contact.contact_id] = (contact.team, contact.summary())

    def seed(self, team: str, summary: dict) -> None:
        """What the wall shows of an open contact this worker does not hold (read at start)."""
        with self._lock:
            self._wall.setdefault(summary["contact_id"], (team, summary))

    def get(self, contact_id: int) -> LiveContact | None:
        return self.contacts.get(contact_id)

    def drop(self, contact_id: int) -> None:
        """Forget a contact's session without closing the contact (it is restored when next asked for)."""
        with self._lock:
            self.contacts.pop(contact_id, None)

    def close(self, contact: LiveContact) -> None:
        self.drop(contact.contact_id)
        message = {"type": "contact_closed", "contact_id": contact.contact_id}
        self.bus.publish(
            [
                self._envelope("contact", contact.contact_id, message),
                self._envelope("wall", contact.team, message),
            ]
        )

    def team_contacts(self, team: str) -> list[dict]:
        """The team's live contacts, riskiest first."""
        rows = [summary for t, summary in list(self._wall.values()) if t == team]
        return sorted(rows, key=lambda r: -r["risk"])

    def event_envelopes(self, contact: LiveContact, answer: dict) -> list[Envelope]:
        """What a stored utterance's answer (`{event, alert, server_ms}`) sends: the event to the
        contact's listeners, the contact's summary (and any alert) to the wall."""
        message = {"type": "assist", "event": answer["event"], "server_ms": answer["server_ms"]}
        envelopes = [
            self._envelope("contact", contact.contact_id, message),
            self._envelope("wall", contact.team, _updated(contact)),
        ]
        alert = answer["alert"]
        if alert:
            envelopes.append(self._envelope("wall", contact.team, alert))
            envelopes.append(self._envelope("contact", contact.contact_id, alert))
        return envelopes

    def whisper(self, contact: LiveContact, message: dict) -> None:
        contact.whispers.append(message)
        self.bus.publish(
            [self._envelope("contact", contact.contact_id, {"type": "whisper", **message})]
        )

    def tell(self, party: str, message: dict) -> None:
        """Send a message to one party's sockets, on whichever worker they are."""
        self.bus.publish([self._envelope("party", party, message)])

    def typing(self, contact_id: int, who: str) -> None:
        """Tell a contact's listeners that the customer or the agent is typing."""
        message = {"type": "typing", "who": who}
        self.bus.publish([self._envelope("contact", contact_id, message)])

    def changed(self, contact: LiveContact) -> None:
        """Tell the other workers that this contact changed outside its utterances (a read-back
        answered): a session they hold of it is behind."""
        if self.shared:
            self.bus.publish([self._envelope("hub", contact.contact_id, None)])

    def mark_all_stale(self) -> None:
        """Every session held here may be behind (the bus missed messages)."""
        for contact in list(self.contacts.values()):
            contact.stale = True

    def deliver(self, envelope: Envelope) -> None:
        """Take one envelope from the bus: keep the wall and the held sessions current, and pass
        the message to the sockets listening here."""
        to, key, message = envelope["to"], envelope["key"], envelope["message"]
        foreign = envelope["origin"] != self.worker
        if to == "party":
            for listener in list(self._party_listeners.get(key, ())):
                listener(message)
            return
        if to == "wall":
            kind = message["type"]
            with self._lock:
                if kind in ("contact_opened", "contact_updated"):
                    self._wall[message["contact"]["contact_id"]] = (key, message["contact"])
                elif kind == "contact_closed":
                    self._wall.pop(message["contact_id"], None)
            for listener in list(self._wall_listeners.get(key, ())):
                listener(message)
            return
        held = self.contacts.get(key)
        if held is not None and foreign:
            if message is None or message["type"] == "assist":
                held.stale = True  # another worker moved the call on: restore when next asked
            elif message["type"] == "whisper":
                held.whispers.append({k: v for k, v in message.items() if k != "type"})
            elif message["type"] == "contact_closed":
                self.drop(key)
        if to == "contact" and message is not None:
            for listener in list(self._contact_listeners.get(key, ())):
                listener(message)

    def listen_contact(self, contact_id: int, listener: Listener) -> Callable[[], None]:
        with self._lock:
            self._contact_listeners.setdefault(contact_id, set()).add(listener)
        return lambda: self._contact_listeners.get(contact_id, set()).discard(listener)

    def listen_wall(self, team: str, listener: Listener) -> Callable[[], None]:
        with self._lock:
            self._wall_listeners.setdefault(team, set()).add(listener)
        return lambda: self._wall_listeners.get(team, set()).discard(listener)

    def listen_party(self, party: str, listener: Listener) -> Callable[[], None]:
        with self._lock:
            self._party_listeners.setdefault(party, set()).add(listener)
        return lambda: self._party_listeners.get(party, set()).discard(listener)

    def start(self) -> None:
        """Join the other workers (the server's start-up calls this)."""
        self.bus.start()

    def stop(self) -> None:
        self.bus.close()

    def _envelope(self, to: str, key: int | str, message: dict | None) -> Envelope:
        # to: "contact" (key: contact id), "wall" (team), "party" (see tell), "hub" (contact id)
        return {"to": to, "key": key, "origin": self.worker, "message": message}


def _opened(contact: LiveContact) -> dict:
    return {"type": "contact_opened", "contact": contact.summary()}


def _updated(contact: LiveContact) -> dict:
    return {"type": "contact_updated", "contact": contact.summary()}
