"""Pages of the fixed customer panel (/insight/panel; service managers' call-backs at
/insight/panel/tasks) and of journey research (/insight/journey), with their CSV/XLSX exports."""

from __future__ import annotations

from datetime import date, datetime, time
from typing import Annotated

from fastapi import APIRouter, File, Form, Path, Query, Request, UploadFile
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from moqi.errors import MoqiError
from moqi.insight import export, research_charts, services
from moqi.insight.ratings_table import CHINA
from moqi.insight.research_tables import read_journey_answers, read_panel_answers
from moqi.insight.routes import read_upload
from moqi.web.auth import SessionDep, page_access
from moqi.web.clock import now
from moqi.web.params import Id, QueryId
from moqi.web.templates import templates

router = APIRouter(include_in_schema=False)
VIEWERS = ("team_lead", "admin")
CALLERS = ("agent", "team_lead", "admin")
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _file(table: list[list[object]], kind: str, name: str, title: str) -> Response:
    if kind == "csv":
        data, media = export.to_csv(table), "text/csv; charset=utf-8"
    else:
        data, media = export.to_xlsx(table, title), XLSX
    return Response(
        data, media_type=media, headers={"Content-Disposition": f'attachment; filename="{name}"'}
    )


# --- the panel ----------------------------------------------------------------------------------


def _panel_page(request, session, user, panel_id: int | None, status: int = 200, **extra):
    p = services.panel
    listed = p.panels(session)
    chosen = panel_id or (listed[-1]["id"] if listed else None)
    report = p.report(session, chosen) if chosen else None
    return templates.TemplateResponse(
        request,
        "panel.html",
        {
            "user": user,
            "panels": listed,
            "report": report,
            "chart": research_charts.wave_bars(report) if report else "",
            "segment_names": {
                "brand": "品牌",
                "vip": "VIP 等级",
                "plan": "套餐含",
                "region": "地区",
                "stage": "阶段",
            },
            **extra,
        },
        status_code=status,
    )


@router.get("/insight/panel", response_class=HTMLResponse)
def panel_page(request: Request, session: SessionDep, panel: QueryId = None):
    user, redirect = page_access(request, session, VIEWERS)
    if user is None:
        return redirect
    try:
        return _panel_page(request, session, user, panel)
    except MoqiError as exc:
        return _panel_page(request, session, user, None, 404, error=str(exc))


@router.post("/insight/panel", response_class=HTMLResponse)
def create_panel_page(
    request: Request,
    session: SessionDep,
    name: Annotated[str, Form(max_length=80)],
    size: Annotated[int, Form(ge=1, le=5000)],
    seed: Annotated[int, Form(ge=0, lt=2**31)] = 1,
    brand: Annotated[str, Form(max_length=100)] = "",
    vip: Annotated[str, Form(max_length=100)] = "",
    plan: Annotated[str, Form(max_length=100)] = "",
    region: Annotated[str, Form(max_length=100)] = "",
    stage: Annotated[str, Form(max_length=100)] = "",
    stratify: Annotated[bool, Form()] = False,
):
    user, redirect = page_access(request, session, VIEWERS)
    if user is None:
        return redirect
    segment = {"brand": brand, "vip": vip, "plan": plan, "region": region, "stage": stage}
    try:
        row = services.panel.create_panel(
            session,
            name=name,
            segment=segment,
            size=size,
            seed=seed,
            stratify=stratify,
            now=now(),
            by=user.username,
        )
    except MoqiError as exc:
        session.rollback()
        return _panel_page(request, session, user, None, 422, error=str(exc))
    return RedirectResponse(f"/insight/panel?panel={row.id}", status_code=303)


@router.post("/insight/panel/{panel_id}/waves", response_class=HTMLResponse)
def plan_wave_page(
    request: Request, session: SessionDep, panel_id: Id, planned: Annotated[date, Form()]
):
    user, redirect = page_access(request, session, VIEWERS)
    if user is None:
        return redirect
    try:
        moment = datetime.combine(planned, time(9), tzinfo=CHINA)
        services.panel.plan_wave(session, panel_id, planned_at=moment)
    except MoqiError as exc:
        session.rollback()
        return _panel_page(request, session, user, None, 422, error=str(exc))
    return RedirectResponse(f"/insight/panel?panel={panel_id}", status_code=303)


@router.post("/insight/panel/waves/{wave_id}/start", response_class=HTMLResponse)
def start_wave_page(
    request: Request,
    session: SessionDep,
    wave_id: Id,
    owners: Annotated[str, Form(max_length=2000)],
):
    user, redirect = page_access(request, session, VIEWERS)
    if user is None:
        return redirect
    names = [o.strip() for o in owners.replace("，", ",").split(",") if o.strip()]
    try:
        wave = services.panel.get_wave(session, wave_id)
        services.panel.start_wave(session, wave_id, owners=names, now=now())
    except MoqiError as exc:
        session.rollback()
        return _panel_page(request, session, user, None, 422, error=str(exc))
    return RedirectResponse(f"/insight/panel?panel={wave.panel_id}", status_code=303)


@router.post("/insight/panel/waves/{wave_id}/answers", response_class=HTMLResponse)
async def import_answers_page(
    request: Request, session: SessionDep, wave_id: Id, file: Annotated[UploadFile, File()]
):
    user, redirect = page_access(request, session, VIEWERS)
    if user is None:
        return redirect
    p = services.panel
    try:
        wave = p.get_wave(session, wave_id)
        rows = read_panel_answers(await read_upload(file), wave.questions or p.questionnaire())
        kept = p.import_answers(session, wave_id, rows, by=user.username, now=now())
    except MoqiError as exc:
        session.rollback()
        return _panel_page(request, session, user, None, 422, error=str(exc))
    return _panel_page(request, session, user, wave.panel_id, notice=f"已导入 {kept} 位客户的答案")


@router.get("/insight/panel/{panel_id}.{kind}")
def panel_file(
    request: Request,
    session: SessionDep,
    panel_id: Id,
    kind: Annotated[str, Path(pattern="^(csv|xlsx)$")],
):
    user, redirect = page_access(request, session, VIEWERS)
    if user is None:
        return redirect
    table = services.panel.report_rows(services.panel.report(session, panel_id))
    return _file(table, kind, f"panel-{panel_id}.{kind}", "固定客户跟踪测评")


@router.get("/insight/panel/tasks", response_class=HTMLResponse)
def tasks_page(request: Request, session: SessionDep):
    user, redirect = page_access(request, session, CALLERS)
    if user is None:
        return redirect
    return _tasks(request, session, user)


def _tasks(request, session, user, status: int = 200, **extra):
    p = services.panel
    owner = None if user.role in VIEWERS else user.username
    return templates.TemplateResponse(
        request,
        "panel_tasks.html",
        {
            "user": user,
            "tasks": p.tasks(session, owner=owner),
            "questions": p.questionnaire(),
            **extra,
        },
        status_code=status,
    )


@router.post("/insight/panel/tasks/{task_id}", response_class=HTMLResponse)
async def answer_task_page(request: Request, session: SessionDep, task_id: Id):
    user, redirect = page_access(request, session, CALLERS)
    if user is None:
        return redirect
    form = await request.form()
    keys = {q["key"] for q in services.panel.questionnaire()}
    answers: dict[str, object] = {
        k: str(v) for k, v in form.items() if k in keys and str(v).strip()
    }
    try:
        services.panel.record_answers(
            session,
            task_id,
            answers,
            by=user.username,
            role=user.role,
            now=now(),
            unreachable=form.get("unreachable") == "1",
        )
    except MoqiError as exc:
        session.rollback()
        return _tasks(request, session, user, 422, error=str(exc))
    return _tasks(request, session, user, notice="已记录")


# --- journey research -----------------------------------------------------------------------


def _journey_page(request, session, user, survey: int | None, by: str | None, status=200, **extra):
    j = services.journey_research
    chosen = survey or j.latest_survey(session)
    result = j.analysis(session, chosen, by=by) if chosen else None
    return templates.TemplateResponse(
        request,
        "journey.html",
        {
            "user": user,
            "surveys": j.surveys(session),
            "result": result,
            "by": by or "",
            "chart": research_charts.scatter(result) if result else "",
            "needs": j.needs(session),
            "stages": j.stages(),
            "history": j.history(session, 20),
            **extra,
        },
        status_code=status,
    )


JourneyBy = Annotated[str | None, Query(pattern="^(region|brand)$")]


@router.get("/insight/journey", response_class=HTMLResponse)
def journey_page(
    request: Request, session: SessionDep, survey: QueryId = None, by: JourneyBy = None
):
    user, redirect = page_access(request, session, VIEWERS)
    if user is None:
        return redirect
    try:
        return _journey_page(request, session, user, survey, by)
    except MoqiError as exc:
        return _journey_page(request, session, user, None, None, 404, error=str(exc))


@router.get("/insight/journey.{kind}")
def journey_file(
    request: Request,
    session: SessionDep,
    kind: Annotated[str, Path(pattern="^(csv|xlsx)$")],
    survey: QueryId = None,
    by: JourneyBy = None,
):
    user, redirect = page_access(request, session, VIEWERS)
    if user is None:
        return redirect
    j = services.journey_research
    chosen = survey or j.latest_survey(session)
    if chosen is None:
        return Response("还没有导入旅程调研", status_code=404)
    table = j.analysis_rows(j.analysis(session, chosen, by=by))
    return _file(table, kind, f"journey-{chosen}-{by or 'all'}.{kind}", "客户旅程调研")


@router.post("/insight/journey/needs", response_class=HTMLResponse)
def add_need_page(
    request: Request,
    session: SessionDep,
    stage: Annotated[str, Form(max_length=32)],
    text: Annotated[str, Form(max_length=200)],
):
    user, redirect = page_access(request, session, VIEWERS)
    if user is None:
        return redirect
    try:
        services.journey_research.add_need(
            session, stage=stage, text=text, by=user.username, now=now()
        )
    except MoqiError as exc:
        session.rollback()
        return _journey_page(request, session, user, None, None, 422, error=str(exc))
    return RedirectResponse("/insight/journey#needs", status_code=303)


@router.post("/insight/journey/needs/{code}", response_class=HTMLResponse)
def change_need_page(
    request: Request,
    session: SessionDep,
    code: Annotated[str, Path(pattern="^J[0-9]{1,4}$")],
    text: Annotated[str | None, Form(max_length=200)] = None,
    retired: Annotated[str | None, Form(pattern="^(0|1)$")] = None,
):
    user, redirect = page_access(request, session, VIEWERS)
    if user is None:
        return redirect
    try:
        services.journey_research.change_need(
            session,
            code,
            by=user.username,
            now=now(),
            text=text or None,
            retired=None if retired is None else retired == "1",
        )
    except MoqiError as exc:
        session.rollback()
        return _journey_page(request, session, user, None, None, 422, error=str(exc))
    return RedirectResponse("/insight/journey#needs", status_code=303)


@router.post("/insight/journey/surveys", response_class=HTMLResponse)
async def import_survey_page(
    request: Request,
    session: SessionDep,
    file: Annotated[UploadFile, File()],
    name: Annotated[str, Form(min_length=1, max_length=120)],
):
    user, redirect = page_access(request, session, VIEWERS)
    if user is None:
        return redirect
    j = services.journey_research
    try:
        active, known = j.codes(session)
        answers = read_journey_answers(await read_upload(file), active, known)
        survey = j.import_survey(session, name, answers, by=user.username, now=now())
    except MoqiError as exc:
        session.rollback()
        return _journey_page(request, session, user, None, None, 422, error=str(exc))
    return _journey_page(
        request,
        session,
        user,
        survey.id,
        None,
        notice=f"已导入 {survey.respondents} 位受访者的答案",
    )
