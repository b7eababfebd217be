"""Live audio latency: from the end of speech to its utterance on the socket.

    python bench/live_audio.py [--data DIR] [--clips N] [--rate 8000|16000]

Starts `moqi serve`'s app in this process (uvicorn on a loopback port, a fresh SQLite instance
with the demo content, Whisper base from the asr extra), opens a contact and streams each clip
of DIR (default ../shared/data/audio) into WS /ws/contacts/{id}/audio in real time, as the
customer, with a second of silence after it. For each utterance it prints when its speech ended
(stream seconds, as the VAD cut it), and the wall-clock delay from the moment that audio was
sent to the `recognised` message and to its `assist` event, and the recogniser's own time.
The delay includes the VAD's 0.6 s wait for silence.
"""

from __future__ import annotations

import argparse
import json
import os
import socket
import statistics
import sys
import tempfile
import threading
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _data import shared  # noqa: E402

FRAME_S = 0.1


def _serve(port: int):
    import uvicorn

    from moqi.app import create_app

    server = uvicorn.Server(
        uvicorn.Config(create_app(), host="127.0.0.1", port=port, log_level="warning")
    )
    threading.Thread(target=server.run, daemon=True).start()
    while not server.started:
        time.sleep(0.05)
    return server


def _stream(url: str, token: str, samples, rate: int) -> list[dict]:
    import numpy as np
    from websockets.sync.client import connect

    from moqi.web.auth import COOKIE

    pcm = np.clip(np.round(samples * 32767), -32768, 32767).astype("<i2")
    step = int(rate * FRAME_S)
    got: list[dict] = []
    with connect(url, additional_headers={"Cookie": f"{COOKIE}={token}"}) as ws:
        ws.send(json.dumps({"type": "start", "rate": rate, "speaker": "customer"}))
        assert json.loads(ws.recv(timeout=120))["type"] == "ready"
        began = time.monotonic()

        def receive() -> None:
            for raw in ws:
                message = json.loads(raw)
                message["_at"] = time.monotonic() - began
                got.append(message)
                if message["type"] == "ended":
                    return

        reader = threading.Thread(target=receive)
        reader.start()
        for i in range(0, len(pcm), step):
            delay = began + (i // step) * FRAME_S - time.monotonic()
            if delay > 0:
                time.sleep(delay)
            ws.send(pcm[i : i + step].tobytes())
        ws.send(json.dumps({"type": "end"}))
        reader.join(timeout=300)
    return got


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=None)
    parser.add_argument("--clips", type=int, default=6)
    parser.add_argument("--rate", type=int, default=16000, choices=(8000, 16000))
    args = parser.parse_args()
    folder = args.data or shared("data", "audio")
    home = Path(tempfile.mkdtemp(prefix="moqi-live-audio-"))
    os.environ["MOQI_HOME"] = str(home)
    os.environ.pop("MOQI_DATABASE_URL", None)

    import numpy as np
    from scipy import signal
    from sqlalchemy import select

    from moqi.accounts.logins import start_login
    from moqi.accounts.models import User
    from moqi.accounts.services import add_user
    from moqi.cli.common import setup_database
    from moqi.db import session_scope
    from moqi.voice.audio import load_audio
    from moqi.web.clock import now

    factory, _ = setup_database(demo=True)
    with session_scope(factory) as s:
        add_user(s, "bench_agent", "bench-pass-123", "agent")
    with session_scope(factory) as s:
        token = start_login(
            s, s.scalar(select(User).where(User.username == "bench_agent")), now=now()
        )
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    server = _serve(port)
    import urllib.request

    from moqi.web.auth import COOKIE

    files = sorted(folder.glob("*.wav"))[: args.clips]
    rows = []
    for path in files:
        samples = load_audio(path).channels[0]
        if args.rate == 8000:
            samples = signal.resample_poly(samples, 1, 2).astype(np.float32)
        pad = np.zeros(args.rate, np.float32)
        request = urllib.request.Request(
            f"http://127.0.0.1:{port}/api/contacts",
            data=b'{"channel": "voice"}',
            headers={"Content-Type": "application/json", "Cookie": f"{COOKIE}={token}"},
        )
        with urllib.request.urlopen(request) as r:
            cid = json.loads(r.read())["contact_id"]
        got = _stream(
            f"ws://127.0.0.1:{port}/ws/contacts/{cid}/audio",
            token,
            np.concatenate([pad[: args.rate // 2], samples, pad]),
            args.rate,
        )
        recognised = [m for m in got if m["type"] == "recognised"]
        assists = [m for m in got if m["type"] == "assist"]
        for i, m in enumerate(recognised):
            assist = assists[i]["_at"] - m["end"] if i < len(assists) else float("nan")
            rows.append((path.name, m["end"], m["_at"] - m["end"], assist, m["asr_ms"], m["text"]))
            print(
                f"{path.name[:34]:34} speech ended {m['end']:6.2f}s  recognised +{m['_at'] - m['end']:.2f}s"
                f"  assist +{assist:.2f}s  (recogniser {m['asr_ms'] / 1000:.2f}s)  {m['text'][:30]}",
                flush=True,
            )
    delays = [r[3] for r in rows if r[3] == r[3]]
    if delays:
        print(
            f"\n{len(delays)} utterances at {args.rate} Hz: end of speech → assist event "
            f"median {statistics.median(delays):.2f}s, max {max(delays):.2f}s; recogniser "
            f"median {statistics.median(r[4] for r in rows) / 1000:.2f}s"
        )
    server.should_exit = True


if __name__ == "__main__":
    main()
