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

from moqi.accounts.logins import user_for_token
from moqi.assist.live import services as lives
from moqi.db import session_scope
from moqi.errors import Conflict, NotFound
from moqi.web.auth import socket_user
from moqi.web.clock import now

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


async def pump(websocket: WebSocket, queue: asyncio.Queue) -> None:
    """Send what the hub hands over, in order, for as long as the socket lives."""
    while True:
        await websocket.send_json(await queue.get())


def queue_listener(loop: asyncio.AbstractEventLoop, queue: asyncio.Queue):
    """A hub listener that hands each message to `queue` on `loop`: listeners are called from
    whichever thread stored the utterance."""
    return lambda message: loop.call_soon_threadsafe(queue.put_nowait, message)


async def watch_login(websocket: WebSocket, token: str) -> None:
    """Close the socket once its login no longer holds (logged out elsewhere, user deactivated)."""
    app = websocket.app

    def still_valid() -> bool:
        with app.state.db() as session:
            return user_for_token(session, token, now=now()) is not None

    while True:
        await asyncio.sleep(LOGIN_CHECK_S)
        if not await asyncio.to_thread(still_valid):
            await websocket.close(code=LOGGED_OUT)
            return


async def admit_to_contact(websocket: WebSocket, contact_id: int) -> bool:
    """Whether the caller may use a socket of this live contact (its agent, their team's lead, an
    admin): the text socket and the audio socket ask the same. When not, the socket is closed
    with 4404 (no such live contact) or 4403 (not logged in, or not theirs)."""
    app = websocket.app
    with session_scope(app.state.db) as session:
        user = socket_user(websocket, session, ("agent", "team_lead", "admin"))
        try:
            live = (
                lives.live_contact(app.state.hub, session, contact_id, now=now()) if user else None
            )
        except (NotFound, Conflict):
            await websocket.close(code=4404)
            return False
        if user is None or live is None or live.refusal(user.role, user.username, user.team):
            await websocket.close(code=4403)
            return False
    return True
