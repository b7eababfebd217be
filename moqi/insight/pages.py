"""The insight page for team leads and admins: satisfaction and NPS by a chosen dimension with
their intervals, the competitiveness index from uploaded survey files, and the import of a
post-call survey export."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from typing import Annotated

from fastapi import APIRouter, File, Form, Path, Query, Request, UploadFile
from fastapi.responses import HTMLResponse, Response

from moqi.errors import MoqiError
from moqi.insight import export, kpi_view, kpis, services
from moqi.insight.kpi_defs import shipped as kpi_defs
from moqi.insight.ratings_table import CHINA, read_ratings
from moqi.insight.report import index_answer, index_for
from moqi.insight.routes import By, KpiBy, read_upload, satisfaction_json
from moqi.web.auth import SessionDep, page_access
from moqi.web.clock import now
from moqi.web.templates import templates

router = APIRouter(include_in_schema=False)
VIEWERS = ("team_lead", "admin")
BY_NAMES = {
    "agent": "坐席",
    "team": "班组",
    "reason": "来电原因",
    "channel": "渠道",
    "region": "地区",
    "brand": "品牌",
    "week": "周",
}


def _day(value: date) -> datetime:
    return datetime.combine(value, time(), tzinfo=CHINA)


def _period(since: date | None, until: date | None) -> tuple[date, date]:
    """The days asked for; by default the last 30 days, China time."""
    today = now().astimezone(CHINA).date()
    return since or today - timedelta(days=30), until or today


def _render(request, session, user, *, by, since, until, channel, **extra):
    start, end = _period(since, until)
    report = satisfaction_json(session, by, _day(start), _day(end) + timedelta(days=1), channel)
    return templates.TemplateResponse(
        request,
        "insight.html",
        {
            "user": user,
            "by": by,
            "by_names": BY_NAMES,
            "since": start.isoformat(),
            "until": end.isoformat(),
            "channel": channel or "",
            "report": report,
            **extra,
        },
        status_code=422 if extra.get("error") else 200,
    )


@router.get("/insight", response_class=HTMLResponse)
def insight_page(
    request: Request,
    session: SessionDep,
    by: By = "agent",
    since: date | None = None,
    until: date | None = None,
    channel: Annotated[str | None, Query(max_length=16)] = None,
):
    user, redirect = page_access(request, session, VIEWERS)
    if user is None:
        return redirect
    return _render(request, session, user, by=by, since=since, until=until, channel=channel)


@router.get("/insight/satisfaction.{kind}")
def satisfaction_file(
    request: Request,
    session: SessionDep,
    kind: Annotated[str, Path(pattern="^(csv|xlsx)$")],
    by: By = "agent",
    since: date | None = None,
    until: date | None = None,
    channel: Annotated[str | None, Query(max_length=16)] = None,
):
    """The report on the page as a file (the same filters)."""
    user, redirect = page_access(request, session, VIEWERS)
    if user is None:
        return redirect
    start, end = _period(since, until)
    report = satisfaction_json(session, by, _day(start), _day(end) + timedelta(days=1), channel)
    table = export.rows(report)
    name = f"satisfaction-{by}-{start}-{end}.{kind}"
    if kind == "csv":
        data, media = export.to_csv(table), "text/csv; charset=utf-8"
    else:
        data = export.to_xlsx(table, f"满意度-{BY_NAMES[by]}")
        media = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    return Response(
        data, media_type=media, headers={"Content-Disposition": f'attachment; filename="{name}"'}
    )


@router.post("/insight/index", response_class=HTMLResponse)
async def index_page(
    request: Request,
    session: SessionDep,
    survey: Annotated[UploadFile, File()],
    bases: Annotated[UploadFile, File()],
    us: Annotated[str, Form(min_length=1, max_length=40)],
    wave: Annotated[str | None, Form(max_length=40)] = None,
):
    user, redirect = page_access(request, session, VIEWERS)
    if user is None:
        return redirect
    try:
        found = index_for(await read_upload(survey), await read_upload(bases), us, wave or None)
    except MoqiError as exc:
        return _render(
            request, session, user, by="agent", since=None, until=None, channel=None, error=str(exc)
        )
    result = index_answer(*found, wave or None)
    return _render(
        request, session, user, by="agent", since=None, until=None, channel=None, index=result
    )


@router.post("/insight/ratings", response_class=HTMLResponse)
async def ratings_page(
    request: Request,
    session: SessionDep,
    file: Annotated[UploadFile, File()],
    source: Annotated[str, Form(pattern="^(ivr|sms|import)$")] = "ivr",
):
    user, redirect = page_access(request, session, VIEWERS)
    if user is None:
        return redirect
    try:
        rows = read_ratings(await read_upload(file))
        kept = services.import_ratings(session, rows, source=source, now=now())
    except MoqiError as exc:
        session.rollback()
        return _render(
            request, session, user, by="agent", since=None, until=None, channel=None, error=str(exc)
        )
    return _render(
        request,
        session,
        user,
        by="agent",
        since=None,
        until=None,
        channel=None,
        notice=f"已导入 {kept} 条评价（{file.filename}）",
    )


def _kpi_days(since: date | None, until: date | None) -> tuple[date, date, datetime, datetime]:
    """The days asked for (by default the last eight weeks, China time) and their bounds."""
    today = now().astimezone(CHINA).date()
    end = until or today
    start = since or end - timedelta(days=55)
    return start, end, _day(start), _day(end) + timedelta(days=1)


def _kpi_page(request, user, template: str, status: int = 200, **context):
    return templates.TemplateResponse(
        request,
        template,
        {
            "user": user,
            "by_names": kpi_view.BY_NAMES,
            "status_names": kpi_view.STATUS,
            "spark": kpi_view.sparkline,
            **context,
        },
        status_code=status,
    )


@router.get("/insight/kpis", response_class=HTMLResponse)
def kpi_board_page(
    request: Request, session: SessionDep, since: date | None = None, until: date | None = None
):
    user, redirect = page_access(request, session, VIEWERS)
    if user is None:
        return redirect
    start, end, lo, hi = _kpi_days(since, until)
    try:
        board = kpis.board(session, since=lo, until=hi)
    except MoqiError as exc:
        return _kpi_page(
            request, user, "kpis.html", 422, board=[], since=start, until=end, error=str(exc)
        )
    return _kpi_page(request, user, "kpis.html", board=board, since=start, until=end)


@router.get("/insight/kpis/{key}", response_class=HTMLResponse)
def kpi_drill_page(
    request: Request,
    session: SessionDep,
    key: Annotated[str, Path(pattern="^[a-z_0-9]{1,40}$")],
    by: KpiBy = None,
    since: date | None = None,
    until: date | None = None,
):
    user, redirect = page_access(request, session, VIEWERS)
    if user is None:
        return redirect
    if key not in kpi_defs():
        return _kpi_page(request, user, "kpi_drill.html", 404, item=None, error=f"没有指标 {key}")
    start, end, lo, hi = _kpi_days(since, until)
    try:
        item = kpis.one(session, key, since=lo, until=hi, by=by or "team")
    except MoqiError as exc:
        return _kpi_page(request, user, "kpi_drill.html", 422, item=None, error=str(exc))
    return _kpi_page(request, user, "kpi_drill.html", item=item, since=start, until=end)


@router.get("/insight/kpis.{kind}")
def kpi_file(
    request: Request,
    session: SessionDep,
    kind: Annotated[str, Path(pattern="^(csv|xlsx)$")],
    by: KpiBy = None,
    since: date | None = None,
    until: date | None = None,
):
    """The board as a file: each KPI for everyone and, with `by`, per group."""
    user, redirect = page_access(request, session, VIEWERS)
    if user is None:
        return redirect
    start, end, lo, hi = _kpi_days(since, until)
    table = kpi_view.rows(kpis.board(session, since=lo, until=hi, by=by))
    name = f"kpis-{by or 'all'}-{start}-{end}.{kind}"
    if kind == "csv":
        data, media = export.to_csv(table), "text/csv; charset=utf-8"
    else:
        data = export.to_xlsx(table, "运营指标")
        media = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    return Response(
        data, media_type=media, headers={"Content-Disposition": f'attachment; filename="{name}"'}
    )
