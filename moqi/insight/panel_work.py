"""The fixed customer panel (固定客户跟踪测评): recruit a panel from a segment of the customers
moqi holds, plan its waves, start a wave as one call-back task per member for service managers,
record what each customer said (on the page or from a file), and report the change wave on wave."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from moqi.accounts import services as accounts
from moqi.content.reading import shipped_yaml
from moqi.errors import Conflict, Forbidden, Invalid, NotFound
from moqi.insight import panel, stats
from moqi.insight.report import figure_json
from moqi.insight.research_models import Panel, PanelMember, PanelTask, PanelWave
from moqi.insight.research_tables import PanelRow, answer
from moqi.insight.survey_table import SurveyError
from moqi.nlp.normalize import normalize
from moqi.service import services as desk

QUESTIONNAIRE = "insight/panel_questionnaire.yaml"
SEGMENT = ("brand", "vip", "plan", "region", "stage")
CALLERS = ("agent", "team_lead", "admin")  # who may be given call-backs
LEADS = ("team_lead", "admin")
MAX_SIZE = 5000
OVERALL, IMPROVED = "overall", "improved"


def questionnaire() -> list[dict]:
    """The shipped questions, checked (each a key, topic, text; a scale or a change question)."""
    doc = shipped_yaml(QUESTIONNAIRE)
    questions = doc.get("questions") if isinstance(doc, dict) else None
    if not isinstance(questions, list) or not questions:
        raise Invalid(f"{QUESTIONNAIRE}: questions must be a list")
    keys: set[str] = set()
    for q in questions:
        if not isinstance(q, dict) or not all(
            isinstance(q.get(f), str) for f in ("key", "topic", "text")
        ):
            raise Invalid(f"{QUESTIONNAIRE}: each question needs key, topic and text")
        if q.get("kind") not in ("scale", "change") or q["key"] in keys:
            raise Invalid(f"{QUESTIONNAIRE}: {q['key']}: kind scale or change, key once")
        keys.add(q["key"])
    return questions


def create_panel(
    session: Session,
    *,
    name: str,
    segment: dict[str, str],
    size: int,
    seed: int,
    stratify: bool,
    now: datetime,
    by: str,
) -> Panel:
    """A panel drawn from the segment's customers (reproducibly: see panel.draw)."""
    name = normalize(name or "").strip()
    if not name or len(name) > 80:
        raise Invalid("name: 1–80 characters")
    if isinstance(size, bool) or not isinstance(size, int) or not 1 <= size <= MAX_SIZE:
        raise Invalid(f"size: a whole number from 1 to {MAX_SIZE}")
    if isinstance(seed, bool) or not isinstance(seed, int) or not 0 <= seed < 2**31:
        raise Invalid("seed: a whole number from 0 to 2147483647")
    unknown = set(segment) - set(SEGMENT)
    if unknown:
        raise Invalid(f"segment: unknown filter {', '.join(sorted(unknown))}")
    clean = {k: normalize(str(v)).strip()[:100] for k, v in segment.items() if str(v).strip()}
    if session.scalar(select(Panel.id).where(Panel.name == name)):
        raise Conflict(f"a panel named {name} exists already")
    customers = desk.segment_customers(session, **clean)
    if not customers:
        raise Invalid("no customer matches the segment")
    regions = dict(customers)
    row = Panel(
        name=name,
        segment=clean,
        size=size,
        seed=seed,
        stratify=bool(stratify),
        created_at=now,
        created_by=by,
    )
    session.add(row)
    session.flush()
    for cid in panel.draw(customers, size, seed, stratify=stratify):
        session.add(PanelMember(panel_id=row.id, customer_id=cid, region=regions[cid]))
    session.flush()
    return row


def get_panel(session: Session, panel_id: int) -> Panel:
    row = session.get(Panel, panel_id)
    if row is None:
        raise NotFound(f"no panel {panel_id}")
    return row


def panels(session: Session) -> list[dict]:
    members = dict(
        session.execute(
            select(PanelMember.panel_id, func.count()).group_by(PanelMember.panel_id)
        ).all()
    )
    waves = dict(
        session.execute(select(PanelWave.panel_id, func.count()).group_by(PanelWave.panel_id)).all()
    )
    return [
        {
            "id": p.id,
            "name": p.name,
            "segment": p.segment,
            "size": p.size,
            "seed": p.seed,
            "stratify": p.stratify,
            "members": members.get(p.id, 0),
            "waves": waves.get(p.id, 0),
            "created_at": p.created_at.isoformat(),
        }
        for p in session.scalars(select(Panel).order_by(Panel.id))
    ]


def plan_wave(session: Session, panel_id: int, *, planned_at: datetime) -> PanelWave:
    get_panel(session, panel_id)
    last = session.scalar(select(func.max(PanelWave.number)).where(PanelWave.panel_id == panel_id))
    wave = PanelWave(panel_id=panel_id, number=(last or 0) + 1, planned_at=planned_at, questions=[])
    session.add(wave)
    session.flush()
    return wave


def get_wave(session: Session, wave_id: int) -> PanelWave:
    wave = session.get(PanelWave, wave_id)
    if wave is None:
        raise NotFound(f"no panel wave {wave_id}")
    return wave


def start_wave(
    session: Session, wave_id: int, *, owners: list[str], now: datetime, days: int = 14
) -> int:
    """One call-back task per member, shared among the owners in turn, due in `days` days; the
    wave keeps the questionnaire of today. Conflict when started already."""
    wave = get_wave(session, wave_id)
    if wave.started_at is not None:
        raise Conflict(f"wave {wave.number} has started already")
    if not owners:
        raise Invalid("owners: at least one service manager")
    for name in owners:
        user = accounts.get_user(session, name)
        if not user.active or user.role not in CALLERS:
            raise Invalid(f"owners: {name} cannot take call-backs")
    members = session.scalars(
        select(PanelMember.id).where(PanelMember.panel_id == wave.panel_id).order_by(PanelMember.id)
    ).all()
    for i, member in enumerate(members):
        session.add(
            PanelTask(
                wave_id=wave.id,
                member_id=member,
                owner=owners[i % len(owners)],
                due_at=now + timedelta(days=days),
                status="open",
                answers={},
            )
        )
    wave.started_at, wave.questions = now, questionnaire()
    session.flush()
    return len(members)


def tasks(session: Session, *, owner: str | None = None, status: str | None = "open") -> list[dict]:
    """Call-back tasks (one owner's, or everyone's), the soonest due first."""
    query = (
        select(PanelTask, PanelMember.customer_id, PanelWave.number, Panel.name, Panel.id)
        .join(PanelMember, PanelMember.id == PanelTask.member_id)
        .join(PanelWave, PanelWave.id == PanelTask.wave_id)
        .join(Panel, Panel.id == PanelWave.panel_id)
        .order_by(PanelTask.due_at, PanelTask.id)
    )
    if owner:
        query = query.where(PanelTask.owner == owner)
    if status:
        query = query.where(PanelTask.status == status)
    out = []
    for task, customer, number, name, panel_id in session.execute(query.limit(500)):
        card = desk.customer_card(session, customer)
        out.append(
            {
                "id": task.id,
                "panel_id": panel_id,
                "panel": name,
                "wave": number,
                "customer": customer,
                "title": card.get("title", ""),
                "phone_masked": card.get("phone_masked", ""),
                "brand": card.get("brand", ""),
                "owner": task.owner,
                "due_at": task.due_at.isoformat(),
                "status": task.status,
                "answers": task.answers,
            }
        )
    return out


def task_questions(session: Session, task_id: int) -> tuple[PanelTask, list[dict]]:
    task = session.get(PanelTask, task_id)
    if task is None:
        raise NotFound(f"no panel task {task_id}")
    return task, get_wave(session, task.wave_id).questions


def record_answers(
    session: Session,
    task_id: int,
    raw: dict[str, object],
    *,
    by: str,
    role: str,
    now: datetime,
    unreachable: bool = False,
) -> PanelTask:
    """What the customer said on the call-back (or that they could not be reached)."""
    task, questions = task_questions(session, task_id)
    if task.owner != by and role not in LEADS:
        raise Forbidden("this call-back is someone else's")
    if unreachable:
        task.status, task.answers = "unreachable", {}
    else:
        unknown = set(raw) - {q["key"] for q in questions}
        if unknown:
            raise Invalid(f"unknown question {', '.join(sorted(unknown))}")
        try:
            answers = {
                q["key"]: v
                for q in questions
                if (v := answer(q, "" if raw.get(q["key"]) is None else str(raw[q["key"]])))
                is not None
            }
        except ValueError as exc:
            raise Invalid(str(exc)) from None
        if not answers:
            raise Invalid("no answer given")
        task.status, task.answers = "answered", answers
    task.answered_at, task.answered_by = now, by
    session.flush()
    return task


def import_answers(
    session: Session, wave_id: int, rows: list[PanelRow], *, by: str, now: datetime
) -> int:
    """A file of answers for a started wave; a customer not called in this wave names its row
    and nothing is kept."""
    wave = get_wave(session, wave_id)
    if wave.started_at is None:
        raise Conflict(f"wave {wave.number} has not started")
    by_customer = {
        customer: task
        for task, customer in session.execute(
            select(PanelTask, PanelMember.customer_id)
            .join(PanelMember, PanelMember.id == PanelTask.member_id)
            .where(PanelTask.wave_id == wave_id)
        )
    }
    missing = [
        (r.row, f"客户 {r.customer} 不在本波次的回访名单中")
        for r in rows
        if r.customer not in by_customer
    ]
    if missing:
        raise SurveyError("回访答案未导入", missing)
    for r in rows:
        task = by_customer[r.customer]
        task.status, task.answers, task.answered_at, task.answered_by = (
            "answered",
            r.answers,
            now,
            by,
        )
    session.flush()
    return len(rows)


def report(session: Session, panel_id: int) -> dict:
    """Response rate and mean per question per wave, and the change between consecutive waves."""
    row = get_panel(session, panel_id)
    members = session.scalar(
        select(func.count()).select_from(PanelMember).where(PanelMember.panel_id == panel_id)
    )
    waves = session.scalars(
        select(PanelWave).where(PanelWave.panel_id == panel_id).order_by(PanelWave.number)
    ).all()
    out_waves, changes, previous = [], [], None
    for wave in waves:
        all_tasks = session.scalars(select(PanelTask).where(PanelTask.wave_id == wave.id)).all()
        answers = {str(t.member_id): t.answers for t in all_tasks if t.status == "answered"}
        questions = wave.questions or questionnaire()
        scales = [q for q in questions if q["kind"] == "scale"]
        out_waves.append(
            {
                "id": wave.id,
                "number": wave.number,
                "planned_at": wave.planned_at.isoformat(),
                "started_at": wave.started_at.isoformat() if wave.started_at else None,
                "tasks": len(all_tasks),
                "answered": len(answers),
                "response_rate": figure_json(stats.share(len(answers), len(all_tasks))),
                "questions": [
                    {
                        "key": q["key"],
                        "topic": q["topic"],
                        "mean": figure_json(stats.mean_score(panel.scores(answers, q["key"]))),
                    }
                    for q in scales
                ],
            }
        )
        if previous is not None and wave.started_at is not None:
            before, number = previous
            per_question = []
            for q in scales:
                moved = panel.change(before, answers, q["key"])
                per_question.append(
                    {
                        "key": q["key"],
                        "topic": q["topic"],
                        "improved": moved.improved,
                        "same": moved.same,
                        "worse": moved.worse,
                        "n": moved.n,
                    }
                )
            overall = panel.change(before, answers, OVERALL)
            changes.append(
                {
                    "from": number,
                    "to": wave.number,
                    "questions": per_question,
                    "improved_self": figure_json(panel.self_reported(answers, IMPROVED)),
                    "improved_measured": figure_json(panel.measured(overall)),
                }
            )
        if wave.started_at is not None:
            previous = (answers, wave.number)
    return {
        "panel": {
            "id": row.id,
            "name": row.name,
            "segment": row.segment,
            "size": row.size,
            "seed": row.seed,
            "stratify": row.stratify,
        },
        "members": members,
        "waves": out_waves,
        "changes": changes,
    }


def report_rows(found: dict) -> list[list[object]]:
    """The report as a table: each wave's figures per question, then each change."""
    out: list[list[object]] = [
        ["波次", "项目", "值", "下限", "上限", "样本", "改善", "持平", "变差"]
    ]
    for w in found["waves"]:
        rate = w["response_rate"]
        out.append([w["number"], "回访作答率%", rate["value"], *rate["ci"], w["tasks"], "", "", ""])
        for q in w["questions"]:
            m = q["mean"]
            out.append([w["number"], q["topic"], m["value"], *m["ci"], m["n"], "", "", ""])
    for c in found["changes"]:
        label = f"{c['from']}→{c['to']}"
        for q in c["questions"]:
            out.append(
                [label, q["topic"], "", "", "", q["n"], q["improved"], q["same"], q["worse"]]
            )
        for key, name in (
            ("improved_self", "自述感到改善%"),
            ("improved_measured", "整体满意得分提高%"),
        ):
            f = c[key]
            out.append([label, name, f["value"], *f["ci"], f["n"], "", "", ""])
    return [["" if v is None else v for v in line] for line in out]
