"""Self-service content: the SMS commands and the self-service paths as the two files under
moqi/data/channels/ hold them, read and checked (codes, reasons, templates that fit an SMS).
selfservice.py matches messages against them and answers."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

from moqi.content.reading import DATA_DIR, ContentError, read_yaml
from moqi.errors import Invalid
from moqi.nlp.normalize import normalize

COMMANDS_FILE = DATA_DIR / "channels" / "sms_commands.yaml"
PATHS_FILE = DATA_DIR / "channels" / "self_service.yaml"
TAXONOMY_FILE = DATA_DIR / "taxonomy.yaml"

# Three concatenated SMS parts (67 characters each) hold 201; a reply stays within them.
MAX_ANSWER_CHARS = 200
MAX_OFFER_CHARS = 60
# What a template may say about the customer; all but {title} only inside an optional [ ].
PLACEHOLDERS = ("title", "plan", "brand", "vip", "code")
NEUTRAL_TITLE = "尊敬的客户"
# A title longer than this is not a form of address (a full name with a company, junk).
MAX_TITLE_CHARS = 10
# The widest value each placeholder is checked with when a template's length is checked.
_WIDEST = {"title": MAX_TITLE_CHARS, "plan": 30, "brand": 4, "vip": 3, "code": 20}
_WIDEST_VALUES = {name: "字" * width for name, width in _WIDEST.items()}
# A VIP level worth saying: 普通 (no card) is no distinction.
_PLAIN_VIP = {"普通", "无"}
_MAX_BUSINESS_CODE = 20
_PATH_CHANNELS = ("sms", "app", "wechat", "ivr")
_EVENT_KEY = re.compile(r"[A-Za-z0-9_.\-]{1,128}")  # a WeChat menu key is ≤128 bytes
_SIGNATURE = re.compile(r"【[^【】]{1,16}】")

_TOKEN = re.compile(r"\[([^\[\]]*)\]|\{([^{}]*)\}")
_FIELD = re.compile(r"\{([^{}]*)\}")
_EDGES = re.compile(r"^[\W_]+|[\W_]+$")
_SPACE = re.compile(r"\s+")


class SelfServiceError(Invalid):
    """A self-service content file is malformed; the message names the file and the entry."""


@dataclass(frozen=True, slots=True)
class Command:
    """One SMS command and its reply. `arg` is the business code a `takes_code` command
    (TD) was sent with; `match_command` fills it."""

    code: str
    reason: str
    answer: str  # the template, without the signature
    aliases: tuple[str, ...] = ()
    signature: str = ""
    takes_code: bool = False
    arg: str = ""


@dataclass(frozen=True, slots=True)
class SelfServicePath:
    """Where a call reason can be served without an agent, and how an agent offers it."""

    reason: str
    offer: str
    sms: str | None = None  # a command code, sent to 10086
    app: str | None = None
    wechat: str | None = None  # the menu as the customer sees it
    wechat_key: str | None = None
    ivr: str | None = None
    uptake_sms: tuple[str, ...] = ()
    uptake_wechat: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class SelfService:
    """The shipped (or an operator's) paths, with the commands uptake is matched against."""

    paths: tuple[SelfServicePath, ...]
    commands: tuple[Command, ...]

    def path(self, reason: str) -> SelfServicePath | None:
        return next((p for p in self.paths if p.reason == reason), None)


# -- reading ------------------------------------------------------------------------------------


def _fail(where: str, message: str) -> SelfServiceError:
    return SelfServiceError(f"{where}: {message}", code="bad_content")


def _read(path: Path) -> Any:
    try:
        return read_yaml(path)
    except ContentError as e:
        raise SelfServiceError(str(e), code="bad_content") from e


def reason_moments(path: Path = TAXONOMY_FILE) -> dict[str, str]:
    """{reason code: moment} from the taxonomy: what every `reason` here must be one of."""
    doc = _read(path)
    reasons = doc.get("reasons") if isinstance(doc, dict) else None
    if not isinstance(reasons, list):
        raise _fail(str(path), "expected reasons: [...]")
    return {
        str(r["code"]): str(r.get("moment", ""))
        for r in reasons
        if isinstance(r, dict) and r.get("code")
    }


def command_key(text: str) -> str:
    """What a message is compared by: normalised (half-width, simplified), without spaces or
    the punctuation around it, upper case. "  ｃｘｈｆ。" → "CXHF", "查話費!" → "查话费"."""
    return _EDGES.sub("", _SPACE.sub("", normalize(text))).upper()


def _strings(value: Any) -> bool:
    return isinstance(value, list) and all(isinstance(x, str) and x.strip() for x in value)


def _check_template(template: str, *, takes_code: bool, where: str) -> None:
    """Placeholders known, {title} the only one outside [ ], no stray brackets or braces."""
    for field in _FIELD.findall(template):
        if field not in PLACEHOLDERS:
            raise _fail(
                where, f"unknown placeholder {{{field}}} (known: {', '.join(PLACEHOLDERS)})"
            )
    if "{code}" in template and not takes_code:
        raise _fail(where, "{code} is only for a command with takes_code: true")
    if takes_code and "{code}" not in template:
        raise _fail(where, "a takes_code command's answer must say the {code} it was sent")
    outside = _TOKEN.sub(lambda m: m.group(0) if m.group(2) is not None else "", template)
    if any(c in _FIELD.sub("", outside) for c in "[]{}"):
        raise _fail(where, "unbalanced or nested [ ] or { }")
    for field in _FIELD.findall(outside):
        if field != "title":
            raise _fail(where, f"{{{field}}} may be unknown: put its sentence inside [ ]")
    for m in _TOKEN.finditer(template):
        inner = m.group(1)
        if inner is None:
            continue
        if not _FIELD.search(inner):
            raise _fail(where, f"[{inner}] has no placeholder: drop the brackets")
        if any(c in _FIELD.sub("", inner) for c in "{}"):
            raise _fail(where, f"[{inner}] has an unbalanced {{ or }}")


def load_commands(
    path: Path = COMMANDS_FILE, reasons: Mapping[str, str] | None = None
) -> tuple[Command, ...]:
    """The commands of a sms_commands.yaml, checked: reasons known, codes and aliases each
    meaning one command, templates valid and short enough for three SMS parts."""
    reasons = reason_moments() if reasons is None else reasons
    doc = _read(path)
    if not isinstance(doc, dict) or not isinstance(doc.get("commands"), list):
        raise _fail(str(path), "expected signature: and commands: [...]")
    signature = doc.get("signature")
    if not isinstance(signature, str) or not _SIGNATURE.fullmatch(signature):
        raise _fail(str(path), f"signature {signature!r} must be 【…】 (1–16 characters inside)")
    commands: list[Command] = []
    seen: dict[str, str] = {}  # command key → the entry that claimed it
    for i, entry in enumerate(doc["commands"], 1):
        code = entry.get("code") if isinstance(entry, dict) else None
        where = f"{path} command {i} ({code})"
        if not isinstance(entry, dict):
            raise _fail(where, "expected a mapping")
        unknown = set(entry) - {"code", "aliases", "reason", "answer", "takes_code"}
        if unknown:
            raise _fail(where, f"unknown field(s) {', '.join(sorted(unknown))}")
        if not isinstance(code, str) or not code.strip():
            raise _fail(where, 'code is missing (quote a number: "0000")')
        if command_key(code) != code.strip().upper():
            raise _fail(where, f"code {code!r} must be written as sent: no spaces or punctuation")
        takes_code = entry.get("takes_code", False)
        if not isinstance(takes_code, bool):
            raise _fail(where, "takes_code must be true or false")
        aliases = entry.get("aliases") or []
        if not _strings(aliases):
            raise _fail(where, "aliases must be a list of non-empty strings")
        if takes_code and (aliases or not code.isascii() or not code.isalpha()):
            raise _fail(where, "a takes_code command is ASCII letters and has no aliases")
        reason = entry.get("reason")
        if reason not in reasons:
            raise _fail(where, f"unknown reason {reason!r} (see taxonomy.yaml)")
        answer = entry.get("answer")
        if not isinstance(answer, str) or not answer.strip():
            raise _fail(where, "answer is missing")
        _check_template(answer, takes_code=takes_code, where=where)
        longest = len(signature) + len(_render(answer, _WIDEST_VALUES, keep=True))
        if longest > MAX_ANSWER_CHARS:
            raise _fail(
                where,
                f"the answer can reach {longest} characters with its signature "
                f"(at most {MAX_ANSWER_CHARS}): shorten it",
            )
        for word in (code, *aliases):
            key = command_key(word)
            if not key:
                raise _fail(where, f"{word!r} is only punctuation")
            if key in seen:
                raise _fail(where, f"{word!r} is already {seen[key]}")
            seen[key] = f"command {i} ({code})"
        commands.append(
            Command(
                code=code.strip().upper(),
                reason=str(reason),
                answer=answer.strip(),
                aliases=tuple(a.strip() for a in aliases),
                signature=signature,
                takes_code=takes_code,
            )
        )
    if not commands:
        raise _fail(str(path), "no commands")
    for command in commands:
        if command.takes_code:
            clash = [k for k in seen if _prefixed(command.code, k) is not None]
            if clash:
                raise _fail(
                    str(path), f"{clash[0]!r} reads as {command.code}+code as well as itself"
                )
    return tuple(commands)


def load_paths(
    path: Path = PATHS_FILE,
    commands: tuple[Command, ...] | None = None,
    reasons: Mapping[str, str] | None = None,
) -> SelfService:
    """The self-service paths of a self_service.yaml, checked against the taxonomy (no
    complaint reasons) and the commands (each SMS code one of them); uptake counted once."""
    reasons = reason_moments() if reasons is None else reasons
    commands = load_commands(reasons=reasons) if commands is None else commands
    codes = {c.code: c for c in commands}
    doc = _read(path)
    if not isinstance(doc, dict) or not isinstance(doc.get("paths"), list):
        raise _fail(str(path), "expected paths: [...]")
    out: list[SelfServicePath] = []
    taken: dict[str, str] = {}  # "sms:CXHF" / "wechat:balance" → the reason it counts for
    for i, entry in enumerate(doc["paths"], 1):
        reason = entry.get("reason") if isinstance(entry, dict) else None
        where = f"{path} path {i} ({reason})"
        if not isinstance(entry, dict):
            raise _fail(where, "expected a mapping")
        unknown = set(entry) - {"reason", "offer", "uptake", *_PATH_CHANNELS}
        if unknown:
            raise _fail(where, f"unknown field(s) {', '.join(sorted(unknown))}")
        if not isinstance(reason, str) or reason not in reasons:
            raise _fail(where, f"unknown reason {reason!r} (see taxonomy.yaml)")
        if reasons[reason] == "complaint":
            raise _fail(where, "a complaint is never steered to self-service")
        if any(p.reason == reason for p in out):
            raise _fail(where, "the reason is listed twice")
        if not any(entry.get(c) for c in _PATH_CHANNELS):
            raise _fail(where, f"no path: give one of {', '.join(_PATH_CHANNELS)}")
        offer = entry.get("offer")
        if not isinstance(offer, str) or not offer.strip():
            raise _fail(where, "offer (the agent's line) is missing")
        if len(offer.strip()) > MAX_OFFER_CHARS or _FIELD.search(offer):
            raise _fail(where, f"offer must be plain words, at most {MAX_OFFER_CHARS} characters")
        sms = entry.get("sms")
        if sms is not None and (not isinstance(sms, str) or sms.strip().upper() not in codes):
            raise _fail(where, f"sms {sms!r} is not a command in the commands file")
        for field in ("app", "ivr"):
            if entry.get(field) is not None and not isinstance(entry.get(field), str):
                raise _fail(where, f"{field} must be a string")
        wechat, key = entry.get("wechat"), None
        if wechat is not None:
            if not isinstance(wechat, dict) or not isinstance(wechat.get("menu"), str):
                raise _fail(where, "wechat must be {menu: …, key: …}")
            key = wechat.get("key")
            if not isinstance(key, str) or not _EVENT_KEY.fullmatch(key):
                raise _fail(where, f"wechat key {key!r} must be 1–128 of A-Z a-z 0-9 _ . -")
        uptake = entry.get("uptake") or {}
        if not isinstance(uptake, dict) or set(uptake) - {"sms", "wechat"}:
            raise _fail(where, "uptake must be {sms: [codes], wechat: [menu keys]}")
        up_sms, up_wechat = uptake.get("sms") or [], uptake.get("wechat") or []
        if not _strings(up_sms) or not _strings(up_wechat):
            raise _fail(where, "uptake lists must hold non-empty strings")
        for code in up_sms:
            command = codes.get(code.strip().upper())
            if command is None:
                raise _fail(where, f"uptake sms {code!r} is not a command in the commands file")
            if command.reason != reason:
                raise _fail(where, f"uptake sms {code!r} answers {command.reason}, not {reason}")
        if key is not None and key not in up_wechat:
            raise _fail(where, f"the menu key {key!r} is not counted in uptake wechat")
        for name, values in (("sms", [c.strip().upper() for c in up_sms]), ("wechat", up_wechat)):
            for value in values:
                if f"{name}:{value}" in taken:
                    raise _fail(
                        where,
                        f"uptake {name} {value!r} already counts for {taken[f'{name}:{value}']}",
                    )
                taken[f"{name}:{value}"] = reason
        out.append(
            SelfServicePath(
                reason=reason,
                offer=offer.strip(),
                sms=sms.strip().upper() if sms else None,
                app=entry.get("app") or None,
                wechat=wechat["menu"] if wechat else None,
                wechat_key=key,
                ivr=entry.get("ivr") or None,
                uptake_sms=tuple(c.strip().upper() for c in up_sms),
                uptake_wechat=tuple(up_wechat),
            )
        )
    return SelfService(paths=tuple(out), commands=commands)


@lru_cache(maxsize=1)
def shipped() -> SelfService:
    """The shipped commands and paths, read and checked once."""
    return load_paths()


# -- template and code mechanics the checks share with the answers ------------------------


def _prefixed(code: str, key: str) -> str | None:
    """The business code in `key` when it is `code` followed by one ("TD+ABC", "TD ABC")."""
    if not key.startswith(code):
        return None
    rest = key[len(code) :].lstrip("+#:-_")
    if rest and len(rest) <= _MAX_BUSINESS_CODE and rest.isascii() and rest.isalnum():
        return rest
    return None


def _render(template: str, values: dict[str, str], keep: bool) -> str:
    """One pass over the template, so a value is never read as a placeholder itself; an
    optional [ ] is kept when `keep` and every value it names is known."""

    def fill(m: re.Match[str]) -> str:
        if m.group(2) is not None:
            return values.get(m.group(2), "")
        inner = m.group(1)
        if keep and all(values.get(f) for f in _FIELD.findall(inner)):
            return _FIELD.sub(lambda f: values.get(f.group(1), ""), inner)
        return ""

    return _TOKEN.sub(fill, template)
