"""WS /ws/contacts/{id}/audio: a live call's audio in, its utterances through the same path as
typed ones (assist.live.services.submit), the contact's messages out (docs/live-protocol.md).

  client → server: {"type": "start", "rate": 8000|16000, "channels": 1, "speaker": "customer"}
                   (or "channels": 2, "agent_channel": "left"), then binary frames of 16-bit
                   little-endian PCM (channels interleaved), then {"type": "end"}
  server → client: {"type": "ready"} | {"type": "recognised", "speaker", "ts", "end", "text",
                   "asr_ms"} | {"type": "behind", "pending", "detail"} | {"type": "ended", …}
                   | {"type": "error", "detail"} and every message of WS /ws/contacts/{id}
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging

from fastapi import APIRouter, WebSocket, WebSocketDisconnect
from pydantic import ValidationError

from moqi.assist.live import services as lives
from moqi.assist.live.writer import StorageError
from moqi.db import session_scope
from moqi.errors import MoqiError
from moqi.voice.live import MAX_PENDING, AudioStream, FrameError, Spoken, StreamTooLong
from moqi.voice.schemas import AudioStart
from moqi.web.auth import COOKIE
from moqi.web.clock import now
from moqi.web.params import Id
from moqi.web.sockets import admit_to_contact, pump, queue_listener, watch_login

router = APIRouter(tags=["voice"])
log = logging.getLogger("moqi.voice.live")
END = {"type": "end"}
NOT_STORED = "the utterance could not be stored (is the database reachable?)"
STREAM_TOO_LONG, ASR_UNAVAILABLE = 4413, 1011  # close codes
LEFTOVER_S = 300.0  # how long a stream whose client left may take to finish its utterances


class _Call:
    """One audio socket's work: cut utterances wait here, in order, for their recognition and
    then for storing; at most MAX_PENDING at once, after which reading the socket waits."""

    def __init__(self, websocket: WebSocket, contact_id: int):
        self.ws, self.app, self.contact_id = websocket, websocket.app, contact_id
        self.queue: asyncio.Queue = asyncio.Queue(maxsize=MAX_PENDING)
        self.stored = 0
        self.open = True

    async def say(self, message: dict) -> None:
        if self.open:
            with contextlib.suppress(RuntimeError, WebSocketDisconnect):
                await self.ws.send_json(message)

    async def add(self, spoken: list[Spoken]) -> None:
        for s in spoken:
            future = self.app.state.asr.submit(s)
            if self.queue.full():
                await self.say(
                    {
                        "type": "behind",
                        "pending": self.queue.qsize(),
                        "detail": "recognition is behind the audio: frames are read when it "
                        "catches up; nothing is dropped",
                    }
                )
            await self.queue.put((s, future))

    async def work(self) -> None:
        while True:
            spoken, future = await self.queue.get()
            try:
                await self._one(spoken, future)
            finally:
                self.queue.task_done()

    async def _one(self, spoken: Spoken, future) -> None:
        where = f"the {spoken.speaker}'s utterance at {spoken.start:.2f}s"
        try:
            done = await asyncio.wrap_future(future)
        except asyncio.CancelledError:
            if not future.cancelled():
                raise
            await self.say({"type": "error", "detail": f"{where}: the server is stopping"})
            return
        except Exception as exc:  # the engine's failure costs this utterance, said aloud
            log.exception("recognition failed: contact %s, %s", self.contact_id, where)
            await self.say({"type": "error", "detail": f"{where} was not recognised: {exc}"})
            return
        await self.say(
            {
                "type": "recognised",
                "speaker": spoken.speaker,
                "ts": round(spoken.start, 2),
                "end": round(spoken.end, 2),
                "text": done.text,
                "asr_ms": done.asr_ms,
            }
        )
        if not done.text:
            return
        app, live = self.app, self.app.state.hub.get(self.contact_id)
        try:
            if live is None or live.stale:
                with session_scope(app.state.db) as session:
                    live = lives.live_contact(app.state.hub, session, self.contact_id, now=now())
            _, stored = lives.submit(
                app.state.hub, app.state.writer, live, spoken.speaker, done.text, spoken.start
            )
            await asyncio.shield(asyncio.wrap_future(stored))
            self.stored += 1
        except MoqiError as exc:
            await self.say({"type": "error", "detail": f"{where}: {exc.detail}"})
        except StorageError:
            if live is not None:
                live.stale = True
                app.state.hub.drop(self.contact_id)
            await self.say({"type": "error", "detail": f"{where}: {NOT_STORED}"})


@router.websocket("/ws/contacts/{contact_id}/audio")
async def audio_socket(websocket: WebSocket, contact_id: Id) -> None:
    """Stream a call's audio; each utterance is recognised and fed to the contact."""
    app = websocket.app
    if not await admit_to_contact(websocket, contact_id):
        return
    await websocket.accept()
    token = websocket.cookies.get(COOKIE, "")
    hub_queue: asyncio.Queue = asyncio.Queue()
    stop = app.state.hub.listen_contact(
        contact_id, queue_listener(asyncio.get_running_loop(), hub_queue)
    )
    app.state.sockets.add(token, websocket)
    call = _Call(websocket, contact_id)
    tasks = [
        asyncio.create_task(pump(websocket, hub_queue)),
        asyncio.create_task(watch_login(websocket, token)),
        asyncio.create_task(call.work()),
    ]
    stream: AudioStream | None = None
    try:
        while True:
            message = await websocket.receive()
            if message["type"] == "websocket.disconnect":
                break
            if message.get("bytes") is not None:
                if stream is None:
                    await call.say({"type": "error", "detail": _HEADER_FIRST})
                    continue
                try:
                    await call.add(stream.feed(message["bytes"]))
                except StreamTooLong as exc:
                    await call.say({"type": "error", "detail": exc.detail})
                    await websocket.close(code=STREAM_TOO_LONG)
                    break
                except FrameError as exc:
                    await call.say({"type": "error", "detail": f"frame refused: {exc.detail}"})
                continue
            text = message.get("text") or ""
            if stream is None:
                stream = await _start(call, text)
                if not call.open:
                    break
                continue
            if _is_end(text):
                await call.add(stream.finish())
                await call.queue.join()
                await _drain(hub_queue)  # the assist events go out before the stream ends
                await call.say(_ended(stream, call))
                await websocket.close(code=1000)
                stream = None
                break
            await call.say({"type": "error", "detail": _AFTER_HEADER})
    except (WebSocketDisconnect, RuntimeError):
        pass  # the client left, or the socket was closed at logout
    finally:
        call.open = False
        app.state.sockets.remove(token, websocket)
        stop()
        for task in tasks[:2]:
            task.cancel()
        if stream:  # the client left mid-stream: what was said is still recognised and stored,
            # by a task of its own, which goes on even if this handler is cancelled
            leftover = asyncio.create_task(_leftovers(call, stream, tasks[2]))
            _LEFTOVERS.add(leftover)
            leftover.add_done_callback(_LEFTOVERS.discard)
            await asyncio.shield(leftover)
        else:
            tasks[2].cancel()


_LEFTOVERS: set[asyncio.Task] = set()  # referenced until done (the loop keeps weak ones)


async def _leftovers(call: _Call, stream: AudioStream, worker: asyncio.Task) -> None:
    try:
        await call.add(stream.finish())
        await asyncio.wait_for(call.queue.join(), LEFTOVER_S)
    except TimeoutError:
        log.error("contact %s: audio left unrecognised after %ss", call.contact_id, LEFTOVER_S)
    finally:
        worker.cancel()


_HEADER_FIRST = 'send the JSON start message first: {"type": "start", "rate": 8000, "channels": 1, "speaker": "customer"}'
_AFTER_HEADER = 'after the start message: binary PCM frames, and {"type": "end"} to finish'


async def _drain(queue: asyncio.Queue, limit_s: float = 2.0) -> None:
    for _ in range(int(limit_s / 0.01)):
        await asyncio.sleep(0.01)
        if queue.empty():
            return


async def _start(call: _Call, text: str) -> AudioStream | None:
    """The stream the start message asks for; None for a bad message (said why; the socket stays
    open) or when no recogniser can be loaded (said why; the socket is closed)."""
    try:
        start = AudioStart.model_validate(json.loads(text))
    except (ValueError, ValidationError) as exc:
        await call.say({"type": "error", "detail": _why(exc)})
        return None
    try:
        await asyncio.to_thread(call.app.state.asr.ready)
    except Exception as exc:  # not installed, no model, a broken engine: the client is told
        await call.say({"type": "error", "detail": f"speech recognition is not available: {exc}"})
        await call.ws.close(code=ASR_UNAVAILABLE)
        call.open = False
        return None
    stream = AudioStream(start)
    await call.say({"type": "ready", "rate": start.rate, "channels": start.channels})
    return stream


def _is_end(text: str) -> bool:
    try:
        return json.loads(text) == END
    except ValueError:
        return False


def _ended(stream: AudioStream, call: _Call) -> dict:
    return {
        "type": "ended",
        "seconds": round(stream.seconds, 2),
        "utterances": call.stored,
        "too_short": stream.dropped,
    }


def _why(exc: Exception) -> str:
    if isinstance(exc, ValidationError):
        error = exc.errors(include_url=False, include_context=False)[0]
        where = ".".join(map(str, error.get("loc", ())))
        return (
            f"start message: {where}: {error['msg']}" if where else f"start message: {error['msg']}"
        )
    return f"the start message is not JSON: {exc}"
