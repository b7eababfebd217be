"""`moqi simulate CALL --audio`: stream a recording over WS /ws/contacts/{id}/audio in real time
(or `--speed` times faster), printing what the server recognises and what assist makes of it."""

from __future__ import annotations

import json
import threading
import time
from pathlib import Path

import typer

from moqi.cli.common import fail

FRAME_S = 0.1  # audio a frame carries


def _pcm(channels, rate: int) -> list[bytes]:
    """Interleaved 16-bit little-endian frames of FRAME_S seconds."""
    import numpy as np

    step = int(rate * FRAME_S)
    data = np.clip(np.round(channels.T * 32767), -32768, 32767).astype("<i2")
    return [data[i : i + step].tobytes() for i in range(0, len(data), step)]


def prepare(path: Path, speaker: str, agent_channel: str) -> tuple[dict, list[bytes]]:
    """The start message and the frames: a stereo recording as both speakers, a mono one (or
    one whose channels are the same signal) as `speaker`; 8 kHz recordings are sent at 8 kHz."""
    import numpy as np

    from moqi.errors import Invalid
    from moqi.voice.audio import load_audio
    from moqi.voice.recognizer import RATE
    from moqi.voice.transcribe import SAME_CHANNELS

    try:
        recording = load_audio(path)
    except Invalid as exc:
        fail(str(exc))
    channels = recording.channels
    if recording.stereo and float(np.max(np.abs(channels[0] - channels[1]))) <= SAME_CHANNELS:
        channels = channels[:1]
    rate = RATE
    if recording.source_rate == 8000:  # as the telephone line delivered it
        from scipy import signal

        channels = signal.resample_poly(channels, 1, 2, axis=1).astype(np.float32)
        rate = 8000
    start: dict = {"type": "start", "rate": rate, "channels": len(channels)}
    start |= {"speaker": speaker} if len(channels) == 1 else {"agent_channel": agent_channel}
    return start, _pcm(channels, rate)


def _show(message: dict) -> None:
    kind = message.get("type")
    if kind == "recognised":
        who = "客户" if message["speaker"] == "customer" else "坐席"
        said = message["text"] or "（未识别出文字）"
        typer.echo(f"    识别 {message['ts']:7.2f}s {who} {said}  [{message['asr_ms']:.0f} ms]")
    elif kind == "assist":
        event = message["event"]
        who = "客户" if event["speaker"] == "customer" else "坐席"
        emotion = event["emotion"]
        typer.echo(
            f"{event['turn']:>3} {who} {emotion['label']} 风险{emotion['risk']:.2f} | {event['text'][:40]}"
        )
    elif kind in ("behind", "error"):
        typer.echo(f"moqi: {kind}: {message.get('detail')}", err=True)
    elif kind == "alert":
        typer.echo(f"    告警 风险{message['risk']:.2f} {message.get('text', '')}")


def stream(url: str, token: str, start: dict, frames: list[bytes], speed: float) -> dict:
    """Send the frames paced at `speed` × real time; print what comes back; the `ended` message."""
    from websockets.exceptions import ConnectionClosed, InvalidHandshake
    from websockets.sync.client import connect

    from moqi.web.auth import COOKIE

    ended: dict = {}
    try:
        ws = connect(url, additional_headers={"Cookie": f"{COOKIE}={token}"}, max_size=2**22)
    except (OSError, InvalidHandshake) as exc:
        fail(f"{url}: {exc} (is `moqi serve` running?)")
    with ws:

        def receive() -> None:
            try:
                for raw in ws:
                    message = json.loads(raw)
                    _show(message)
                    if message.get("type") == "ended":
                        ended.update(message)
            except ConnectionClosed:
                pass

        reader = threading.Thread(target=receive, daemon=True)
        ws.send(json.dumps(start))
        first = json.loads(ws.recv(timeout=120))  # loading the model takes seconds
        if first.get("type") != "ready":
            fail(f"{url}: {first.get('detail', first)}")
        reader.start()
        began = time.monotonic()
        try:
            for i, frame in enumerate(frames):
                delay = began + i * FRAME_S / speed - time.monotonic()
                if delay > 0:
                    time.sleep(delay)
                ws.send(frame)
            ws.send(json.dumps({"type": "end"}))
        except ConnectionClosed as exc:
            fail(f"{url}: the server closed the stream ({exc})")
        reader.join(timeout=600)
    return ended
