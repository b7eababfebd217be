"""Journey research (客户旅程调研): the questionnaire's stages and need points (loaded from
moqi/data/insight/journey.yaml the first time, then edited on the page with every change kept),
surveys imported from a file, and the importance × performance analysis of one survey."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from moqi.content.reading import shipped_yaml
from moqi.errors import Conflict, Invalid, NotFound
from moqi.insight import journey
from moqi.insight.report import figure_json
from moqi.insight.research_models import (
    JourneyAnswer,
    JourneyNeed,
    JourneyNeedChange,
    JourneySurvey,
)
from moqi.nlp.normalize import normalize

CONTENT = "insight/journey.yaml"
SPLITS = ("region", "brand")


def stages() -> list[str]:
    return [s["name"] for s in shipped_yaml(CONTENT)["stages"]]


def ensure_needs(session: Session) -> None:
    """The shipped need points, on a database that has none yet."""
    if session.scalar(select(func.count()).select_from(JourneyNeed)):
        return
    position = 0
    for stage in shipped_yaml(CONTENT)["stages"]:
        for need in stage["needs"]:
            position += 1
            session.add(
                JourneyNeed(
                    code=need["code"],
                    stage=stage["name"],
                    text=need["text"],
                    position=position,
                    retired=False,
                    version=1,
                )
            )
    session.flush()


def needs(session: Session, *, retired: bool = True) -> list[JourneyNeed]:
    ensure_needs(session)
    query = select(JourneyNeed).order_by(JourneyNeed.position, JourneyNeed.id)
    if not retired:
        query = query.where(JourneyNeed.retired.is_(False))
    return list(session.scalars(query))


def need_json(n: JourneyNeed) -> dict:
    return {
        "code": n.code,
        "stage": n.stage,
        "text": n.text,
        "retired": n.retired,
        "version": n.version,
    }


def _text(text: str) -> str:
    clean = normalize(text or "").strip()
    if not 2 <= len(clean) <= 200:
        raise Invalid("text: 2–200 characters")
    return clean


def add_need(session: Session, *, stage: str, text: str, by: str, now: datetime) -> JourneyNeed:
    """A new need point at the end of its stage, with the next free code (codes are never reused)."""
    ensure_needs(session)
    if stage not in stages():
        raise Invalid(f"stage: one of {'、'.join(stages())}")
    codes = [int(c[1:]) for c in session.scalars(select(JourneyNeed.code)) if c[1:].isdigit()]
    last = session.scalar(select(func.max(JourneyNeed.position)).where(JourneyNeed.stage == stage))
    after = session.scalars(select(JourneyNeed).where(JourneyNeed.position > (last or 0))).all()
    for later in after:
        later.position += 1
    need = JourneyNeed(
        code=f"J{max(codes, default=0) + 1:02d}",
        stage=stage,
        text=_text(text),
        position=(last or 0) + 1,
        retired=False,
        version=1,
    )
    session.add(need)
    session.flush()
    session.add(JourneyNeedChange(need_id=need.id, action="add", after=need.text, at=now, by=by))
    session.flush()
    return need


def change_need(
    session: Session,
    code: str,
    *,
    by: str,
    now: datetime,
    text: str | None = None,
    retired: bool | None = None,
) -> JourneyNeed:
    """Rename, retire or restore a need point; each change is kept with who made it."""
    ensure_needs(session)
    need = session.scalar(select(JourneyNeed).where(JourneyNeed.code == code))
    if need is None:
        raise NotFound(f"no need point {code}")
    if text is not None and _text(text) != need.text:
        clean = _text(text)
        session.add(
            JourneyNeedChange(
                need_id=need.id, action="rename", before=need.text, after=clean, at=now, by=by
            )
        )
        need.text, need.version = clean, need.version + 1
    if retired is not None and retired != need.retired:
        session.add(
            JourneyNeedChange(
                need_id=need.id, action="retire" if retired else "restore", at=now, by=by
            )
        )
        need.retired, need.version = retired, need.version + 1
    session.flush()
    return need


def history(session: Session, limit: int = 50) -> list[dict]:
    rows = session.execute(
        select(JourneyNeedChange, JourneyNeed.code)
        .join(JourneyNeed, JourneyNeed.id == JourneyNeedChange.need_id)
        .order_by(JourneyNeedChange.id.desc())
        .limit(limit)
    )
    return [
        {
            "code": code,
            "action": c.action,
            "before": c.before,
            "after": c.after,
            "at": c.at.isoformat(),
            "by": c.by,
        }
        for c, code in rows
    ]


def codes(session: Session) -> tuple[list[str], list[str]]:
    """The active codes and every code ever used (for the importer)."""
    every = needs(session)
    return [n.code for n in every if not n.retired], [n.code for n in every]


def import_survey(
    session: Session, name: str, answers: list[journey.Answer], *, by: str, now: datetime
) -> JourneySurvey:
    name = normalize(name or "").strip()[:120]
    if not name:
        raise Invalid("name: the survey needs a name")
    if session.scalar(select(JourneySurvey.id).where(JourneySurvey.name == name)):
        raise Conflict(f"a survey named {name} exists already")
    ids = {n.code: n.id for n in needs(session)}
    survey = JourneySurvey(
        name=name, respondents=len({a.respondent for a in answers}), imported_at=now, imported_by=by
    )
    session.add(survey)
    session.flush()
    session.add_all(
        JourneyAnswer(
            survey_id=survey.id,
            respondent=a.respondent,
            region=a.region,
            brand=a.brand,
            need_id=ids[a.need],
            importance=a.importance,
            performance=a.performance,
        )
        for a in answers
    )
    session.flush()
    return survey


def surveys(session: Session) -> list[dict]:
    return [
        {
            "id": s.id,
            "name": s.name,
            "respondents": s.respondents,
            "imported_at": s.imported_at.isoformat(),
            "imported_by": s.imported_by,
        }
        for s in session.scalars(select(JourneySurvey).order_by(JourneySurvey.id.desc()))
    ]


def latest_survey(session: Session) -> int | None:
    return session.scalar(select(func.max(JourneySurvey.id)))


def analysis(
    session: Session, survey_id: int, *, by: str | None = None, core: int = journey.CORE
) -> dict:
    """The ranking of one survey's need points, and with `by` the same per region or brand."""
    survey = session.get(JourneySurvey, survey_id)
    if survey is None:
        raise NotFound(f"no journey survey {survey_id}")
    if by is not None and by not in SPLITS:
        raise Invalid("by: region or brand")
    every = {n.id: n for n in needs(session)}
    answers = [
        journey.Answer(
            a.respondent, a.region, a.brand, every[a.need_id].code, a.importance, a.performance
        )
        for a in session.scalars(select(JourneyAnswer).where(JourneyAnswer.survey_id == survey_id))
    ]
    info = {n.code: n for n in every.values()}
    result = {
        "survey": {"id": survey.id, "name": survey.name, "respondents": survey.respondents},
        "by": by,
        "core_rule": core,
        **analysis_json(journey.analyse(answers, core=core), info),
    }
    if by:
        result["groups"] = [
            {"group": g, **analysis_json(a, info)}
            for g, a in journey.split(answers, by, core=core).items()
        ]
    return result


def analysis_json(found: journey.Analysis, info: dict[str, JourneyNeed]) -> dict:
    r = lambda v: None if v is None else round(v, 3)  # noqa: E731
    return {
        "respondents": found.respondents,
        "small_sample": found.small,
        "importance": r(found.importance),
        "performance": r(found.performance),
        "needs": [
            {
                "rank": n.rank,
                "code": n.code,
                "stage": info[n.code].stage,
                "text": info[n.code].text,
                "importance": r(n.importance),
                "performance": r(n.performance),
                "gap": figure_json(n.gap),
                "quadrant": n.quadrant,
                "priority": r(n.priority),
                "core": n.core,
                "n": n.n,
            }
            for n in found.needs
        ],
    }


def analysis_rows(found: dict) -> list[list[object]]:
    """The ranking as a table (and each group's, with `by`)."""
    head = [
        "分组",
        "受访者",
        "排名",
        "编号",
        "阶段",
        "需求点",
        "重要度",
        "表现",
        "差距",
        "差距下限",
        "差距上限",
        "象限",
        "优先度",
        "核心需求",
        "样本",
        "样本少",
    ]
    out: list[list[object]] = [list[object](head)]
    for name, part in [("全部", found), *[(g["group"], g) for g in found.get("groups", [])]]:
        for n in part["needs"]:
            out.append(
                [
                    name,
                    part["respondents"],
                    n["rank"],
                    n["code"],
                    n["stage"],
                    n["text"],
                    n["importance"],
                    n["performance"],
                    n["gap"]["value"],
                    *n["gap"]["ci"],
                    n["quadrant"],
                    n["priority"],
                    "是" if n["core"] else "",
                    n["n"],
                    "是" if part["small_sample"] else "",
                ]
            )
    return [["" if v is None else v for v in line] for line in out]
