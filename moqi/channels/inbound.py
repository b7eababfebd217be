"""One inbound message, whatever channel it came by: what each adapter turns its protocol into.

An adapter (wechat.py, sms.py, the web chat socket) parses and checks its own protocol and
hands the intake an `Inbound`; the intake (services.py) stores it once, routes its
conversation and feeds it to the agent. A new channel is one new adapter module.
"""

from __future__ import annotations

from dataclasses import dataclass

# The channels whose conversations are routed to agents as chats, as stored in contacts.channel
# and channel_messages.channel ("web": the web chat widget).
CHAT_CHANNELS = {"wechat": "微信", "web": "网页在线", "sms": "短信"}


@dataclass(frozen=True, slots=True)
class Inbound:
    """A customer's message as the intake takes it."""

    channel: str
    sender: str  # the channel's id of the customer: openid, visitor id, phone key
    key: str  # names the message across the channel's retries (unique per channel)
    kind: str  # text, image, voice, event, …
    text: str  # the words as sent (normalised and masked by the intake), "" for media
    event: str | None = None  # for kind "event": subscribe, CLICK, …
    event_key: str | None = None  # a menu click's key (self-service uptake is counted by it)
