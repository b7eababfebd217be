"""Workforce JSON API and pages for team leads and admins: queues, ACD upload, KPIs, plan, Erlang."""

from __future__ import annotations

import math
from typing import Annotated

from fastapi import APIRouter, File, Form, HTTPException, Path, Query, Request, UploadFile
from fastapi.responses import HTMLResponse

from moqi.web.auth import PLANNERS, LeadUser, SessionDep, page_access
from moqi.web.clock import now
from moqi.web.errors import MAX_BODY
from moqi.web.templates import templates
from moqi.workforce import (
    documents,
    erlang,
    erlang_a,
    limits,
    plan_text,
    service_level,
    services,
    views,
)
from moqi.workforce.kpi import WEEKDAYS, report, slot_label
from moqi.workforce.plan import PlanOptions, plan_as_dict
from moqi.workforce.schemas import DocumentIn, ErlangRequest, PlanQuery

router = APIRouter(prefix="/api/workforce", tags=["workforce"])
pages = APIRouter(include_in_schema=False)


def _options(q: PlanQuery) -> PlanOptions:
    return PlanOptions(
        q.target_sl,
        q.threshold_s,
        q.patience_s,
        q.sl_definition,
        q.shrinkage,
        q.weeks_back,
        q.held_back_weeks,
        q.time_limit_s,
        q.simulate_days,
        q.seed,
    )


def _plan(session, queue: str, q: PlanQuery, with_roster: bool = True):
    return services.plan_queue(
        session,
        queue,
        documents.holidays(session),
        documents.roster_rules(session),
        _options(q),
        with_roster=with_roster,
    )


DocumentName = Annotated[str, Path(pattern=r"^[a-z_]{1,32}$")]


def _document(session, name: str) -> dict:
    row = documents.text(session, name)
    return {
        "name": name,
        "label": documents.LABELS[name],
        "version": row.version,
        "text": row.text,
        "versions": documents.history(session, name),
    }


@router.get(
    "/documents/{name}",
    summary="A run-time document in force (holidays, roster_rules, acd_columns) and its versions",
)
def document(name: DocumentName, session: SessionDep, user: LeadUser) -> dict:
    return _document(session, name)


@router.put(
    "/documents/{name}",
    summary="Replace a run-time document with a new version, checked first (nothing kept on error)",
)
def replace_document(
    name: DocumentName, body: DocumentIn, session: SessionDep, user: LeadUser
) -> dict:
    documents.save(session, name, body.text, by=user.username, now=now())
    return _document(session, name)


@router.get("/queues", summary="Queues with their interval counts and date ranges")
def queues(session: SessionDep, user: LeadUser) -> list[dict]:
    return services.list_queues(session)


@router.post(
    "/queues/{queue}/imports",
    status_code=201,
    summary="Import an ACD interval file (CSV/XLSX); a bad row imports nothing",
)
async def import_acd(
    queue: str,
    session: SessionDep,
    user: LeadUser,
    file: Annotated[UploadFile, File()],
    threshold_s: Annotated[
        int | None, Form(ge=limits.ACD_THRESHOLD_S.low, le=limits.ACD_THRESHOLD_S.high)
    ] = None,
    interval_min: Annotated[int | None, Form()] = None,
):
    data = await file.read(MAX_BODY + 1)
    if len(data) > MAX_BODY:
        raise HTTPException(413, f"文件超过 {MAX_BODY // 1024} KB，请按月拆分后导入")
    summary = services.import_acd(
        session,
        data,
        file.filename or "upload.csv",
        queue,
        user.username,
        threshold_s=threshold_s,
        interval_min=interval_min,
    )
    return summary.as_dict()


@router.get(
    "/queues/{queue}/kpis",
    summary="KPIs per slot and day, the weekday × slot heat map and the balance measure",
)
def kpis(
    queue: str,
    session: SessionDep,
    user: LeadUser,
    sl_definition: Annotated[
        str, Query(pattern="^(offered|answered|short_abandons_excluded)$")
    ] = service_level.DEFAULT_SL,
) -> dict:
    data = services.queue_data(session, queue)
    rep = report(data.intervals, data.interval_min, data.threshold_s, sl_definition)
    b = rep.balance
    return {
        "queue": queue,
        "interval_min": data.interval_min,
        "threshold_s": data.threshold_s,
        "sl_definition": sl_definition,
        "service_level_definition": service_level.SL_DEFINITIONS[sl_definition],
        "total": rep.total.as_dict(sl_definition),
        "by_slot": [
            {"slot": slot_label(m, data.interval_min), **k.as_dict(sl_definition)}
            for m, k in rep.by_slot.items()
        ],
        "by_day": [
            {"day": d.isoformat(), "weekday": WEEKDAYS[d.weekday()], **k.as_dict(sl_definition)}
            for d, k in rep.by_day.items()
        ],
        "heatmap": [
            {
                "weekday": WEEKDAYS[w],
                "slot": slot_label(m, data.interval_min),
                "answer_rate": k.answer_rate,
                "offered": k.offered,
            }
            for (w, m), k in rep.heatmap.items()
        ],
        "balance": {
            "spread": b.spread,
            "best_slot": slot_label(b.best_slot, data.interval_min)
            if b.best_slot is not None
            else None,
            "worst_slot": slot_label(b.worst_slot, data.interval_min)
            if b.worst_slot is not None
            else None,
            "best_answer_rate": b.best_rate,
            "worst_answer_rate": b.worst_rate,
            "slots_considered": b.slots_considered,
        },
    }


@router.get(
    "/queues/{queue}/plan",
    summary="Forecast, requirement, roster (under/over per slot) and simulation check",
)
def plan(queue: str, session: SessionDep, user: LeadUser, q: Annotated[PlanQuery, Query()]) -> dict:
    return plan_as_dict(_plan(session, queue, q))


@router.post(
    "/erlang",
    summary="One slot: the minimum agents (Erlang C, or A with patience) or what a staffing achieves",
)
def erlang_slot(body: ErlangRequest, user: LeadUser) -> dict:
    r: erlang_a.StaffingA | erlang.Staffing
    if body.patience_s is not None:
        args = (body.calls, body.interval_s, body.aht_s)
        r = (
            erlang_a.evaluate(
                *args, body.agents, body.threshold_s, body.patience_s, body.sl_definition
            )
            if body.agents
            else erlang_a.required_agents(
                *args, body.target_sl, body.threshold_s, body.patience_s, body.sl_definition
            )
        )
        out = {**r.as_dict(), "model": "erlang_a"}
    else:
        r = (
            erlang.evaluate(body.calls, body.interval_s, body.aht_s, body.agents, body.threshold_s)
            if body.agents
            else erlang.required_agents(
                body.calls, body.interval_s, body.aht_s, body.target_sl, body.threshold_s
            )
        )
        out = {
            **r.as_dict(),
            "model": "erlang_c",
            "service_level_definition": service_level.SL_DEFINITIONS["offered"],
        }
    out["rostered_agents"] = math.ceil(r.agents / (1 - body.shrinkage))
    return out


@pages.get("/workforce", response_class=HTMLResponse)
def index_page(request: Request, session: SessionDep):
    user, redirect = page_access(request, session, PLANNERS)
    if redirect:
        return redirect
    return templates.TemplateResponse(
        request,
        "wf_index.html",
        {"user": user, "queues": services.list_queues(session), "max_kb": MAX_BODY // 1024},
    )


@pages.get("/workforce/{queue}", response_class=HTMLResponse)
def queue_page(
    request: Request,
    session: SessionDep,
    queue: str,
    sl_definition: Annotated[
        str, Query(pattern="^(offered|answered|short_abandons_excluded)$")
    ] = service_level.DEFAULT_SL,
):
    user, redirect = page_access(request, session, PLANNERS)
    if redirect:
        return redirect
    data = services.queue_data(session, queue)
    rep = report(data.intervals, data.interval_min, data.threshold_s, sl_definition)
    return templates.TemplateResponse(
        request,
        "wf_queue.html",
        {
            "user": user,
            "queue": queue,
            "rep": rep,
            "heat": views.heatmap(rep),
            "slot_label": slot_label,
            "sl_name": plan_text.sl_name(sl_definition),
            "definitions": plan_text.SL_NAMES,
            "pct": plan_text.pct,
            "secs": plan_text.secs,
        },
    )


@pages.get("/workforce/{queue}/plan", response_class=HTMLResponse)
def plan_page(
    request: Request,
    session: SessionDep,
    queue: str,
    q: Annotated[PlanQuery, Query()],
    day: Annotated[int, Query(ge=0, le=6)] = 0,
):
    user, redirect = page_access(request, session, PLANNERS)
    if redirect:
        return redirect
    result = _plan(session, queue, q)
    data = plan_as_dict(result)
    return templates.TemplateResponse(
        request,
        "wf_plan.html",
        {
            "user": user,
            "queue": queue,
            "plan": result,
            "data": data,
            "day": day,
            "chart": views.chart(result, day),
            "sl_name": plan_text.sl_name(q.sl_definition),
            "model_name": plan_text.MODEL_NAMES[result.model],
            "q": q,
            "pct": plan_text.pct,
            "weekdays": WEEKDAYS,
        },
    )
