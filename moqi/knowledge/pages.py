"""Knowledge pages: search with hot topics, an item with its versions, the review queue,
success stories. Server-rendered; actions go through the JSON API (routes/)."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse
from markdown_it import MarkdownIt
from markupsafe import Markup

from moqi.accounts import ROLES
from moqi.content.model import BRANDS, SCRIPT_KIND_LABELS
from moqi.errors import Invalid, NotFound
from moqi.knowledge import items, review, stories, usage, versions
from moqi.knowledge.models import BusinessRow, ReasonRow
from moqi.web.auth import SessionDep, page_access
from moqi.web.clock import now
from moqi.web.params import QueryId
from moqi.web.templates import templates

router = APIRouter(include_in_schema=False)
EDITORS = ("knowledge_editor", "admin")
_md = MarkdownIt("commonmark", {"html": False})  # raw HTML in content is shown as text, never run


def _source(user) -> str:
    """Where a proposal made on these pages comes from: an expert's answer, an editor, the front line."""
    return {"expert": "expert", "knowledge_editor": "editor", "admin": "editor"}.get(
        user.role, "workbench"
    )


def _choices(session) -> dict:
    from sqlalchemy import select

    return {
        "businesses": [
            (b.code, b.name)
            for b in session.scalars(select(BusinessRow).order_by(BusinessRow.name))
        ],
        "reasons": [
            (r.code, r.label)
            for r in session.scalars(select(ReasonRow).order_by(ReasonRow.position))
        ],
        "brands": BRANDS,
        "kind_labels": items.KIND_LABELS,
        "script_kinds": SCRIPT_KIND_LABELS,
    }


@router.get("/knowledge", response_class=HTMLResponse)
def search_page(request: Request, session: SessionDep, q: str = ""):
    user, redirect = page_access(request, session, ROLES)
    if user is None:  # nobody logged in: to /login
        return redirect
    hot = usage.hot_topics(session, now=now())
    return templates.TemplateResponse(
        request,
        "kb_search.html",
        {"user": user, "q": q, "hot": hot, "is_editor": user.role in EDITORS, **_choices(session)},
    )


@router.get("/knowledge/new/{kind}", response_class=HTMLResponse)
def new_item_page(
    request: Request, session: SessionDep, kind: str, source: str = "", ref: str = ""
):
    user, redirect = page_access(request, session, ROLES)
    if user is None:  # nobody logged in: to /login
        return redirect
    if kind not in items.VERSIONED:
        raise NotFound(f"no kind {kind!r}")
    return templates.TemplateResponse(
        request,
        "kb_item.html",
        {
            "user": user,
            "kind": kind,
            "key": "",
            "body": None,
            "history": [],
            "fields": items.FIELDS[kind],
            "is_editor": user.role in EDITORS,
            "html": "",
            "list_fields": items.LIST_FIELDS,
            "source": source if source in review.SOURCES else _source(user),
            "source_ref": ref[:64],
            **_choices(session),
        },
    )


@router.get("/knowledge/{kind}/{key}", response_class=HTMLResponse)
def item_page(request: Request, session: SessionDep, kind: str, key: str):
    user, redirect = page_access(request, session, ROLES)
    if user is None:  # nobody logged in: to /login
        return redirect
    if kind not in items.VERSIONED:
        raise NotFound(f"no kind {kind!r}")
    body, history = versions.item_view(session, kind, key)
    html = Markup(_md.render(body["answer"])) if kind == "article" and body else ""
    context = {
        "user": user,
        "kind": kind,
        "key": key,
        "body": body,
        "history": history,
        "fields": items.FIELDS[kind],
        "is_editor": user.role in EDITORS,
        "html": html,
        "list_fields": items.LIST_FIELDS,
        "source": _source(user),
    }
    return templates.TemplateResponse(request, "kb_item.html", {**context, **_choices(session)})


@router.get("/knowledge/review", response_class=HTMLResponse, name="review_page")
def review_page(request: Request, session: SessionDep, status: str = "open"):
    user, redirect = page_access(request, session, ROLES)
    if user is None:  # nobody logged in: to /login
        return redirect
    if status not in (*review.STATUSES, "all"):
        raise Invalid(f"unknown status {status!r}")
    is_editor = user.role in EDITORS
    rows = review.listing(
        session,
        status=None if status == "all" else status,
        proposer=None if is_editor else user.username,
    )
    # The approve button is offered only where approving is allowed: not on one's own proposal.
    proposals = [
        {
            "p": p,
            "diff": review.preview(session, p) if p.status == "open" else [],
            "comments": review.comments(session, p.id),
            "can_approve": is_editor and review.may_approve(p, user.username),
        }
        for p in rows
    ]
    return templates.TemplateResponse(
        request,
        "kb_review.html",
        {
            "user": user,
            "proposals": proposals,
            "status": status,
            "is_editor": is_editor,
            "labels": review.STATUS_LABELS,
            "kind_labels": items.KIND_LABELS,
        },
    )


@router.get("/knowledge/stories", response_class=HTMLResponse, name="stories_page")
def stories_page(request: Request, session: SessionDep, contact: QueryId = None):
    user, redirect = page_access(request, session, ROLES)
    if user is None:  # nobody logged in: to /login
        return redirect
    return templates.TemplateResponse(
        request,
        "kb_stories.html",
        {
            "user": user,
            "stories": stories.ranked(session),
            "contact_id": contact,
            "is_editor": user.role in EDITORS,
            **_choices(session),
        },
    )
