"""Insight's JSON API for team leads and admins: satisfaction and NPS by group, ratings
imported from a post-call survey, and the competitiveness index from uploaded survey files."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Annotated

from fastapi import APIRouter, File, Form, HTTPException, Query, UploadFile

from moqi.insight import kpis, services
from moqi.insight.ratings_table import CHINA, read_ratings
from moqi.insight.report import group_json, index_answer, index_for
from moqi.nlp.table import read_table
from moqi.web.auth import LeadUser, SessionDep
from moqi.web.clock import now
from moqi.web.errors import MAX_BODY

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
