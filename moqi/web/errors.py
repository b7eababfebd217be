"""RFC 9457 problem+json for every error."""

from __future__ import annotations

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, Response
from starlette.exceptions import HTTPException

from moqi.errors import Conflict, Forbidden, Invalid, MoqiError, NotFound, Unavailable

# The largest request body moqi reads (moqi.web.guard refuses more with 413).
MAX_BODY = 1024 * 1024


def problem(status: int, title: str, detail: str, **extra) -> JSONResponse:
    """A problem+json response."""
    body = {"type": "about:blank", "title": title, "status": status, "detail": detail, **extra}
    return JSONResponse(body, status_code=status, media_type="application/problem+json")


# The one mapping from the domain's errors (moqi.errors) to HTTP statuses.
STATUS: dict[type[MoqiError], int] = {
    NotFound: 404,
    Conflict: 409,
    Forbidden: 403,
    Invalid: 422,
    Unavailable: 503,
}


def status_of(exc: MoqiError) -> int:
    """The status a domain error answers with: its first kind in STATUS, by the MRO (400 for a
    bare MoqiError)."""
    for cls in type(exc).__mro__:
        if cls in STATUS:
            return STATUS[cls]
    return 400


def domain_problem(exc: MoqiError) -> JSONResponse:
    """A domain error as problem+json: its `extra` members too, and `code` when it has one."""
    status = status_of(exc)
    code = {} if exc.code is None else {"code": exc.code}
    return problem(status, _title(status), exc.detail, **exc.extra, **code)


def install_problem_handlers(app: FastAPI) -> None:
    """Answer domain, HTTP and validation errors as problem+json."""

    @app.exception_handler(MoqiError)
    async def _domain(_: Request, exc: MoqiError) -> JSONResponse:
        return domain_problem(exc)

    @app.exception_handler(HTTPException)
    async def _http(request: Request, exc: HTTPException) -> Response:
        if exc.status_code in _PAGES and _wants_page(request):
            return _page(request, exc.status_code)
        response = problem(exc.status_code, _title(exc.status_code), str(exc.detail))
        for k, v in (exc.headers or {}).items():
            response.headers[k] = v
        return response

    @app.exception_handler(RequestValidationError)
    async def _invalid(_: Request, exc: RequestValidationError) -> JSONResponse:
        errors = [{"loc": list(e.get("loc", ())), "msg": e.get("msg", "")} for e in exc.errors()]
        detail = "; ".join(f"{'.'.join(map(str, e['loc']))}: {e['msg']}" for e in errors)
        return problem(422, "Unprocessable Content", detail, errors=errors)


# A person in a browser gets a page in Chinese, not problem+json (the API keeps its JSON).
_PAGES = {
    403: ("无权访问", "您的角色不能打开这个页面。如需使用，请联系管理员调整角色。"),
    404: ("页面不存在", "您要找的页面不存在，可能链接有误或内容已被删除。"),
}
_NOT_PAGES = ("/api/", "/ws/", "/static/", "/docs", "/openapi")


def _wants_page(request: Request) -> bool:
    return not request.url.path.startswith(_NOT_PAGES) and "text/html" in request.headers.get(
        "accept", ""
    )


def _page(request: Request, status: int) -> Response:
    from moqi.web.templates import templates

    heading, message = _PAGES[status]
    return templates.TemplateResponse(
        request, "error.html", {"heading": heading, "message": message}, status_code=status
    )


def _title(status: int) -> str:
    from http import HTTPStatus

    if status == 422:  # RFC 9110's name, as the validation answers say (3.11 says "Entity")
        return "Unprocessable Content"
    try:
        return HTTPStatus(status).phrase
    except ValueError:
        return "Error"
