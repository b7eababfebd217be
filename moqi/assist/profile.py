"""What the engine knows about the caller before the first word: profile and recent events."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True, slots=True)
class CustomerEvent:
    """Something that happened on the account recently (an overage charge yesterday, …)."""

    type: str
    days_ago: float = 0.0
    detail: str = ""


@dataclass(frozen=True)
class CustomerProfile:
    """The caller as the assist engine sees it; every field is optional."""

    id: str | None = None
    title: str | None = None  # how to address them: 王先生
    phone_masked: str | None = None
    brand: str | None = None
    region: str | None = None
    plan: str | None = None
    stage: str | None = None
    vip: str | None = None
    events: tuple[CustomerEvent, ...] = field(default_factory=tuple)
    recent_contacts: int = 0

    @classmethod
    def from_dict(cls, data: dict | None) -> CustomerProfile:
        """Build a profile from a plain mapping (demo YAML, JSON header, API body)."""
        if not data:
            return _UNKNOWN  # most chats come with no profile; the profile is immutable
        data = dict(data)
        events = tuple(
            CustomerEvent(
                str(e.get("type", "")), float(e.get("days_ago", 0) or 0), str(e.get("detail", ""))
            )
            for e in data.get("events") or ()
            if isinstance(e, dict) and e.get("type")
        )
        known = {
            k: data.get(k)
            for k in ("id", "title", "phone_masked", "brand", "region", "plan", "stage", "vip")
        }
        return cls(
            **{k: (str(v) if v is not None else None) for k, v in known.items()},
            events=events,
            recent_contacts=int(data.get("recent_contacts") or 0),
        )

    def has_event(self, kind: str, within_days: float = 30) -> bool:
        """Whether an event of this kind happened within the last `within_days`."""
        return any(e.type == kind and e.days_ago <= within_days for e in self.events)


_UNKNOWN = CustomerProfile()
