"""RFC 9457 problem+json for every error."""

from __future__ import annotations

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException

from moqi.errors import Conflict, Forbidden, Invalid, MoqiError, NotFound

# The largest request body moqi reads (moqi.web.guard refuses more with 413).
MAX_BODY = 1024 * 1024


def problem(status: int, title: str, detail: str, **extra) -> JSONResponse:
    """A problem+json response."""
    body = {"type": "about:blank", "title": title, "status": status, "detail": detail, **extra}
    return JSONResponse(body, status_code=status, media_type="application/problem+json")


# The one mapping from the domain's errors (moqi.errors) to HTTP statuses.
STATUS: dict[type[MoqiError], int] = {NotFound: 404, Conflict: 409, Forbidden: 403, Invalid: 422}


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
    async def _http(_: Request, exc: HTTPException) -> JSONResponse:
        response = problem(exc.status_code, _title(exc.status_code), str(exc.detail))
        for k, v in (exc.headers or {}).items():
            response.headers[k] = v
        return response

    @app.exception_handler(RequestValidationError)
    async def _invalid(_: Request, exc: RequestValidationError) -> JSONResponse:
        errors = [{"loc": list(e.get("loc", ())), "msg": e.get("msg", "")} for e in exc.errors()]
        detail = "; ".join(f"{'.'.join(map(str, e['loc']))}: {e['msg']}" for e in errors)
        return problem(422, "Unprocessable Content", detail, errors=errors)


def _title(status: int) -> str:
    from http import HTTPStatus

    if status == 422:  # RFC 9110's name, as the validation answers say (3.11 says "Entity")
        return "Unprocessable Content"
    try:
        return HTTPStatus(status).phrase
    except ValueError:
        return "Error"
