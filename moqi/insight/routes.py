"""Insight's JSON API for team leads and admins: satisfaction and NPS by group, ratings
imported from a post-call survey, and the competitiveness index from uploaded survey files."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Annotated

from fastapi import APIRouter, File, Form, HTTPException, Path, Query, UploadFile
from pydantic import BaseModel, Field

from moqi.insight import kpis, services
from moqi.insight.ratings_table import CHINA, read_ratings
from moqi.insight.report import group_json, index_answer, index_for
from moqi.insight.research_tables import read_journey_answers, read_panel_answers
from moqi.nlp.table import read_table
from moqi.web.auth import AgentUser, LeadUser, SessionDep
from moqi.web.clock import now
from moqi.web.errors import MAX_BODY
from moqi.web.params import Id

router = APIRouter(prefix="/api/insight", tags=["insight"])
By = Annotated[str, Query(pattern="^(agent|team|reason|channel|region|brand|week)$")]
KpiBy = Annotated[str | None, Query(pattern="^(team|region|brand|week)$")]


def _aware(moment: datetime | None) -> datetime | None:
    return moment.replace(tzinfo=CHINA) if moment and moment.tzinfo is None else moment


def satisfaction_json(session, by: str, since, until, channel) -> dict:
    everyone, groups = services.satisfaction(
        session, by=by, since=_aware(since), until=_aware(until), channel=channel or None
    )
    return {"by": by, "all": group_json(everyone), "groups": [group_json(g) for g in groups]}


@router.get("/satisfaction", summary="Satisfaction, share satisfied and NPS by a dimension")
def satisfaction(
    session: SessionDep,
    user: LeadUser,
    by: By = "agent",
    since: datetime | None = None,
    until: datetime | None = None,
    channel: Annotated[str | None, Query(max_length=16)] = None,
) -> dict:
    return satisfaction_json(session, by, since, until, channel)


async def read_upload(file: UploadFile) -> list[list[object]]:
    data = await file.read(MAX_BODY + 1)
    if len(data) > MAX_BODY:
        raise HTTPException(413, f"文件超过 {MAX_BODY // 1024} KB")
    return read_table(data, file.filename or "upload.csv")


@router.post(
    "/ratings/import",
    status_code=201,
    summary="Import a post-call survey export (CSV/XLSX); a bad row imports nothing",
)
async def import_ratings(
    session: SessionDep,
    user: LeadUser,
    file: Annotated[UploadFile, File()],
    source: Annotated[str, Form(pattern="^(ivr|sms|import)$")] = "ivr",
) -> dict:
    rows = read_ratings(await read_upload(file))
    return {"kept": services.import_ratings(session, rows, source=source, now=now())}


@router.post("/index", summary="The service competitiveness index from a survey and the bases")
async def index(
    user: LeadUser,
    survey: Annotated[UploadFile, File()],
    bases: Annotated[UploadFile, File()],
    us: Annotated[str, Form(min_length=1, max_length=40)],
    wave: Annotated[str | None, Form(max_length=40)] = None,
) -> dict:
    found = index_for(await read_upload(survey), await read_upload(bases), us, wave or None)
    return index_answer(*found, wave or None)


def kpi_period(since: datetime | None, until: datetime | None) -> tuple[datetime, datetime]:
    """The period asked for (a time without an offset is China time); by default the eight
    weeks up to now."""
    end = _aware(until) or now()
    return _aware(since) or end - timedelta(weeks=8), end


@router.get(
    "/kpis", summary="The KPI board: each KPI with its definition, value, target and status"
)
def kpi_board(
    session: SessionDep,
    user: LeadUser,
    since: datetime | None = None,
    until: datetime | None = None,
    by: KpiBy = None,
) -> dict:
    start, end = kpi_period(since, until)
    board = kpis.board(session, since=start, until=end, by=by)
    return {"since": start.isoformat(), "until": end.isoformat(), "by": by, "kpis": board}


# --- the fixed customer panel --------------------------------------------------------------------


class PanelIn(BaseModel):
    name: str = Field(min_length=1, max_length=80)
    segment: dict[str, Annotated[str, Field(max_length=100)]] = {}
    size: int = Field(ge=1, le=5000)
    seed: int = Field(ge=0, lt=2**31)
    stratify: bool = False


class WaveIn(BaseModel):
    planned_at: datetime


class StartIn(BaseModel):
    owners: list[Annotated[str, Field(min_length=1, max_length=64)]] = Field(
        min_length=1, max_length=200
    )
    days: int = Field(14, ge=1, le=90)


class TaskAnswersIn(BaseModel):
    answers: dict[str, int | str | None] = {}
    unreachable: bool = False


@router.get("/panels", summary="The fixed customer panels")
def panels(session: SessionDep, user: LeadUser) -> list[dict]:
    return services.panel.panels(session)


@router.post("/panels", status_code=201, summary="Recruit a panel from a segment (seeded draw)")
def create_panel(session: SessionDep, user: LeadUser, body: PanelIn) -> dict:
    row = services.panel.create_panel(
        session,
        name=body.name,
        segment=body.segment,
        size=body.size,
        seed=body.seed,
        stratify=body.stratify,
        now=now(),
        by=user.username,
    )
    return services.panel.report(session, row.id)


@router.get("/panels/{panel_id}", summary="A panel's waves, response rates and change wave on wave")
def panel_report(session: SessionDep, user: LeadUser, panel_id: Id) -> dict:
    return services.panel.report(session, panel_id)


@router.post("/panels/{panel_id}/waves", status_code=201, summary="Plan the panel's next wave")
def plan_wave(session: SessionDep, user: LeadUser, panel_id: Id, body: WaveIn) -> dict:
    wave = services.panel.plan_wave(session, panel_id, planned_at=_aware(body.planned_at) or now())
    return {"id": wave.id, "number": wave.number}


@router.post("/panel-waves/{wave_id}/start", summary="Start a wave: one call-back task per member")
def start_wave(session: SessionDep, user: LeadUser, wave_id: Id, body: StartIn) -> dict:
    made = services.panel.start_wave(
        session, wave_id, owners=body.owners, now=now(), days=body.days
    )
    return {"tasks": made}


@router.post(
    "/panel-waves/{wave_id}/answers",
    status_code=201,
    summary="Import a wave's answers (CSV/XLSX); a bad row imports nothing",
)
async def import_panel_answers(
    session: SessionDep, user: LeadUser, wave_id: Id, file: Annotated[UploadFile, File()]
) -> dict:
    wave = services.panel.get_wave(session, wave_id)
    questions = wave.questions or services.panel.questionnaire()
    rows = read_panel_answers(await read_upload(file), questions)
    return {
        "kept": services.panel.import_answers(session, wave_id, rows, by=user.username, now=now())
    }


@router.get("/panel-tasks", summary="Panel call-backs: the caller's own (a lead's: everyone's)")
def panel_tasks(
    session: SessionDep,
    user: AgentUser,
    status: Annotated[str, Query(pattern="^(open|answered|unreachable)$")] = "open",
) -> list[dict]:
    owner = None if user.role in ("team_lead", "admin") else user.username
    return services.panel.tasks(session, owner=owner, status=status)


@router.post("/panel-tasks/{task_id}", summary="Record what the customer said on the call-back")
def answer_panel_task(
    session: SessionDep, user: AgentUser, task_id: Id, body: TaskAnswersIn
) -> dict:
    task = services.panel.record_answers(
        session,
        task_id,
        dict(body.answers),
        by=user.username,
        role=user.role,
        now=now(),
        unreachable=body.unreachable,
    )
    return {"id": task.id, "status": task.status, "answers": task.answers}


# --- journey research ---------------------------------------------------------------------------


class NeedIn(BaseModel):
    stage: str = Field(min_length=1, max_length=32)
    text: str = Field(min_length=2, max_length=200)


class NeedChangeIn(BaseModel):
    text: Annotated[str, Field(min_length=2, max_length=200)] | None = None
    retired: bool | None = None


@router.get("/journey/needs", summary="The journey questionnaire: stages, need points, changes")
def journey_needs(session: SessionDep, user: LeadUser) -> dict:
    j = services.journey_research
    return {"needs": [j.need_json(n) for n in j.needs(session)], "history": j.history(session)}


@router.post("/journey/needs", status_code=201, summary="Add a need point to a stage")
def add_journey_need(session: SessionDep, user: LeadUser, body: NeedIn) -> dict:
    j = services.journey_research
    need = j.add_need(session, stage=body.stage, text=body.text, by=user.username, now=now())
    return j.need_json(need)


@router.patch("/journey/needs/{code}", summary="Rename, retire or restore a need point")
def change_journey_need(
    session: SessionDep,
    user: LeadUser,
    code: Annotated[str, Path(pattern="^J[0-9]{1,4}$")],
    body: NeedChangeIn,
) -> dict:
    j = services.journey_research
    need = j.change_need(
        session, code, by=user.username, now=now(), text=body.text, retired=body.retired
    )
    return j.need_json(need)


@router.post("/journey/surveys", status_code=201, summary="Import a journey survey (CSV/XLSX)")
async def import_journey_survey(
    session: SessionDep,
    user: LeadUser,
    file: Annotated[UploadFile, File()],
    name: Annotated[str, Form(min_length=1, max_length=120)],
) -> dict:
    j = services.journey_research
    active, known = j.codes(session)
    answers = read_journey_answers(await read_upload(file), active, known)
    survey = j.import_survey(session, name, answers, by=user.username, now=now())
    return {"id": survey.id, "respondents": survey.respondents, "answers": len(answers)}


@router.get("/journey/surveys", summary="The imported journey surveys")
def journey_surveys(session: SessionDep, user: LeadUser) -> list[dict]:
    return services.journey_research.surveys(session)


@router.get("/journey/surveys/{survey_id}/analysis", summary="Importance × performance ranking")
def journey_analysis(
    session: SessionDep,
    user: LeadUser,
    survey_id: Id,
    by: Annotated[str | None, Query(pattern="^(region|brand)$")] = None,
    core: Annotated[int, Query(ge=1, le=100)] = 16,
) -> dict:
    return services.journey_research.analysis(session, survey_id, by=by, core=core)
