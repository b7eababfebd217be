"""Calendars and SLA policies as content in the database: imported from YAML (a calendar gets a
new version when its file changed), read back as the pure `Calendar` and targets per ticket
kind × priority."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from functools import lru_cache
from pathlib import Path

import yaml
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from moqi import errors
from moqi.nlp.decode import decode_text
from moqi.service.calendar import Calendar, CalendarError, parse_calendar
from moqi.service.models import ServiceCalendar, SlaPolicy

DATA = Path(__file__).resolve().parent.parent / "data" / "service"
CALENDARS = DATA / "calendars"
POLICIES = DATA / "policies.yaml"

KINDS = {"complaint": "投诉", "fault": "故障", "handling": "办理", "consultation": "咨询"}
PRIORITIES = {"urgent": "紧急", "high": "高", "normal": "普通", "low": "低"}


@dataclass(frozen=True, slots=True)
class Desk:
    """The desk-wide follow-up settings (policies.yaml `defaults`)."""

    warn_minutes: int = 15
    survey_wait_hours: float = 24.0
    callback_attempts: int = 3
    callback_minutes: int = 240
    callback_calendar: str = "back_office"


def import_calendar(
    session: Session, name: str, doc: dict, *, now: datetime, by: str = "moqi init", note: str = ""
) -> ServiceCalendar | None:
    """Store a calendar as the next version of `name`, unless it equals the version in force
    (None then); Invalid naming the fault when the document is not a calendar."""
    try:
        parse_calendar(doc)
    except CalendarError as exc:
        raise errors.Invalid(f"calendar {name}: {exc}") from None
    clean = _plain(doc)
    current = _current_row(session, name)
    if current is not None and current.doc == clean:
        return None
    row = ServiceCalendar(
        name=name,
        version=(current.version + 1) if current else 1,
        title=str(doc.get("name") or name)[:100],
        doc=clean,
        created_at=now,
        created_by=by,
        note=note[:200],
    )
    session.add(row)
    session.flush()
    return row


def _plain(doc: dict) -> dict:
    """The YAML document with dates as ISO strings, so it stores as JSON and compares equal."""
    out = {k: v for k, v in doc.items() if k != "name"}
    out["holidays"] = sorted(str(d) for d in doc.get("holidays") or ())
    out["workdays"] = {str(d): list(p) for d, p in (doc.get("workdays") or {}).items()}
    out["week"] = {d: list(p) for d, p in (doc.get("week") or {}).items()}
    return out


def load_calendar_file(path: Path) -> dict:
    """A calendar YAML file as a mapping; Invalid naming the file when it cannot be read."""
    try:
        doc = yaml.safe_load(decode_text(path.read_bytes()))
    except (OSError, yaml.YAMLError) as exc:
        raise errors.Invalid(f"{path}: {exc}") from None
    if not isinstance(doc, dict):
        raise errors.Invalid(f"{path}: a calendar is a mapping")
    return doc


def import_shipped(
    session: Session, *, now: datetime, folder: Path = DATA, replace: bool = False
) -> dict[str, int]:
    """The calendars under folder/calendars and the policies of folder/policies.yaml. Once
    loaded, the database is the source of truth: a calendar or the policy table already there
    is replaced only when `replace` (an explicit content folder); counts of what changed."""
    changed = 0
    for path in sorted((folder / "calendars").glob("*.yaml")):
        if not replace and _current_row(session, path.stem) is not None:
            continue
        if import_calendar(session, path.stem, load_calendar_file(path), now=now) is not None:
            changed += 1
    have = session.scalar(select(func.count()).select_from(SlaPolicy)) or 0
    policies = import_policies(session, folder / "policies.yaml") if replace or not have else 0
    return {"calendars_changed": changed, "sla_policies_loaded": policies}


def import_policies(session: Session, path: Path = POLICIES) -> int:
    """Replace the SLA policies with those of the file; Invalid naming the fault."""
    try:
        doc = yaml.safe_load(decode_text(path.read_bytes())) or {}
        table = doc["policies"]
        rows = [
            SlaPolicy(
                kind=kind,
                priority=priority,
                calendar=str(p["calendar"]),
                first_response_minutes=int(p["first_response"]),
                next_update_minutes=int(p["next_update"]),
                resolution_minutes=int(p["resolution"]),
            )
            for kind, by_priority in table.items()
            for priority, p in by_priority.items()
        ]
    except (OSError, yaml.YAMLError, KeyError, TypeError, ValueError, AttributeError) as exc:
        raise errors.Invalid(f"{path}: not a policy table ({exc})") from None
    for row in rows:
        if row.kind not in KINDS or row.priority not in PRIORITIES:
            raise errors.Invalid(f"{path}: unknown kind or priority {row.kind}/{row.priority}")
        if _current_row(session, row.calendar) is None:
            raise errors.Invalid(
                f"{path}: {row.kind}/{row.priority} names no calendar {row.calendar!r}"
            )
        if min(row.first_response_minutes, row.next_update_minutes, row.resolution_minutes) <= 0:
            raise errors.Invalid(f"{path}: {row.kind}/{row.priority}: targets must be positive")
    missing = {(k, p) for k in KINDS for p in PRIORITIES} - {(r.kind, r.priority) for r in rows}
    if missing:
        raise errors.Invalid(
            f"{path}: no policy for {', '.join('/'.join(m) for m in sorted(missing))}"
        )
    for old in session.scalars(select(SlaPolicy)):
        session.delete(old)
    session.flush()
    session.add_all(rows)
    session.flush()
    return len(rows)


@lru_cache(maxsize=4)
def desk_settings(path: Path = POLICIES) -> Desk:
    """The follow-up settings of the policy file (defaults where it says nothing); read once."""
    try:
        doc = yaml.safe_load(decode_text(path.read_bytes())) or {}
        d = doc.get("defaults") or {}
        return Desk(
            warn_minutes=int(d.get("warn_minutes", 15)),
            survey_wait_hours=float(d.get("survey_wait_hours", 24)),
            callback_attempts=int(d.get("callback_attempts", 3)),
            callback_minutes=int(d.get("callback_minutes", 240)),
            callback_calendar=str((doc.get("calendars") or {}).get("back_office", "back_office")),
        )
    except (OSError, yaml.YAMLError, TypeError, ValueError, AttributeError) as exc:
        raise errors.Invalid(f"{path}: desk settings unreadable ({exc})") from None


def _current_row(session: Session, name: str) -> ServiceCalendar | None:
    return session.scalar(
        select(ServiceCalendar)
        .where(ServiceCalendar.name == name)
        .order_by(ServiceCalendar.version.desc())
        .limit(1)
    )


_parsed: dict[tuple[str, int], Calendar] = {}


def calendar(session: Session, name: str) -> Calendar:
    """The calendar in force under this name; NotFound when there is none. Only the version
    number is read each time: a version's calendar is parsed once per process."""
    version = session.scalar(
        select(func.max(ServiceCalendar.version)).where(ServiceCalendar.name == name)
    )
    if version is None:
        raise errors.NotFound(f"no calendar {name!r}")
    key = (name, version)
    cal = _parsed.get(key)
    if cal is None:
        row = _current_row(session, name)
        assert row is not None
        cal = _parsed[key] = parse_calendar(row.doc)
    return cal


def calendars(session: Session) -> list[dict]:
    """Every calendar name with its version in force and how many versions it has."""
    rows = session.execute(
        select(ServiceCalendar.name, func.max(ServiceCalendar.version), func.count())
        .group_by(ServiceCalendar.name)
        .order_by(ServiceCalendar.name)
    )
    out = []
    for name, version, count in rows:
        row = _current_row(session, name)
        assert row is not None
        out.append(
            {
                "name": name,
                "title": row.title,
                "version": version,
                "versions": count,
                "doc": row.doc,
                "created_at": row.created_at.isoformat(),
                "created_by": row.created_by,
            }
        )
    return out


def policy(session: Session, kind: str, priority: str) -> SlaPolicy:
    """The targets of a ticket kind × priority; Invalid for an unknown pair."""
    row = session.get(SlaPolicy, (kind, priority))
    if row is None:
        raise errors.Invalid(f"no SLA policy for {kind}/{priority}")
    return row


def policies(session: Session) -> list[SlaPolicy]:
    """Every policy, by kind then priority order."""
    order = {p: i for i, p in enumerate(PRIORITIES)}
    kinds = {k: i for i, k in enumerate(KINDS)}
    rows = list(session.scalars(select(SlaPolicy)))
    return sorted(rows, key=lambda r: (kinds.get(r.kind, 9), order.get(r.priority, 9)))


@lru_cache(maxsize=4)
def resolution_codes(path: Path = POLICIES) -> dict[str, str]:
    """The codes a ticket may be resolved with, and their labels (policies.yaml)."""
    try:
        doc = yaml.safe_load(decode_text(path.read_bytes())) or {}
        codes = {str(k): str(v) for k, v in (doc.get("resolution_codes") or {}).items()}
    except (OSError, yaml.YAMLError, AttributeError) as exc:
        raise errors.Invalid(f"{path}: resolution codes unreadable ({exc})") from None
    return codes or {"other": "其他"}
