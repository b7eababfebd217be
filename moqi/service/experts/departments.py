"""The expert centre's people: departments loaded from their YAML file, the experts an
administrator places in them, and who is on duty right now."""

from __future__ import annotations

import re
from collections.abc import Iterable
from datetime import datetime
from pathlib import Path

import yaml
from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from moqi.accounts.services import get_user
from moqi.errors import Invalid, NotFound
from moqi.knowledge import versions
from moqi.nlp.decode import decode_text
from moqi.nlp.normalize import normalize
from moqi.service import clocks
from moqi.service.experts import routing
from moqi.service.experts.models import Consultation, Expert, ExpertDepartment

DEFAULT = clocks.DATA / "experts.yaml"
MAX_RESPONSE_MINUTES = 7 * 24 * 60  # a week of duty time: more is a typo
_FIELDS = ("code", "name", "partner", "businesses", "skills", "calendar", "response_minutes")
_CODE = re.compile(r"^[a-z][a-z0-9_]{1,31}$")


def _texts(value: object, where: str, limit: int) -> list[str]:
    if value is None:
        return []
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise Invalid(f"{where}: expected a list of texts")
    out = [normalize(v.strip()) for v in value if v.strip()]
    too_long = [v for v in out if len(v) > limit]
    if too_long:
        raise Invalid(f"{where}: {too_long[0]!r} is longer than {limit} characters")
    return list(dict.fromkeys(out))


def _department(item: object, path: Path) -> ExpertDepartment:
    """One department of the file, checked (not yet in the session)."""
    if not isinstance(item, dict):
        raise Invalid(f"{path}: a department is a mapping of {', '.join(_FIELDS)}")
    code = str(item.get("code") or "")
    if not _CODE.match(code):
        raise Invalid(f"{path}: department code {code!r} must be lower-case ASCII and _ (2–32)")
    where = f"{path}: {code}"
    unknown = sorted(set(map(str, item)) - set(_FIELDS))
    if unknown:
        raise Invalid(f"{where}: unknown field(s) {', '.join(unknown)}")
    name = normalize(str(item.get("name") or "").strip())
    if not 0 < len(name) <= 100:
        raise Invalid(f"{where}: needs a name of at most 100 characters")
    partner = item.get("partner", False)
    minutes = item.get("response_minutes")
    if not isinstance(partner, bool):
        raise Invalid(f"{where}: partner is true or false")
    if isinstance(minutes, bool) or not isinstance(minutes, int):
        raise Invalid(f"{where}: response_minutes must be a whole number of minutes")
    if not 0 < minutes <= MAX_RESPONSE_MINUTES:
        raise Invalid(f"{where}: response_minutes must be 1–{MAX_RESPONSE_MINUTES}")
    calendar = str(item.get("calendar") or "").strip()
    if not calendar:
        raise Invalid(f"{where}: needs a calendar (its duty hours)")
    businesses = _texts(item.get("businesses"), f"{where}: businesses", 64)
    skills = _texts(item.get("skills"), f"{where}: skills", 64)
    if not businesses and not skills:
        raise Invalid(f"{where}: serves no business and lists no skill, so no question reaches it")
    return ExpertDepartment(
        code=code,
        name=name,
        partner=partner,
        businesses=businesses,
        skills=skills,
        calendar=calendar,
        response_minutes=minutes,
    )


def load_departments(session: Session, path: Path = DEFAULT) -> dict[str, int]:
    """Import the departments of `path` (added or updated; run it again and nothing changes);
    Invalid naming the fault, before anything is written. Calendars must be loaded first."""
    try:
        doc = yaml.safe_load(decode_text(path.read_bytes()))
    except (OSError, yaml.YAMLError) as exc:
        raise Invalid(f"{path}: {exc}") from None
    if not isinstance(doc, dict) or not isinstance(doc.get("departments"), list):
        raise Invalid(f"{path}: expected `departments:`, a list of departments")
    if set(doc) != {"departments"} or not doc["departments"]:
        raise Invalid(f"{path}: only a non-empty `departments:` list belongs here")
    rows = [_department(item, path) for item in doc["departments"]]
    codes = [r.code for r in rows]
    twice = sorted({c for c in codes if codes.count(c) > 1})
    if twice:
        raise Invalid(f"{path}: department(s) listed twice: {', '.join(twice)}")
    known = versions.codes(session)["businesses"]
    for row in rows:
        try:
            clocks.calendar(session, row.calendar)
        except NotFound:
            raise Invalid(
                f"{path}: {row.code}: no calendar {row.calendar!r} (calendars load first)"
            ) from None
        unknown = [b for b in row.businesses if b != routing.WILDCARD and known and b not in known]
        if unknown:
            raise Invalid(f"{path}: {row.code}: unknown business code(s) {', '.join(unknown)}")
    added = changed = 0
    for row in rows:
        current = session.get(ExpertDepartment, row.code)
        if current is None:
            session.add(row)
            added += 1
            continue
        fields = ("name", "partner", "businesses", "skills", "calendar", "response_minutes")
        if any(getattr(current, f) != getattr(row, f) for f in fields):
            for f in fields:
                setattr(current, f, getattr(row, f))
            changed += 1
    session.flush()
    return {"departments": len(rows), "added": added, "changed": changed}


def expert_of(session: Session, username: str) -> Expert | None:
    """The expert record of a user, or None when they are in no department."""
    return session.get(Expert, username) if username else None


def release(session: Session, username: str) -> int:
    """Put the expert's unanswered consultations back in their departments' queues."""
    result = session.execute(
        update(Consultation)
        .where(Consultation.expert == username, Consultation.status == "open")
        .values(expert="")
    )
    return int(getattr(result, "rowcount", 0) or 0)


def set_expert(session: Session, username: str, department: str, skills: list[str]) -> Expert:
    """Place a user with the expert role in a department with some of its skills (an
    administrator's act); moving departments puts their unanswered questions back in the queue."""
    user = get_user(session, username)
    if user.role != "expert":
        raise Invalid(f"{username} has the role {user.role}; only experts join a department")
    dept = session.get(ExpertDepartment, department)
    if dept is None:
        raise Invalid(f"no expert department {department!r}")
    wanted = _texts(skills, "skills", 64)
    unknown = [s for s in wanted if s not in dept.skills]
    if unknown:
        raise Invalid(
            f"{dept.name} lists no skill {'、'.join(unknown)}; its skills: {'、'.join(dept.skills)}"
        )
    expert = session.get(Expert, username)
    if expert is None:
        expert = Expert(username=username, department=department, skills=wanted, on_duty=False)
        session.add(expert)
    else:
        if expert.department != department:
            release(session, username)
        expert.department, expert.skills = department, wanted
    session.flush()
    return expert


def set_duty(session: Session, username: str, on_duty: bool) -> Expert:
    """Switch an expert on or off duty; going off puts their unanswered questions back in the
    department's queue, so a colleague on duty takes them."""
    expert = expert_of(session, username)
    if expert is None:
        raise NotFound(f"{username} is in no expert department; an administrator places experts")
    if not on_duty:
        release(session, username)
    expert.on_duty = on_duty
    session.flush()
    return expert


def business_names(session: Session, codes: Iterable[str]) -> dict[str, str]:
    """Business code → its name in the live catalogue (the code itself when it has none)."""
    names = {routing.WILDCARD: "其他业务（兜底）"}
    for code in {c for c in codes if c and c != routing.WILDCARD}:
        body = versions.live_body(session, "business", code)
        names[code] = str(body["name"]) if body else code
    return names


def department_names(session: Session) -> dict[str, str]:
    """Department code → name."""
    return {
        code: name
        for code, name in session.execute(select(ExpertDepartment.code, ExpertDepartment.name))
    }


def _open_now(session: Session, rows: list[ExpertDepartment], now: datetime) -> dict[str, bool]:
    return {d.code: routing.is_open(clocks.calendar(session, d.calendar), now) for d in rows}


def on_duty_now(
    session: Session, rows: list[ExpertDepartment], *, now: datetime
) -> tuple[list[routing.Department], list[routing.Candidate]]:
    """The departments and experts as routing sees them at `now`."""
    hours = _open_now(session, rows, now)
    loads: dict[str, int] = {
        name: n
        for name, n in session.execute(
            select(Consultation.expert, func.count())
            .where(Consultation.status == "open", Consultation.expert != "")
            .group_by(Consultation.expert)
        )
    }
    depts = [
        routing.Department(d.code, tuple(d.businesses), tuple(d.skills), d.response_minutes)
        for d in rows
    ]
    candidates = [
        routing.Candidate(
            e.username,
            e.department,
            tuple(e.skills),
            on_duty=e.on_duty and hours.get(e.department, False),
            open_count=loads.get(e.username, 0),
        )
        for e in session.scalars(select(Expert).order_by(Expert.username))
    ]
    return depts, candidates


def duty_of(session: Session, username: str, now: datetime) -> dict:
    """An expert's department, skills and duty: their toggle, whether the department's duty
    hours are open now, and both together (whether questions reach them)."""
    expert = expert_of(session, username)
    if expert is None:
        raise NotFound(f"{username} is in no expert department; an administrator places experts")
    dept = session.get(ExpertDepartment, expert.department)
    assert dept is not None
    hours = routing.is_open(clocks.calendar(session, dept.calendar), now)
    return {
        "username": expert.username,
        "department": dept.code,
        "department_name": dept.name,
        "skills": list(expert.skills),
        "on_duty": expert.on_duty,
        "duty_hours_open": hours,
        "available": expert.on_duty and hours,
    }


def departments(session: Session, now: datetime) -> list[dict]:
    """Every department with its businesses, skills, duty hours and experts available now."""
    rows = list(session.scalars(select(ExpertDepartment).order_by(ExpertDepartment.code)))
    _, candidates = on_duty_now(session, rows, now=now)
    names = business_names(session, (b for d in rows for b in d.businesses))
    return [
        {
            "code": d.code,
            "name": d.name,
            "partner": d.partner,
            "businesses": [{"code": b, "name": names[b]} for b in d.businesses],
            "skills": list(d.skills),
            "calendar": d.calendar,
            "response_minutes": d.response_minutes,
            "experts": sum(1 for c in candidates if c.department == d.code),
            "available": sum(1 for c in candidates if c.department == d.code and c.on_duty),
        }
        for d in rows
    ]


def roster(session: Session) -> list[dict]:
    """Every user with the expert role, placed or not: department, skills, on duty (for the
    administrator who places them)."""
    from moqi.accounts.services import list_users

    placed = {e.username: e for e in session.scalars(select(Expert))}
    out = []
    for user in list_users(session):
        if user.role != "expert":
            continue
        e = placed.get(user.username)
        out.append(
            {
                "username": user.username,
                "display_name": user.display_name,
                "active": user.active,
                "department": e.department if e else "",
                "skills": list(e.skills) if e else [],
                "on_duty": bool(e and e.on_duty),
            }
        )
    return out
