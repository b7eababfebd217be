"""The KPI board: each KPI of kpis.yaml computed from moqi's own records over a period, with
its numerator, denominator and sample size, its red/amber/green status against the target,
a weekly trend, and a drill-down by team, region, brand or week. A KPI moqi has no records
for says so (no_data) rather than showing a number."""

from __future__ import annotations

from datetime import datetime, time, timedelta

from sqlalchemy.orm import Session

from moqi.errors import Invalid
from moqi.insight import kpi_sql
from moqi.insight.kpi_defs import KpiDef, shipped
from moqi.insight.ratings_table import CHINA
from moqi.workforce import services as workforce

BY = ("team", "region", "brand", "week")
MAX_DAYS = 366
PER_10K_DAYS = 30  # the per-10,000 rates are scaled to a 30-day month

# What moqi would have to record before a KPI has data (shown on the board instead of a value).
NO_RECORDS = {
    "retention_success": "无数据：moqi 尚未记录挽留外呼及其结果。外呼任务记下“挽留成功/未成功”后即可计算。",
}
NOT_SPLIT = {
    "reminder_sms_timeliness": {"team": "短信由系统发出，不归属班组"},
    "complaint_per_10k": {"team": "在册客户不归属班组，无法按班组计算万户率"},
    "refund_per_10k": {"team": "在册客户不归属班组，无法按班组计算万户率"},
    "answer_rate_balance": {
        "team": "ACD 话务历史按队列统计，不分班组",
        "region": "ACD 话务历史按队列统计，不分地区",
        "brand": "ACD 话务历史按队列统计，不分品牌",
    },
}


def _counts(session: Session, d: KpiDef, since: datetime, until: datetime, by: str | None):
    if d.key == "reminder_sms_timeliness":
        return kpi_sql.reminder_sms_timeliness(
            session, since, until, by, within_minutes=d.within_minutes or 5
        )
    return getattr(kpi_sql, d.key)(session, since, until, by)


def _figure(d: KpiDef, num: int, den: int, days: float) -> dict:
    if den == 0:
        value = None
    elif d.unit == "件/万户":
        value = num / den * 10000 * PER_10K_DAYS / days
    else:
        value = num / den * 100
    return {
        "value": None if value is None else round(value, 2),
        "numerator": num,
        "denominator": den,
        "n": num if d.unit == "件/万户" else den,
        "status": d.status(value),
        "note": "",
    }


def _balance(session: Session, d: KpiDef, since: datetime, until: datetime) -> dict:
    local = {k: v.astimezone(CHINA).replace(tzinfo=None) for k, v in (("s", since), ("u", until))}
    found = workforce.answer_balance(session, since=local["s"], until=local["u"])
    value = None if found["spread"] is None else round(found["spread"] * 100, 2)
    note = ""
    if value is not None:
        note = (
            f"最高 {found['best_slot']} 接通率 {found['best'] * 100:.1f}%，"
            f"最低 {found['worst_slot']} {found['worst'] * 100:.1f}%，共 {found['slots']} 个时段"
        )
    return {
        "value": value,
        "numerator": None,
        "denominator": None,
        "n": found["offered"],
        "status": d.status(value),
        "note": note,
    }


def figure(session: Session, d: KpiDef, since: datetime, until: datetime) -> dict:
    """One KPI's figure for everyone over [since, until)."""
    if d.key in NO_RECORDS:
        return {**_figure(d, 0, 0, 1), "n": 0, "numerator": None, "denominator": None}
    if d.key == "answer_rate_balance":
        return _balance(session, d, since, until)
    num, den = (_counts(session, d, since, until, None) or {}).get("", (0, 0))
    return _figure(d, num, den, (until - since).total_seconds() / 86400)


def weeks(since: datetime, until: datetime) -> list[tuple[str, datetime, datetime]]:
    """The ISO weeks (China time) that [since, until) touches, each clipped to the period."""
    day = since.astimezone(CHINA).date()
    monday = datetime.combine(day - timedelta(days=day.weekday()), time(), tzinfo=CHINA)
    out = []
    while monday < until:
        year, week, _ = monday.isocalendar()
        end = monday + timedelta(days=7)
        out.append((f"{year}-W{week:02d}", max(monday, since), min(end, until)))
        monday = end
    return out


def _check(since: datetime, until: datetime) -> None:
    if since.tzinfo is None or until.tzinfo is None:
        raise Invalid("since and until need a time zone")
    if until <= since:
        raise Invalid("until must be after since")
    if until - since > timedelta(days=MAX_DAYS):
        raise Invalid(f"a period of at most {MAX_DAYS} days")


def breakdown(session: Session, d: KpiDef, since: datetime, until: datetime, by: str) -> dict:
    """A KPI per team, region, brand or week: {"groups": [...]} or {"not_split": why}."""
    if by not in BY:
        raise Invalid(f"by: one of {', '.join(BY)}")
    if d.key in NO_RECORDS:
        return {"groups": [], "not_split": NO_RECORDS[d.key]}
    if by == "week":
        return {
            "groups": [
                {"group": label, **figure(session, d, start, end)}
                for label, start, end in weeks(since, until)
            ]
        }
    why = NOT_SPLIT.get(d.key, {}).get(by)
    if why:
        return {"groups": [], "not_split": why}
    counts = _counts(session, d, since, until, by) or {}
    days = (until - since).total_seconds() / 86400
    groups = [{"group": g, **_figure(d, num, den, days)} for g, (num, den) in counts.items()]
    groups.sort(key=lambda g: (-g["n"], g["group"]))
    return {"groups": groups}


def board(
    session: Session, *, since: datetime, until: datetime, by: str | None = None
) -> list[dict]:
    """Every KPI of the board with its definition, figure, weekly trend and (when `by` is
    given) its breakdown."""
    _check(since, until)
    if by is not None and by not in BY:
        raise Invalid(f"by: one of {', '.join(BY)}")
    out = []
    for d in shipped().values():
        item = _item(session, d, since, until)
        if by is not None:
            item["by"] = by
            item.update(breakdown(session, d, since, until, by))
        out.append(item)
    return out


def _item(session: Session, d: KpiDef, since: datetime, until: datetime) -> dict:
    item = {
        "key": d.key,
        "name": d.name,
        "definition": d.definition,
        "unit": d.unit,
        "direction": d.direction,
        "target": d.target,
        "amber": d.amber,
        **figure(session, d, since, until),
        "no_data": NO_RECORDS.get(d.key, ""),
        "trend": [],
    }
    if d.key not in NO_RECORDS:
        item["trend"] = [
            {"week": label, "value": figure(session, d, start, end)["value"]}
            for label, start, end in weeks(since, until)
        ]
    return item


def one(session: Session, key: str, *, since: datetime, until: datetime, by: str) -> dict:
    """One KPI with its breakdown (the drill-down page)."""
    _check(since, until)
    defs = shipped()
    if key not in defs:
        raise Invalid(f"no KPI {key!r}: one of {', '.join(defs)}")
    d = defs[key]
    return {**_item(session, d, since, until), "by": by, **breakdown(session, d, since, until, by)}
