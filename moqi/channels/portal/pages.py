"""The customer's self-service portal, /portal: pages for a phone's browser (H5), plain forms
that work without JavaScript. Answers are public; the one-click check, the chat with it
attached and signing out need the customer's own session (an SMS code, signin.py), never a
staff login: a staff cookie opens nothing here, and a customer's cookie nothing of the staff's.
"""

from __future__ import annotations

import threading
import time
from typing import Annotated
from urllib.parse import quote

from fastapi import APIRouter, Form, HTTPException, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from moqi.accounts.limits import SlidingWindow
from moqi.channels.portal import content, services, signin
from moqi.channels.routes import after_stored
from moqi.errors import Invalid, MoqiError
from moqi.service import services as desk
from moqi.settings import get_settings
from moqi.web.auth import SessionDep
from moqi.web.clock import now
from moqi.web.templates import templates

router = APIRouter(include_in_schema=False)

COOKIE = "moqi_portal"
NO_STORE = {"Cache-Control": "no-store"}
# Per client address: code requests an hour, and sign-in tries in ten minutes.
CODES_PER_ADDRESS, CODE_WINDOW_S = 20, 3600.0
TRIES_PER_ADDRESS, TRY_WINDOW_S = 30, 600.0
_NEXT = {"checkup": "/portal/checkup", "home": "/portal"}
_lock = threading.Lock()


def _limiter(request: Request, name: str, limit: int, window: float) -> SlidingWindow:
    state = request.app.state
    found = getattr(state, name, None)
    if found is None:
        with _lock:
            found = getattr(state, name, None)
            if found is None:
                found = SlidingWindow(limit, window)
                setattr(state, name, found)
    return found


def _address(request: Request) -> str:
    return request.client.host if request.client else "unknown"


def _limited(request: Request, name: str, limit: int, window: float) -> None:
    wait = _limiter(request, name, limit, window).hit(_address(request), time.monotonic())
    if wait:
        raise HTTPException(429, "操作过于频繁，请稍后再试", headers={"Retry-After": str(wait)})


def _customer(request: Request, session) -> str | None:
    return signin.customer_of(session, request.cookies.get(COOKIE), now=now())


def _page(request: Request, name: str, context: dict, *, status: int = 200, headers=None):
    return templates.TemplateResponse(
        request, name, context, status_code=status, headers={**NO_STORE, **(headers or {})}
    )


def _account_title(session, customer_id: str | None) -> str:
    if customer_id is None:
        return ""
    account = desk.customer_account(session, customer_id, now=now())
    return account["title"] or "尊敬的客户"


@router.get("/portal", response_class=HTMLResponse)
def home(request: Request, session: SessionDep):
    who = _customer(request, session)
    categories = services.home(session, content.shipped(), now=now())
    return _page(
        request,
        "portal_home.html",
        {
            "title": _account_title(session, who),
            "signed_in": who is not None,
            "categories": categories,
        },
    )


@router.get("/portal/c/{code}", response_class=HTMLResponse)
def category(code: str, request: Request, session: SessionDep):
    found = services.category(session, content.shipped(), code[:32], now=now())
    return _page(
        request,
        "portal_category.html",
        {"category": found, "signed_in": _customer(request, session) is not None},
    )


@router.get("/portal/search", response_class=HTMLResponse)
def search(request: Request, session: SessionDep, q: str = ""):
    try:
        query, hits = services.search(session, q, now=now())
    except Invalid as exc:
        return _page(
            request,
            "portal_search.html",
            {"q": q[:50], "hits": [], "error": exc.message},
            status=422,
        )
    return _page(request, "portal_search.html", {"q": query, "hits": hits, "error": ""})


@router.get("/portal/a/{article_id}", response_class=HTMLResponse)
def answer(article_id: str, request: Request, session: SessionDep):
    found = services.answer(session, article_id[:64], now=now())
    signed_in = _customer(request, session) is not None
    return _page(request, "portal_answer.html", {"a": found, "signed_in": signed_in})


# -- signing in ---------------------------------------------------------------------------------


def _login_page(
    request: Request,
    *,
    phone: str = "",
    sent: bool = False,
    error: str = "",
    next: str = "checkup",
    status: int = 200,
    headers=None,
):
    return _page(
        request,
        "portal_login.html",
        {
            "phone": phone,
            "sent": sent,
            "error": error,
            "next": next if next in _NEXT else "checkup",
            "minutes": signin.CODE_MINUTES,
            "resend": signin.RESEND_SECONDS,
        },
        status=status,
        headers=headers,
    )


@router.get("/portal/login", response_class=HTMLResponse)
def login_page(request: Request, next: str = "checkup"):
    return _login_page(request, next=next)


@router.post("/portal/login/code", response_class=HTMLResponse)
def send_code(
    request: Request,
    session: SessionDep,
    phone: Annotated[str, Form(max_length=64)] = "",
    next: Annotated[str, Form(max_length=16)] = "checkup",
):
    shown = phone[: signin.MAX_INPUT]
    try:
        signin.phone_number(phone)  # a malformed number is refused before it counts
        _limited(request, "portal_code_limiter", CODES_PER_ADDRESS, CODE_WINDOW_S)
        signin.request_code(
            session, phone, content=content.shipped(), now=now(), address=_address(request)
        )
    except signin.TooMany as exc:
        session.rollback()
        return _login_page(
            request,
            phone=shown,
            sent=True,
            error=exc.message,
            next=next,
            status=429,
            headers={"Retry-After": str(exc.retry_after)},
        )
    except MoqiError as exc:
        session.rollback()
        return _login_page(request, phone=shown, error=exc.message, next=next, status=422)
    session.commit()
    # The same answer whether or not the number is a customer's.
    return _login_page(request, phone=shown, sent=True, next=next)


@router.post("/portal/login")
def sign_in(
    request: Request,
    session: SessionDep,
    phone: Annotated[str, Form(max_length=64)] = "",
    code: Annotated[str, Form(max_length=64)] = "",
    next: Annotated[str, Form(max_length=16)] = "checkup",
):
    _limited(request, "portal_try_limiter", TRIES_PER_ADDRESS, TRY_WINDOW_S)
    try:
        verified = signin.verify(session, phone, code, now=now())
    except MoqiError as exc:
        session.rollback()
        return _login_page(
            request,
            phone=phone[: signin.MAX_INPUT],
            sent=True,
            error=exc.message,
            next=next,
            status=422,
        )
    session.commit()  # a wrong code's try is counted either way
    if isinstance(verified, signin.Refused):
        return _login_page(
            request,
            phone=phone[: signin.MAX_INPUT],
            sent=True,
            error=verified.message,
            next=next,
            status=422,
        )
    response = RedirectResponse(_NEXT.get(next, "/portal/checkup"), status_code=303)
    response.set_cookie(
        COOKIE,
        verified.token,
        httponly=True,
        samesite="lax",
        secure=get_settings().secure_cookies,
        path="/",
    )
    return response


@router.post("/portal/logout")
def sign_out(request: Request, session: SessionDep):
    signin.sign_out(session, request.cookies.get(COOKIE), now=now())
    session.commit()
    response = RedirectResponse("/portal", status_code=303)
    response.delete_cookie(COOKIE, path="/")
    return response


# -- the customer's own: the check and the chat -------------------------------------------------


def _signed_in(request: Request, session) -> str | Response:
    who = _customer(request, session)
    if who is None:
        return RedirectResponse("/portal/login?next=checkup", status_code=303)
    return who


@router.get("/portal/checkup", response_class=HTMLResponse)
def checkup_page(request: Request, session: SessionDep):
    who = _signed_in(request, session)
    if isinstance(who, Response):
        return who
    account, findings = services.run_checkup(
        session, who, content.shipped(), content.shipped_faults(), now=now()
    )
    return _page(
        request,
        "portal_checkup.html",
        {"account": account, "findings": findings, "signed_in": True},
    )


@router.post("/portal/chat")
def open_chat(request: Request, session: SessionDep):
    who = _signed_in(request, session)
    if isinstance(who, Response):
        return who
    _, findings = services.run_checkup(
        session, who, content.shipped(), content.shipped_faults(), now=now()
    )
    visitor = services.chat_visitor(who, request.cookies.get(COOKIE) or "")
    services.start_chat(session, who, visitor, findings, now=now())
    session.commit()
    after_stored(request.app, 0, "")  # hand it to an available agent now, not at the next round
    return RedirectResponse("/portal/chat", status_code=303)


@router.get("/portal/chat", response_class=HTMLResponse)
def chat_page(request: Request, session: SessionDep):
    who = _signed_in(request, session)
    if isinstance(who, Response):
        return who
    visitor = services.chat_visitor(who, request.cookies.get(COOKIE) or "")
    services.link_chat(session, who, visitor, now=now())
    session.commit()
    return _page(request, "portal_chat.html", {"visitor": quote(visitor), "signed_in": True})
