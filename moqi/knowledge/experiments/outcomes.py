"""What a call says of one line, pure, from its assist events (as stored, oldest first):
whether the line was shown and read out, how the customer's feeling moved after it, and
whether the call escalated after it."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

AFTER_TURNS = 2  # customer turns after the line over which the feeling's change is measured
ESCALATED = 0.6  # an escalation risk this high after the line counts as escalated


@dataclass(frozen=True)
class Outcome:
    read_out: bool
    emotion_change: float | None  # None: the customer said nothing after the line
    escalated: bool


def outcome(events: Sequence[dict], script_id: str) -> Outcome | None:
    """The outcome of `script_id` in a call, or None when the line was never shown.

    The line's moment is the agent turn that read it out, else the event that first showed it.
    The change is the mean valence of the next AFTER_TURNS customer turns minus the valence of
    the customer's last turn before that moment (0, neutral, when the customer had not spoken).
    """
    said = next(
        (i for i, e in enumerate(events) if script_id in (e.get("scripts_used") or ())), None
    )
    shown = next(
        (i for i, e in enumerate(events) if any(s["id"] == script_id for s in e["scripts"])),
        None,
    )
    # A line read out was shown, if only in the opening (which is not stored as an event).
    at = said if said is not None else shown
    if at is None:
        return None
    before = [e["emotion"]["valence"] for e in events[: at + 1] if e["speaker"] == "customer"]
    after = events[at + 1 :]
    customer_after = [e["emotion"]["valence"] for e in after if e["speaker"] == "customer"]
    window = customer_after[:AFTER_TURNS]
    change = (
        round(sum(window) / len(window) - (before[-1] if before else 0.0), 4) if window else None
    )
    escalated = any(e["emotion"]["risk"] >= ESCALATED for e in after)
    return Outcome(said is not None, change, escalated)
