"""Self-service: the 10086-style SMS commands moqi answers, and the paths an agent offers.

Two content files (moqi/data/channels/): `sms_commands.yaml`, the commands a customer texts
(CXHF, 0000, TD+业务代码 …) with the reply each gets, and `self_service.yaml`, for each call
reason with a self-service path: where it is (SMS command, App page, WeChat menu, 10086 voice
menu), the line an agent says to offer it, and which inbound messages count as the customer
taking it up — the recommendation the hotline counts in agents' reviews.

A command is the whole message, not a word in it: "CXHF", "ｃｘｈｆ ", "查話費。" are commands;
"我想查一下话费" is a question for an agent. Replies never hold a figure moqi does not have
(balance, data left): only the customer's title, plan, brand and VIP level fill a template,
and where those are unknown the sentence that needs them is left out, so a reply to a
stranger reads as naturally as one to 王先生.

Pure: reading and checking the two files is selfservice_content's; this module matches and answers.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import replace
from functools import lru_cache
from typing import Any

# The content (commands, paths) is read and checked in selfservice_content; matching and
# answering are here, and this module stays the one the rest of moqi imports.
from moqi.channels.selfservice_content import (
    _PLAIN_VIP,
    MAX_ANSWER_CHARS,
    MAX_TITLE_CHARS,
    NEUTRAL_TITLE,
    Command,
    SelfService,
    _prefixed,
    _render,
    command_key,
)
from moqi.channels.selfservice_content import COMMANDS_FILE as COMMANDS_FILE
from moqi.channels.selfservice_content import PATHS_FILE as PATHS_FILE
from moqi.channels.selfservice_content import SelfServiceError as SelfServiceError
from moqi.channels.selfservice_content import load_commands as load_commands
from moqi.channels.selfservice_content import load_paths as load_paths
from moqi.channels.selfservice_content import reason_moments as reason_moments
from moqi.channels.selfservice_content import shipped as shipped

# -- matching -----------------------------------------------------------------------------------


@lru_cache(maxsize=8)
def _index(commands: tuple[Command, ...]) -> dict[str, Command]:
    return {command_key(w): c for c in commands for w in (c.code, *c.aliases)}


def match_command(text: str, commands: Iterable[Command]) -> Command | None:
    """The command a whole message is, or None when it is something a person wrote.

    Exact code or alias after `command_key` (so case, full width, traditional characters and
    the spaces and punctuation around it do not matter), or a takes_code command followed by
    a business code: the returned command then carries it as `arg`. A bare "TD" is not one:
    it is how customers refuse marketing SMS."""
    commands = tuple(commands)
    key = command_key(text)
    if not key:
        return None
    found = _index(commands).get(key)
    if found is not None:
        return None if found.takes_code else found
    for command in commands:
        if command.takes_code and (arg := _prefixed(command.code, key)) is not None:
            return replace(command, arg=arg)
    return None


# -- replies ------------------------------------------------------------------------------------


def _is_title(text: str) -> bool:
    return 0 < len(text) <= MAX_TITLE_CHARS and not any(c in text for c in "{}[]")


def _values(command: Command, customer: Mapping[str, Any] | None) -> dict[str, str]:
    def text(name: str) -> str:
        value = (customer or {}).get(name)
        return value.strip() if isinstance(value, str) else ""

    title = text("title")
    vip = text("vip")
    return {
        "title": title if _is_title(title) else NEUTRAL_TITLE,
        "plan": text("plan"),
        "brand": text("brand"),
        "vip": "" if vip in _PLAIN_VIP else vip,
        "code": command.arg if command.takes_code else "",
    }


def answer(command: Command, customer: Mapping[str, Any] | None = None) -> str:
    """The signed reply to `command` for a customer (a customers.yaml-shaped dict: title,
    plan, brand, vip) or for one moqi does not know (None): what is unknown is left out."""
    values = _values(command, customer)
    text = command.signature + _render(command.answer, values, keep=True)
    if len(text) > MAX_ANSWER_CHARS:  # an unusually long plan name: the optional parts go
        text = command.signature + _render(command.answer, values, keep=False)
    return text


# -- offering and uptake ------------------------------------------------------------------------


def offer_for(reason: str, paths: SelfService) -> dict[str, Any] | None:
    """The agent's line for a reason that has a self-service path, with the path itself;
    None for a reason without one (complaints, among others)."""
    found = paths.path(reason)
    if found is None:
        return None
    where = {
        "sms": f"发送{found.sms}到10086" if found.sms else None,
        "app": found.app,
        "wechat": f"公众号菜单“{found.wechat}”" if found.wechat else None,
        "ivr": found.ivr,
    }
    return {
        "reason": reason,
        "line": found.offer,
        "paths": {k: v for k, v in where.items() if v},
    }


def uptake_of(inbound_kind: str, text_or_event_key: str, paths: SelfService) -> str | None:
    """The reason whose self-service path this inbound use is: a text that is a counted
    command (its aliases and TD+code included), or a menu event with a counted key."""
    if inbound_kind == "text":
        command = match_command(text_or_event_key, paths.commands)
        if command is None:
            return None
        return next((p.reason for p in paths.paths if command.code in p.uptake_sms), None)
    if inbound_kind == "event":
        key = text_or_event_key.strip()
        return next((p.reason for p in paths.paths if key in p.uptake_wechat), None)
    return None
