"""一键检测: what moqi knows of a customer's account, turned into findings, each with what we saw
and the fix (a self-service step, a knowledge answer, the ticket's tracking page) or a chat
with an agent. Pure: the facts come in (services.py gathers them), findings go out.

Customers asked for it in their own words: "我也不知道是哪里扣的钱" (a value-added service
they do not remember ordering), "到了机场才发现没开漫游" — a check that looks before they
call. The wording lives in moqi/data/channels/portal.yaml and stays careful: we say what
the records show, never that we were at fault, and promise no refund.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from datetime import date, datetime, timedelta

from moqi.channels.portal.content import SERVICES, AreaFault, PortalContent, Wording

# How far back an event still says something about the account today, in days.
RECENT = {
    "overage_charge": 31,
    "sp_subscribed": 31,
    "data_pack_exhausted": 7,
    "payment_overdue": 31,
    "suspended_arrears": 31,
}
ROAMING_VALID_DAYS = 90  # a roaming opening this recent counts for a trip
TRIP_AHEAD_DAYS = 30  # a trip further away than this is not yet worth a warning
_TRIP = re.compile(r"\s*(\d{4}-\d{2}-\d{2})\s*(.*)")
_ORDER = {"high": 0, "medium": 1, "low": 2}
SUMMARY_MAX = 900  # the chat takes 1,000 characters a message


@dataclass(frozen=True, slots=True)
class Event:
    type: str
    days_ago: float
    detail: str


@dataclass(frozen=True, slots=True)
class TicketFact:
    number: str
    title: str
    status: str  # open | waiting | resolved
    status_label: str
    next_step: str
    next_due: str
    url: str  # the ticket's tracking page


@dataclass(frozen=True, slots=True)
class Facts:
    """What moqi knows of one customer, as of `now`."""

    now: datetime
    region: str
    city: str
    events: tuple[Event, ...] = ()
    tickets: tuple[TicketFact, ...] = ()
    faults: tuple[AreaFault, ...] = ()


@dataclass(frozen=True, slots=True)
class Finding:
    code: str
    severity: str
    title: str
    seen: str  # what the records show, in one line
    fix: str
    article: str = ""  # a knowledge answer with the details
    link: str = ""  # a page of the customer's own (a ticket's tracking page)
    link_label: str = ""
    chat: bool = False
    extra: dict = field(default_factory=dict)


def trip_of(detail: str) -> tuple[date, str] | None:
    """(departure date, destination) of a trip_registered event's detail
    ("2026-12-20 日本东京"); None when it does not say a date first."""
    m = _TRIP.fullmatch(detail or "")
    if m is None:
        return None
    try:
        day = date.fromisoformat(m.group(1))
    except ValueError:
        return None
    return day, (m.group(2).strip() or "境外")


def _fill(text: str, **values: str) -> str:
    return re.sub(r"\{(\w+)\}", lambda m: values.get(m.group(1), ""), text)


def _make(wording: Wording, seen: str, **values: str) -> Finding:
    return Finding(
        code=wording.code,
        severity=wording.severity,
        title=wording.title,
        seen=seen,
        fix=_fill(wording.fix, **values),
        article=wording.article,
        chat=wording.chat,
    )


def _tickets(facts: Facts, words: dict[str, Wording]) -> list[Finding]:
    found = []
    for t in facts.tickets:
        wording = words.get(f"ticket_{t.status}")
        if wording is None:
            continue
        due = f"（预计 {t.next_due} 前）" if t.next_due else ""
        seen = f"工单 {t.number}「{t.title}」：{t.status_label}。下一步：{t.next_step}{due}"
        label = "查看工单进度" if t.status != "resolved" else "去评价"
        found.append(replace(_make(wording, seen), link=t.url, link_label=label))
    return found


def _latest(facts: Facts, kind: str) -> Event | None:
    limit = RECENT.get(kind, 31)
    recent = [e for e in facts.events if e.type == kind and e.days_ago <= limit]
    return min(recent, key=lambda e: e.days_ago) if recent else None


def _charges(facts: Facts, words: dict[str, Wording]) -> list[Finding]:
    found = []
    kinds = ["overage_charge", "sp_subscribed", "data_pack_exhausted"]
    # A suspended line says more than the overdue bill that led to it.
    kinds.append("suspended_arrears" if _latest(facts, "suspended_arrears") else "payment_overdue")
    for kind in kinds:
        event = _latest(facts, kind)
        if event is not None:
            when = "今天" if event.days_ago < 1 else f"{int(event.days_ago)} 天前"
            detail = event.detail.rstrip("。") or words[kind].title
            found.append(_make(words[kind], f"{when}：{detail}", detail=detail))
    return found


def _roaming(facts: Facts, words: dict[str, Wording]) -> list[Finding]:
    opened = any(
        e.type == "roaming_activated" and e.days_ago <= ROAMING_VALID_DAYS for e in facts.events
    )
    if opened:
        return []
    today = facts.now.date()
    found = []
    for e in facts.events:
        trip = trip_of(e.detail) if e.type == "trip_registered" else None
        if trip is None:
            continue
        day, where = trip
        if today <= day <= today + timedelta(days=TRIP_AHEAD_DAYS):
            seen = f"已登记出行：{day:%Y-%m-%d} 前往{where}；未查到国际漫游开通记录"
            found.append(
                _make(
                    words["roaming_not_enabled"],
                    seen,
                    destination=where,
                    date=f"{day.month}月{day.day}日",
                )
            )
    return found[:1]


def _faults(facts: Facts, words: dict[str, Wording]) -> list[Finding]:
    found = []
    for f in facts.faults:
        if f.region != facts.region or (f.city and f.city != facts.city):
            continue
        if facts.now < f.since or (f.until is not None and facts.now >= f.until):
            continue
        until = (
            f"预计 {f.until.astimezone(f.since.tzinfo):%m月%d日 %H:%M} 前恢复，以最新公告为准。"
            if f.until
            else "恢复时间以最新公告为准。"
        )
        text = f.text.rstrip("。") + "。"
        place = f"{f.region}{f.city if f.city != f.region else ''}"
        found.append(
            _make(
                words["area_fault"],
                f"{place}：{f.text}",
                detail=text,
                service=SERVICES[f.service],
                until=until,
            )
        )
    return found


def check(facts: Facts, content: PortalContent) -> list[Finding]:
    """Every finding for the customer, the most pressing first (high, medium, low)."""
    words = content.findings
    found = (
        _tickets(facts, words)
        + _charges(facts, words)
        + _roaming(facts, words)
        + _faults(facts, words)
    )
    return sorted(found, key=lambda f: _ORDER[f.severity])


def summary(findings: list[Finding]) -> str:
    """The findings in a few lines for the agent who takes the chat (at most SUMMARY_MAX)."""
    if not findings:
        return "【自助门户·一键检测】未发现异常，客户希望咨询人工。"
    lines = [f"【自助门户·一键检测】发现 {len(findings)} 项："]
    for n, f in enumerate(findings, 1):
        lines.append(f"{n}. {f.title}——{f.seen}")
    text = "\n".join(lines)
    return text if len(text) <= SUMMARY_MAX else text[: SUMMARY_MAX - 1] + "…"
