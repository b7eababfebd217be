"""The portal's content: the sign-in SMS, the home page's categories and the wording of each
one-click-check finding (moqi/data/channels/portal.yaml), and the known faults an operator
keeps per area (moqi/data/channels/area_faults.yaml); read and checked like self_service.yaml,
so a broken file is refused with its name and the entry at fault."""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass
from datetime import datetime
from functools import lru_cache
from pathlib import Path
from typing import Any

from moqi.content.reading import DATA_DIR, ContentError, read_yaml
from moqi.errors import Invalid

log = logging.getLogger("moqi.portal")

PORTAL_FILE = DATA_DIR / "channels" / "portal.yaml"
FAULTS_FILE = DATA_DIR / "channels" / "area_faults.yaml"

SEVERITIES = ("high", "medium", "low")
SERVICES = {"mobile": "手机网络", "broadband": "宽带", "iptv": "电视", "all": "手机网络和宽带"}
# The findings checkup.py makes; the content file words each one.
FINDING_CODES = (
    "ticket_open",
    "ticket_waiting",
    "ticket_resolved",
    "overage_charge",
    "sp_subscribed",
    "data_pack_exhausted",
    "payment_overdue",
    "suspended_arrears",
    "roaming_not_enabled",
    "area_fault",
)
_PLACEHOLDERS = {"detail", "destination", "date", "service", "until"}
_CODE = re.compile(r"[a-z][a-z0-9_]{0,31}")
_ID = re.compile(r"[A-Za-z0-9_-]{1,64}")
_FIELD = re.compile(r"\{([^{}]*)\}")
MAX_SMS = 70  # one SMS part


class PortalContentError(Invalid):
    """A portal content file is malformed; the message names the file and the entry."""


@dataclass(frozen=True, slots=True)
class Category:
    code: str
    name: str
    icon: str
    reasons: tuple[str, ...]
    businesses: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class Wording:
    """How one kind of finding is told to the customer."""

    code: str
    severity: str
    title: str
    fix: str
    article: str
    chat: bool


@dataclass(frozen=True, slots=True)
class PortalContent:
    sms: str
    categories: tuple[Category, ...]
    findings: dict[str, Wording]

    def category(self, code: str) -> Category | None:
        return next((c for c in self.categories if c.code == code), None)


@dataclass(frozen=True, slots=True)
class AreaFault:
    """A known fault an operator announced for a region (and city)."""

    id: str
    region: str
    city: str
    service: str
    since: datetime
    until: datetime | None
    text: str


def _fail(where: str, message: str) -> PortalContentError:
    return PortalContentError(f"{where}: {message}", code="bad_content")


def _read(path: Path) -> Any:
    try:
        return read_yaml(path)
    except ContentError as e:
        raise PortalContentError(str(e), code="bad_content") from e


def _text(entry: dict, key: str, where: str, *, limit: int, empty: bool = False) -> str:
    value = entry.get(key)
    if value is None and empty:
        return ""
    if not isinstance(value, str) or (not value.strip() and not empty):
        raise _fail(where, f"{key} must be a non-empty string")
    if len(value) > limit:
        raise _fail(where, f"{key} is {len(value)} characters; at most {limit}")
    return value.strip()


def _codes(entry: dict, key: str, where: str) -> tuple[str, ...]:
    value = entry.get(key) or []
    if not isinstance(value, list) or not all(
        isinstance(v, str) and _CODE.fullmatch(v) for v in value
    ):
        raise _fail(where, f"{key} must be a list of snake_case codes")
    return tuple(value)


def load_portal(path: Path = PORTAL_FILE, *, reasons: set[str] | None = None) -> PortalContent:
    """The portal content, checked; PortalContentError naming the file and entry otherwise.
    `reasons`: the call reason codes a category may name (none checked when None)."""
    doc = _read(path)
    if not isinstance(doc, dict):
        raise _fail(str(path), "expected a mapping with sms, categories and findings")
    sms = _text(doc, "sms", f"{path}: sms", limit=MAX_SMS)
    if set(_FIELD.findall(sms)) != {"code", "minutes"}:
        raise _fail(f"{path}: sms", "must say {code} and {minutes}, and nothing else in { }")
    if re.search(r"验证码\s*(?:是|为|:|：)?\s*\{code\}", sms):
        raise _fail(f"{path}: sms", "put {code} before 验证码 (the masking hides a code after it)")
    categories: list[Category] = []
    raw = doc.get("categories")
    if not isinstance(raw, list) or not raw:
        raise _fail(str(path), "categories must be a non-empty list")
    for n, entry in enumerate(raw, 1):
        where = f"{path}: category {n}"
        if not isinstance(entry, dict):
            raise _fail(where, "expected a mapping")
        code = _text(entry, "code", where, limit=32)
        if not _CODE.fullmatch(code) or any(c.code == code for c in categories):
            raise _fail(where, f"code {code!r} must be a unique snake_case code")
        names = _codes(entry, "reasons", where)
        if reasons is not None and (unknown := [r for r in names if r not in reasons]):
            raise _fail(where, f"unknown reason(s) {', '.join(unknown)} (taxonomy.yaml)")
        businesses = _codes(entry, "businesses", where)
        if not names and not businesses:
            raise _fail(where, "name at least one reason or business")
        categories.append(
            Category(
                code=code,
                name=_text(entry, "name", where, limit=8),
                icon=_text(entry, "icon", where, limit=2),
                reasons=names,
                businesses=businesses,
            )
        )
    findings: dict[str, Wording] = {}
    raw = doc.get("findings")
    if not isinstance(raw, list):
        raise _fail(str(path), "findings must be a list")
    for n, entry in enumerate(raw, 1):
        where = f"{path}: finding {n}"
        if not isinstance(entry, dict):
            raise _fail(where, "expected a mapping")
        code = _text(entry, "code", where, limit=32)
        if code not in FINDING_CODES or code in findings:
            raise _fail(where, f"code {code!r}: one of {', '.join(FINDING_CODES)}, once each")
        severity = entry.get("severity")
        if severity not in SEVERITIES:
            raise _fail(where, f"severity must be one of {', '.join(SEVERITIES)}")
        fix = _text(entry, "fix", where, limit=300)
        if strange := sorted(set(_FIELD.findall(fix)) - _PLACEHOLDERS):
            raise _fail(where, f"unknown placeholder(s) {', '.join(strange)}")
        article = _text(entry, "article", where, limit=64, empty=True)
        if article and not _ID.fullmatch(article):
            raise _fail(where, f"article {article!r} is not an article id")
        if not isinstance(entry.get("chat", False), bool):
            raise _fail(where, "chat must be true or false")
        findings[code] = Wording(
            code=code,
            severity=severity,
            title=_text(entry, "title", where, limit=40),
            fix=fix,
            article=article,
            chat=bool(entry.get("chat", False)),
        )
    if missing := [c for c in FINDING_CODES if c not in findings]:
        raise _fail(str(path), f"findings lacks {', '.join(missing)}")
    return PortalContent(sms=sms, categories=tuple(categories), findings=findings)


def _when(value: Any, key: str, where: str, *, empty: bool = False) -> datetime | None:
    if value in (None, "") and empty:
        return None
    if isinstance(value, datetime):
        at = value
    elif isinstance(value, str):
        try:
            at = datetime.fromisoformat(value)
        except ValueError:
            raise _fail(where, f"{key} {value!r} is not an ISO 8601 time") from None
    else:
        raise _fail(where, f"{key} must be a time such as 2026-12-07T08:00:00+08:00")
    if at.tzinfo is None:
        raise _fail(where, f"{key} needs its time zone (+08:00)")
    return at


def load_faults(path: Path = FAULTS_FILE) -> tuple[AreaFault, ...]:
    """The announced area faults, checked; PortalContentError naming the file and entry."""
    doc = _read(path)
    if doc is None:
        return ()
    if not isinstance(doc, list):
        raise _fail(str(path), "expected a list of faults")
    faults: list[AreaFault] = []
    for n, entry in enumerate(doc, 1):
        where = f"{path}: fault {n}"
        if not isinstance(entry, dict):
            raise _fail(where, "expected a mapping")
        fid = _text(entry, "id", where, limit=64)
        if not _ID.fullmatch(fid) or any(f.id == fid for f in faults):
            raise _fail(where, f"id {fid!r} must be unique: letters, digits, - or _")
        service = entry.get("service")
        if service not in SERVICES:
            raise _fail(where, f"service must be one of {', '.join(SERVICES)}")
        since = _when(entry.get("since"), "since", where)
        until = _when(entry.get("until"), "until", where, empty=True)
        if since is None or (until is not None and until <= since):
            raise _fail(where, "until must come after since")
        faults.append(
            AreaFault(
                id=fid,
                region=_text(entry, "region", where, limit=16),
                city=_text(entry, "city", where, limit=16, empty=True),
                service=service,
                since=since,
                until=until,
                text=_text(entry, "text", where, limit=200),
            )
        )
    return tuple(faults)


@lru_cache(maxsize=1)
def shipped() -> PortalContent:
    """The shipped portal content, read and checked once (its reasons against the taxonomy)."""
    from moqi.channels.selfservice_content import reason_moments

    return load_portal(reasons=set(reason_moments()))


_faults_seen: dict[Path, tuple[int, tuple[AreaFault, ...]]] = {}


def shipped_faults(path: Path = FAULTS_FILE) -> tuple[AreaFault, ...]:
    """The operator's area faults, read again whenever the file changes (faults come and go
    while moqi runs). A broken edit is refused with the file and entry (logged) while the
    last good reading stays in force; with none yet, the error is raised."""
    stamp = path.stat().st_mtime_ns if path.exists() else -1
    seen = _faults_seen.get(path)
    if seen is not None and seen[0] == stamp:
        return seen[1]
    try:
        faults = load_faults(path)
    except PortalContentError:
        if seen is None:
            raise
        log.exception("area faults file is broken; the last good reading stays in force")
        return seen[1]
    _faults_seen[path] = (stamp, faults)
    return faults
