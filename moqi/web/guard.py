"""What a request may carry: a size cap, and no text that no database column can hold.

PostgreSQL refuses the NUL character in text and JSON, and JSON has no NaN or Infinity; a
value like that reaching the live writer once cost a whole batch of other agents' utterances.
So they are refused at the door, for every route, with a 422 that says which: NUL in the path,
the query string or a JSON or form body; NaN, Infinity or a number too large for a float
(1e400) in a JSON body. Multipart uploads are binary and are checked by their importers.
"""

from __future__ import annotations

import json
import math
import re

from starlette.exceptions import HTTPException
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from moqi.web.errors import MAX_BODY, problem

# A JSON escape for U+0000 that is not itself escaped ("\\u0000" is a backslash and text).
_NUL_ESCAPE = re.compile(rb"(?<!\\)(?:\\\\)*\\u0000")
NUL_REFUSED = "text may not contain the NUL character (U+0000)"


class NotJSONText(ValueError):
    """JSON that parses but holds what no column stores."""


def _constant(name: str) -> float:
    raise NotJSONText(f"{name} is not a number JSON allows")


def _finite(text: str) -> float:
    value = float(text)
    if not math.isfinite(value):
        raise NotJSONText(f"the number {text[:40]} is too large")
    return value


def strict_loads(data: str | bytes) -> object:
    """json.loads that refuses NaN, Infinity, numbers beyond a float and NUL characters
    (NotJSONText); malformed JSON raises json.JSONDecodeError as usual.

    >>> strict_loads('{"ts": 1.5}')
    {'ts': 1.5}
    """
    raw = data.encode() if isinstance(data, str) else data
    if b"\x00" in raw or _NUL_ESCAPE.search(raw):
        raise NotJSONText(NUL_REFUSED)
    return json.loads(raw, parse_constant=_constant, parse_float=_finite)


class RequestGuard:
    """Refuse bodies over MAX_BODY with 413 before the route reads them, and refuse NUL and
    non-finite numbers with 422 (see the module's docstring)."""

    def __init__(self, app: ASGIApp, limit: int = MAX_BODY):
        self.app, self.limit = app, limit

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] not in ("http", "websocket"):
            await self.app(scope, receive, send)
            return
        if "\x00" in scope.get("path", "") or b"%00" in scope.get("query_string", b"").lower():
            await self._refuse(scope, receive, send, NUL_REFUSED)
            return
        if scope["type"] == "websocket":
            await self.app(scope, receive, send)
            return
        headers = dict(scope.get("headers") or ())
        declared = headers.get(b"content-length")
        if declared is not None and (not declared.isdigit() or int(declared) > self.limit):
            await problem(413, "Payload Too Large", f"request body is over {self.limit} bytes")(
                scope, receive, send
            )
            return
        kind = headers.get(b"content-type", b"").split(b";")[0].strip().lower()
        if (
            kind == b"application/json"
            or kind.endswith(b"+json")
            or kind == b"application/x-www-form-urlencoded"
        ):
            await self._checked(scope, receive, send, kind)
            return
        seen = 0

        async def limited() -> Message:
            nonlocal seen
            message = await receive()
            seen += len(message.get("body", b""))
            if seen > self.limit:
                raise HTTPException(413, f"request body is over {self.limit} bytes")
            return message

        await self.app(scope, limited, send)

    async def _checked(self, scope: Scope, receive: Receive, send: Send, kind: bytes) -> None:
        """Read the whole (small) body, check it, and hand it on as if unread."""
        chunks, size = [], 0
        while True:
            message = await receive()
            if message["type"] != "http.request":
                break
            chunks.append(message.get("body", b""))
            size += len(chunks[-1])
            if size > self.limit:
                await problem(413, "Payload Too Large", f"request body is over {self.limit} bytes")(
                    scope, receive, send
                )
                return
            if not message.get("more_body"):
                break
        body = b"".join(chunks)
        detail = (
            _form_refusal(body)
            if kind == b"application/x-www-form-urlencoded"
            else _json_refusal(body)
        )
        if detail:
            await problem(422, "Unprocessable Content", detail)(scope, receive, send)
            return
        sent = False

        async def replay() -> Message:
            nonlocal sent
            if not sent:
                sent = True
                return {"type": "http.request", "body": body, "more_body": False}
            return await receive()

        await self.app(scope, replay, send)

    async def _refuse(self, scope: Scope, receive: Receive, send: Send, detail: str) -> None:
        if scope["type"] == "websocket":
            await send({"type": "websocket.close", "code": 4422, "reason": detail})
            return
        await problem(422, "Unprocessable Content", detail)(scope, receive, send)


def _json_refusal(body: bytes) -> str | None:
    try:
        strict_loads(body)
    except NotJSONText as exc:
        where = _where_not_finite(body)
        return f"body.{where}: {exc}" if where else str(exc)
    except ValueError:
        return None  # malformed JSON: the route's validation says so, as before
    return None


def _where_not_finite(body: bytes) -> str | None:
    """The path of the first NaN or infinite number in a JSON body ("utterances.0.ts")."""

    def walk(value: object, path: tuple) -> tuple | None:
        if isinstance(value, float) and not math.isfinite(value):
            return path
        items = (
            value.items()
            if isinstance(value, dict)
            else enumerate(value)
            if isinstance(value, list)
            else ()
        )
        for key, child in items:
            found = walk(child, (*path, key))
            if found is not None:
                return found
        return None

    try:
        found = walk(json.loads(body), ())
    except ValueError:
        return None
    return ".".join(map(str, found)) if found else None


def _form_refusal(body: bytes) -> str | None:
    return NUL_REFUSED if b"\x00" in body or b"%00" in body.lower() else None
