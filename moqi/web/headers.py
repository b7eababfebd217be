"""Security headers on every response: pages run only our own scripts, are never framed, and
say nothing of where the agent came from."""

from __future__ import annotations

from starlette.datastructures import MutableHeaders
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from moqi.web.origin import own_origin

# Styles may be inline (the heat maps colour cells by value); scripts may not: every script is
# a file under /static, so an injected <script> or onclick= does not run.
_POLICY = (
    "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; "
    "connect-src 'self' {ws}; font-src 'self'; object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'none'"
)
_FIXED = {
    "X-Frame-Options": "DENY",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
    "Cross-Origin-Opener-Policy": "same-origin",
    "Permissions-Policy": "camera=(), geolocation=(), microphone=(), payment=()",
}


class SecurityHeaders:
    """ASGI middleware adding the headers above to every HTTP response."""

    def __init__(self, app: ASGIApp):
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        # The workbench's socket is same-origin; CSP 'self' did not cover ws: in older browsers.
        origin = own_origin(scope)
        ws = origin.replace("http://", "ws://", 1).replace("https://", "wss://", 1)

        async def with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = MutableHeaders(scope=message)
                for name, value in _FIXED.items():
                    headers.setdefault(name, value)
                headers.setdefault("Content-Security-Policy", _POLICY.format(ws=ws))
            await send(message)

        await self.app(scope, receive, with_headers)
