"""Live contacts in memory: one AssistSession per open call, and who is listening to it.

A session lives in the process that opened the contact, or that restored it from what was
stored (assist is a fold over the call: see live_services.restore_contact). The hub knows
nothing of HTTP: listeners are callables handed a message dict; the web layer turns them into
WebSocket sends. Messages go out only after what they report is committed.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass, field

from moqi.assist.session import AssistEvent, AssistSession

Listener = Callable[[dict], None]
RISK_ALERT = 0.6


@dataclass
class LiveContact:
    """One open call or chat."""

    contact_id: int
    agent: str
    team: str
    customer: dict
    channel: str
    session: AssistSession
    events: list[AssistEvent] = field(default_factory=list)
    alerted: bool = False
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
        """The alert when this event takes the contact over the risk threshold (once per crossing)."""
        risk = event.emotion["risk"]
        if risk < RISK_ALERT:
            if risk < RISK_ALERT - 0.2:
                self.alerted = False  # calmed down: a new crossing alerts again
            return None
        if self.alerted:
            return None
        self.alerted = True
        return {
            "type": "alert",
            "contact_id": self.contact_id,
            "agent": self.agent,
            "risk": risk,
            "turn": event.turn,
            "reasons": event.emotion["risk_reasons"],
            "advice": event.emotion["advice"],
            "text": event.text,
        }

    def summary(self) -> dict:
        """What the supervisor wall shows of this contact."""
        last = self.events[-1] if self.events else None
        return {
            "contact_id": self.contact_id,
            "agent": self.agent,
            "channel": self.channel,
            "customer": {
                k: self.customer.get(k) for k in ("id", "title", "phone_masked", "brand", "stage")
            },
            "turns": len(self.events),
            "emotion": last.emotion["category"] if last else "neutral",
            "emotion_label": last.emotion["label"] if last else "平静",
            "risk": last.emotion["risk"] if last else 0.0,
            "trend": last.emotion["trend"] if last else "stable",
            "reason": last.need["reasons"][0]["label"] if last else None,
            "last_text": last.text if last else "",
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
    """Open contacts of this process and the listeners of each contact and of each team wall."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self.contacts: dict[int, LiveContact] = {}
        self._contact_listeners: dict[int, set[Listener]] = {}
        self._wall_listeners: dict[str, set[Listener]] = {}

    def open(self, contact: LiveContact) -> None:
        with self._lock:
            self.contacts[contact.contact_id] = contact
        self._to_wall(contact.team, {"type": "contact_opened", "contact": contact.summary()})

    def get(self, contact_id: int) -> LiveContact | None:
        return self.contacts.get(contact_id)

    def drop(self, contact_id: int) -> None:
        """Forget a contact's session without closing the contact (it is restored when next asked for)."""
        with self._lock:
            self.contacts.pop(contact_id, None)

    def close(self, contact_id: int) -> None:
        with self._lock:
            contact = self.contacts.pop(contact_id, None)
        if contact:
            message = {"type": "contact_closed", "contact_id": contact_id}
            self._to_contact(contact_id, message)
            self._to_wall(contact.team, message)

    def team_contacts(self, team: str) -> list[dict]:
        """The team's live contacts, riskiest first."""
        rows = [c.summary() for c in list(self.contacts.values()) if c.team == team]
        return sorted(rows, key=lambda r: -r["risk"])

    def publish_event(self, contact: LiveContact, answer: dict) -> None:
        """Send a stored utterance's answer (`{event, alert, server_ms}`) to the contact's
        listeners, the contact's summary (and any alert) to the wall."""
        self._to_contact(
            contact.contact_id,
            {"type": "assist", "event": answer["event"], "server_ms": answer["server_ms"]},
        )
        self._to_wall(contact.team, {"type": "contact_updated", "contact": contact.summary()})
        alert = answer["alert"]
        if alert:
            self._to_wall(contact.team, alert)
            self._to_contact(contact.contact_id, alert)

    def whisper(self, contact: LiveContact, message: dict) -> None:
        contact.whispers.append(message)
        self._to_contact(contact.contact_id, {"type": "whisper", **message})

    def listen_contact(self, contact_id: int, listener: Listener) -> Callable[[], None]:
        with self._lock:
            self._contact_listeners.setdefault(contact_id, set()).add(listener)
        return lambda: self._contact_listeners.get(contact_id, set()).discard(listener)

    def listen_wall(self, team: str, listener: Listener) -> Callable[[], None]:
        with self._lock:
            self._wall_listeners.setdefault(team, set()).add(listener)
        return lambda: self._wall_listeners.get(team, set()).discard(listener)

    def _to_contact(self, contact_id: int, message: dict) -> None:
        for listener in list(self._contact_listeners.get(contact_id, ())):
            listener(message)

    def _to_wall(self, team: str, message: dict) -> None:
        for listener in list(self._wall_listeners.get(team, ())):
            listener(message)
