"""Workforce storage: import an ACD file into a queue (all or nothing), read it back, plan from it."""

from __future__ import annotations

from collections import OrderedDict
from dataclasses import dataclass
from datetime import datetime
from threading import Lock

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from moqi.errors import Invalid, MoqiError, NotFound
from moqi.workforce import acd_parse, documents
from moqi.workforce.acd import AcdData, AcdError, Interval
from moqi.workforce.calendar import Holidays
from moqi.workforce.models import ImportRow, IntervalRow, QueueRow
from moqi.workforce.plan import Plan, PlanOptions, make_plan
from moqi.workforce.roster_rules import Rules

MAX_QUEUE_NAME = 100


@dataclass(frozen=True, slots=True)
class ImportSummary:
    """What one import stored."""

    import_id: int
    queue: str
    rows: int
    first_start: datetime
    last_start: datetime
    interval_min: int
    threshold_s: int

    def as_dict(self) -> dict:
        return {
            "import_id": self.import_id,
            "queue": self.queue,
            "rows": self.rows,
            "first_start": self.first_start.isoformat(sep=" "),
            "last_start": self.last_start.isoformat(sep=" "),
            "interval_min": self.interval_min,
            "threshold_s": self.threshold_s,
        }


def import_acd(
    session: Session,
    data: bytes,
    filename: str,
    queue: str,
    imported_by: str,
    *,
    threshold_s: int | None = None,
    interval_min: int | None = None,
) -> ImportSummary:
    """Validate the whole file, then store it in one go; raises AcdError (nothing stored) otherwise."""
    queue = queue.strip()
    if not queue or len(queue) > MAX_QUEUE_NAME:
        raise AcdError([(0, f"队列名须为 1–{MAX_QUEUE_NAME} 个字符")])
    row = session.scalar(select(QueueRow).where(QueueRow.name == queue))
    parsed: AcdData = acd_parse.parse(
        data,
        filename,
        threshold_s=threshold_s if threshold_s is not None else (row.threshold_s if row else None),
        interval_min=interval_min,
        columns=documents.acd_columns(session),
    )
    if row is not None and (row.interval_min, row.threshold_s) != (
        parsed.interval_min,
        parsed.threshold_s,
    ):
        raise AcdError(
            [
                (
                    0,
                    f"队列“{queue}”已按 {row.interval_min} 分钟时段、{row.threshold_s} 秒门限导入过，本文件是 {parsed.interval_min} 分钟、{parsed.threshold_s} 秒",
                )
            ]
        )
    if row is not None:
        starts = [i.start for i in parsed.intervals]
        clash = session.scalars(
            select(IntervalRow.start).where(
                IntervalRow.queue_id == row.id,
                IntervalRow.start >= starts[0],
                IntervalRow.start <= starts[-1],
            )
        ).all()
        clash = sorted(set(clash) & set(starts))
        if clash:
            raise AcdError(
                [
                    (
                        0,
                        f"队列“{queue}”已有 {len(clash)} 个相同时段的数据（最早 {clash[0]:%Y-%m-%d %H:%M}），本文件未导入",
                    )
                ]
            )
    if row is None:
        row = QueueRow(name=queue, interval_min=parsed.interval_min, threshold_s=parsed.threshold_s)
        session.add(row)
        session.flush()
    batch = ImportRow(
        queue_id=row.id,
        filename=filename[:255],
        rows=len(parsed.intervals),
        first_start=parsed.intervals[0].start,
        last_start=parsed.intervals[-1].start,
        imported_by=imported_by[:64],
    )
    session.add(batch)
    session.flush()
    session.add_all(
        IntervalRow(
            queue_id=row.id,
            import_id=batch.id,
            start=i.start,
            offered=i.offered,
            answered=i.answered,
            abandoned=i.abandoned,
            answered_in_threshold=i.answered_in_threshold,
            aht_s=i.aht_s,
            agents=i.agents,
            asa_s=i.asa_s,
            abandoned_in_threshold=i.abandoned_in_threshold,
        )
        for i in parsed.intervals
    )
    session.flush()
    return ImportSummary(
        batch.id,
        queue,
        batch.rows,
        batch.first_start,
        batch.last_start,
        parsed.interval_min,
        parsed.threshold_s,
    )


def list_queues(session: Session) -> list[dict]:
    """Every queue with its interval count and date range."""
    stmt = (
        select(
            QueueRow,
            func.count(IntervalRow.id),
            func.min(IntervalRow.start),
            func.max(IntervalRow.start),
        )
        .outerjoin(IntervalRow, IntervalRow.queue_id == QueueRow.id)
        .group_by(QueueRow.id)
        .order_by(QueueRow.name)
    )
    return [
        {
            "name": q.name,
            "interval_min": q.interval_min,
            "threshold_s": q.threshold_s,
            "intervals": n,
            "first_start": a.isoformat(sep=" ") if a else None,
            "last_start": b.isoformat(sep=" ") if b else None,
        }
        for q, n, a, b in session.execute(stmt)
    ]


def _queue(session: Session, queue: str) -> QueueRow:
    row = session.scalar(select(QueueRow).where(QueueRow.name == queue))
    if row is None:
        raise NotFound(f"没有名为“{queue}”的队列")
    return row


def queue_data(session: Session, queue: str) -> AcdData:
    """The stored intervals of a queue; NotFound when there is no such queue."""
    return _intervals(session, _queue(session, queue))


def _intervals(session: Session, row: QueueRow) -> AcdData:
    rows = session.scalars(
        select(IntervalRow).where(IntervalRow.queue_id == row.id).order_by(IntervalRow.start)
    ).all()
    intervals = tuple(
        Interval(
            r.start,
            r.offered,
            r.answered,
            r.abandoned,
            r.answered_in_threshold,
            r.aht_s,
            r.agents,
            r.asa_s,
            r.abandoned_in_threshold,
        )
        for r in rows
    )
    return AcdData(intervals, row.interval_min, row.threshold_s)


def plan_queue(
    session: Session,
    queue: str,
    holidays: Holidays,
    rules: Rules,
    options: PlanOptions,
    *,
    with_roster: bool = True,
) -> Plan:
    """The plan for a stored queue (NotFound when unknown, Invalid when it has no data or
    cannot be planned with these options).

    Plans are kept per process for the same stored data, holidays, rules and options: the plan
    page asked for another day, or reloaded, shows the roster it showed before instead of
    solving again for seconds (CP-SAT under a time limit may return another, equally good one).
    An import changes the data's fingerprint, so the next request plans afresh.
    """
    row = _queue(session, queue)
    fingerprint = session.execute(
        select(
            func.count(IntervalRow.id),
            func.max(IntervalRow.id),
            func.min(IntervalRow.start),
            func.max(IntervalRow.start),
            func.sum(IntervalRow.offered),
            func.sum(IntervalRow.answered),
        ).where(IntervalRow.queue_id == row.id)
    ).one()
    if not fingerprint[0]:
        raise Invalid(f"队列“{queue}”还没有数据")
    key = (
        str(session.get_bind().engine.url),
        row.id,
        tuple(fingerprint),
        row.interval_min,
        row.threshold_s,
        tuple(sorted(holidays.off.items())),
        tuple(sorted(holidays.workdays.items())),
        rules,
        options,
        with_roster,
    )
    with _PLANS_LOCK:
        if key in _PLANS:
            _PLANS.move_to_end(key)
            return _PLANS[key]
    data = _intervals(session, row)
    try:
        plan = make_plan(
            list(data.intervals),
            data.interval_min,
            data.threshold_s,
            holidays,
            rules,
            options,
            with_roster=with_roster,
        )
    except MoqiError:
        raise
    except (ValueError, RuntimeError) as exc:
        # The pure steps (forecast, staffing, roster) refuse what they cannot plan from with
        # ValueError, and the roster says RuntimeError when CP-SAT finds none in its time limit:
        # for a stored queue both mean these data and options give no plan.
        raise Invalid(str(exc)) from exc
    with _PLANS_LOCK:
        _PLANS[key] = plan
        while len(_PLANS) > _PLANS_KEPT:
            _PLANS.popitem(last=False)
    return plan


_PLANS: OrderedDict[tuple, Plan] = OrderedDict()
_PLANS_KEPT = 16
_PLANS_LOCK = Lock()


def answer_balance(session: Session, *, since: datetime, until: datetime) -> dict:
    """The answer-rate balance (kpi.balance) of the intervals of every queue that open in
    [since, until) (naive local wall-clock times, as the ACD writes them), their calls summed
    by time of day: {"spread", "best", "worst", "best_slot", "worst_slot", "slots", "offered"};
    spread and rates None when no slot carries calls."""
    from moqi.workforce.kpi import Kpi, balance, slot_label

    rows = session.execute(
        select(IntervalRow.start, QueueRow.interval_min, IntervalRow.offered, IntervalRow.answered)
        .join(QueueRow, QueueRow.id == IntervalRow.queue_id)
        .where(IntervalRow.start >= since, IntervalRow.start < until)
    )
    by_slot: dict[int, Kpi] = {}
    step = 60
    for start, interval_min, offered, answered in rows:
        step = min(step, interval_min)
        slot = by_slot.setdefault(start.hour * 60 + start.minute, Kpi())
        slot.offered += offered
        slot.answered += answered
    found = balance(by_slot)
    return {
        "spread": found.spread,
        "best": found.best_rate,
        "worst": found.worst_rate,
        "best_slot": None if found.best_slot is None else slot_label(found.best_slot, step),
        "worst_slot": None if found.worst_slot is None else slot_label(found.worst_slot, step),
        "slots": found.slots_considered,
        "offered": sum(k.offered for k in by_slot.values()),
    }
