"""Who answers a consultation: first the department, then the expert on duty in it.

The rule, in full:
- A department that serves the consultation's business is chosen before one that only has the
  skill asked for; a department whose businesses include "*" takes what no other serves (and a
  question that names neither a business nor a skill). Among departments that serve the
  business, one that also has the skill comes first.
- Departments that match equally well: one with an expert on duty now, then the one that
  promises the faster answer (response_minutes), then the code, so the choice is stable.
- In the department, the expert on duty with the skill asked for, then the one with the fewest
  open consultations, then by name. With nobody on duty the consultation waits in the
  department's queue (expert None) for whoever comes on duty first.
- On duty means the expert's own toggle and the department's calendar open at that moment:
  an expert who forgot to switch off at 18:00 gets no questions at 21:00.

Pure: departments, experts and their loads in, a `Route` out; no database, no clock.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from moqi.service.calendar import Calendar

WILDCARD = "*"  # in a department's businesses: it takes what no other department serves


@dataclass(frozen=True, slots=True)
class Department:
    """What routing needs to know of a department."""

    code: str
    businesses: tuple[str, ...] = ()
    skills: tuple[str, ...] = ()
    response_minutes: int = 30


@dataclass(frozen=True, slots=True)
class Candidate:
    """An expert as routing sees them: `on_duty` is already toggle AND calendar open."""

    username: str
    department: str
    skills: tuple[str, ...] = ()
    on_duty: bool = False
    open_count: int = 0


@dataclass(frozen=True, slots=True)
class Route:
    """Where a consultation goes: a department, and its expert (None: the department's queue)."""

    department: str
    expert: str | None


def is_open(calendar: Calendar, at: datetime) -> bool:
    """Whether `at` (aware) falls inside one of the calendar's opening periods."""
    local = at.astimezone(calendar.zone)
    second = local.hour * 3600 + local.minute * 60 + local.second
    return any(start <= second < end for start, end in calendar.periods(local.date()))


def _tier(department: Department, business: str, skill: str) -> int | None:
    """0: serves the business; 1: has the skill; 2: takes the rest; None: not this one."""
    if business and business in department.businesses:
        return 0
    if skill and skill in department.skills:
        return 1
    if WILDCARD in department.businesses:
        return 2
    return None


def choose_department(
    departments: Iterable[Department], business: str, skill: str, staffed: Iterable[str] = ()
) -> Department | None:
    """The department that answers (business, skill); `staffed`: codes with an expert on duty.

    >>> a = Department("billing", ("acct_bill",), ("退费审批",))
    >>> b = Department("porting", ("port_out",), ("账单核查",))
    >>> choose_department([a, b], "acct_bill", "账单核查").code
    'billing'
    """
    on_duty = set(staffed)
    ranked = []
    for d in departments:
        tier = _tier(d, business, skill)
        if tier is None:
            continue
        has_skill = bool(skill) and skill in d.skills
        ranked.append(((tier, not has_skill, d.code not in on_duty, d.response_minutes, d.code), d))
    return min(ranked, key=lambda pair: pair[0])[1] if ranked else None


def choose_expert(candidates: Iterable[Candidate], department: str, skill: str) -> str | None:
    """The on-duty expert of `department` who takes it, or None for the department's queue."""
    ready = [c for c in candidates if c.department == department and c.on_duty]
    if not ready:
        return None
    best = min(
        ready,
        key=lambda c: (not (skill and skill in c.skills), c.open_count, c.username),
    )
    return best.username


def route(
    departments: Iterable[Department],
    candidates: Iterable[Candidate],
    business: str,
    skill: str,
) -> Route | None:
    """Department and expert for a consultation; None when no department would take it."""
    experts = list(candidates)
    staffed = {c.department for c in experts if c.on_duty}
    department = choose_department(departments, business, skill, staffed)
    if department is None:
        return None
    return Route(department.code, choose_expert(experts, department.code, skill))
