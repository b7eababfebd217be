"""Who said an utterance: the labels transcripts, ACD exports and channels use for the customer
and the agent, read as one of the two."""

from __future__ import annotations

from functools import lru_cache

from moqi.errors import Invalid
from moqi.nlp.normalize import normalize

SPEAKERS = {
    "customer": "customer",
    "客户": "customer",
    "用户": "customer",
    "顾客": "customer",
    "user": "customer",
    "client": "customer",
    "caller": "customer",
    "agent": "agent",
    "坐席": "agent",
    "客服": "agent",
    "helpdesk": "agent",
    "staff": "agent",
    "operator": "agent",
    "话务员": "agent",
}


@lru_cache(maxsize=256)
def _speaker_form(key: str) -> str | None:
    """The speaker a label in another written form stands for (remembered: labels are few)."""
    return SPEAKERS.get(normalize(key).lower())


def canonical_speaker(speaker: str) -> str:
    """customer or agent for any accepted synonym, in traditional or full-width characters too
    (客戶, 顧客, ＡＧＥＮＴ); Invalid otherwise."""
    key = str(speaker).strip()
    found = SPEAKERS.get(key) or _speaker_form(key)
    if found is None:
        raise Invalid(
            f"unknown speaker {speaker!r} (expected customer/客户 or agent/坐席/helpdesk)"
        )
    return found
