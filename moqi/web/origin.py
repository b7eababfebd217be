"""Cross-site requests are refused: a page elsewhere may not post our forms, call the API with
an agent's login cookie, or open an agent's WebSocket (CSRF, cross-site WebSocket hijacking).

Browsers say where a request comes from: `Origin` on every cross-origin POST and WebSocket,
`Sec-Fetch-Site` on everything, `Referer` on most. A request that changes something (not GET,
HEAD, OPTIONS) or opens a WebSocket is refused with 403 when any of these names a site other
than this server's own origin or one of MOQI_ALLOWED_ORIGINS. A request without any of them
does not come from a browser page (an API client, curl) and has no cookie to abuse. The login
cookie is also SameSite=Lax, so a browser does not send it with cross-site posts at all.
"""

from __future__ import annotations

from urllib.parse import urlsplit

from starlette.types import ASGIApp, Receive, Scope, Send

from moqi.settings import get_settings
from moqi.web.errors import problem

SAFE = frozenset({"GET", "HEAD", "OPTIONS"})


def own_origin(scope: Scope) -> str:
    """scheme://host[:port] this request was addressed to."""
    headers = dict(scope.get("headers") or ())
    host = headers.get(b"host", b"").decode("latin-1")
    if not host and scope.get("server"):
        name, port = scope["server"]
        host = f"{name}:{port}"
    scheme = {"ws": "http", "wss": "https"}.get(
        scope.get("scheme", "http"), scope.get("scheme", "http")
    )
    return f"{scheme}://{host}".lower()


def _origin_of(url: str) -> str:
    parts = urlsplit(url)
    return (
        f"{parts.scheme}://{parts.netloc}".lower() if parts.scheme and parts.netloc else url.lower()
    )


def refusal(scope: Scope) -> str | None:
    """Why this request is refused as cross-site (None: it is not)."""
    if scope["type"] == "http" and scope.get("method", "GET") in SAFE:
        return None
    headers = dict(scope.get("headers") or ())
    allowed = {own_origin(scope), *(_origin_of(o) for o in get_settings().allowed_origins)}
    origin = headers.get(b"origin")
    if origin is not None:
        said = origin.decode("latin-1").lower()
        return (
            None
            if said in allowed
            else f"requests from origin {said!r} are not allowed (MOQI_ALLOWED_ORIGINS)"
        )
    if headers.get(b"sec-fetch-site", b"") == b"cross-site":
        return "cross-site requests are not allowed"
    referer = headers.get(b"referer")
    if referer is not None:
        said = _origin_of(referer.decode("latin-1"))
        return (
            None
            if said in allowed
            else f"requests from pages of {said!r} are not allowed (MOQI_ALLOWED_ORIGINS)"
        )
    return None


class SameOrigin:
    """ASGI middleware: refuse cross-site requests (403) and WebSocket handshakes (close 4403)."""

    def __init__(self, app: ASGIApp):
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] in ("http", "websocket"):
            why = refusal(scope)
            if why:
                if scope["type"] == "websocket":
                    await send({"type": "websocket.close", "code": 4403, "reason": why[:120]})
                else:
                    await problem(403, "Forbidden", why)(scope, receive, send)
                return
        await self.app(scope, receive, send)
