"""The WebSockets open in this process, by login: logging out closes them.

A socket is authenticated once, by the login cookie, when it opens. Logging out (or an admin
ending a user's logins) must not leave it working: the logout route closes the sockets of that
login here, and each socket also checks every LOGIN_CHECK_S that its login still holds, which
covers logins ended by another worker or by an admin's command.
"""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
import threading

from starlette.websockets import WebSocket

LOGIN_CHECK_S = 30.0
LOGGED_OUT = 4401  # the close code a page reads as "log in again"


def _key(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


class Sockets:
    """token → the sockets opened with it, and the loop each runs on."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._open: dict[str, dict[WebSocket, asyncio.AbstractEventLoop]] = {}

    def add(self, token: str, websocket: WebSocket) -> None:
        with self._lock:
            self._open.setdefault(_key(token), {})[websocket] = asyncio.get_running_loop()

    def remove(self, token: str, websocket: WebSocket) -> None:
        with self._lock:
            sockets = self._open.get(_key(token), {})
            sockets.pop(websocket, None)
            if not sockets:
                self._open.pop(_key(token), None)

    def close_login(self, token: str) -> int:
        """Close every socket opened with this login (from any thread); how many."""
        with self._lock:
            sockets = self._open.pop(_key(token), {})
        for websocket, loop in sockets.items():
            loop.call_soon_threadsafe(_close_soon, websocket)
        return len(sockets)


def _close_soon(websocket: WebSocket) -> None:
    asyncio.ensure_future(_close(websocket))


async def _close(websocket: WebSocket) -> None:
    with contextlib.suppress(RuntimeError):  # already closed
        await websocket.close(code=LOGGED_OUT)
