"""`moqi simulate CALL`: replay a transcript into a live contact on a running `moqi serve`; with
`--audio`, stream a recording instead, recognised by the server as it plays (simulate_audio)."""

from __future__ import annotations

import json
import time
import urllib.error
import urllib.request
from pathlib import Path
from typing import Annotated

import typer

from moqi.cli.common import database_session, fail, now


def _call(url: str, token: str, body: dict) -> dict:
    from moqi.web.auth import COOKIE

    request = urllib.request.Request(
        url,
        data=json.dumps(body, ensure_ascii=False).encode(),
        method="POST",
        headers={"Content-Type": "application/json", "Cookie": f"{COOKIE}={token}"},
    )
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            return json.loads(response.read())
    except urllib.error.HTTPError as exc:
        detail = json.loads(exc.read() or b"{}").get("detail", exc.reason)
        fail(f"{url}: {exc.code} {detail}")
    except urllib.error.URLError as exc:
        fail(f"{url}: {exc.reason} (is `moqi serve` running?)")


def simulate(
    call: Annotated[
        Path,
        typer.Argument(
            help="Transcript (JSONL or 客户：/坐席： lines), or a recording with --audio."
        ),
    ],
    speed: Annotated[
        float, typer.Option(help="Replay speed: 2 plays twice as fast as the timestamps.")
    ] = 1.0,
    agent: Annotated[
        str, typer.Option(help="The agent the contact is opened for (logged in on this machine).")
    ] = "demo_agent",
    customer: Annotated[
        str | None, typer.Option(help="Customer id or phone (overrides the transcript header).")
    ] = None,
    url: Annotated[str, typer.Option(help="Where `moqi serve` listens.")] = "http://127.0.0.1:8000",
    audio: Annotated[
        bool,
        typer.Option("--audio", help="CALL is a recording: stream it for the server to recognise."),
    ] = False,
    speaker: Annotated[
        str, typer.Option(help="With --audio, who speaks in a mono recording: customer or agent.")
    ] = "customer",
    agent_channel: Annotated[
        str,
        typer.Option("--agent-channel", help="With --audio, a stereo recording's agent channel."),
    ] = "left",
) -> None:
    """Open a live contact as AGENT and feed the transcript (or, with --audio, the recording) in real time, so the workbench can be watched."""
    from sqlalchemy import select

    from moqi.accounts.logins import start_login
    from moqi.accounts.models import User
    from moqi.assist.transcript import TranscriptError, parse_transcript

    if speed <= 0:
        fail("--speed must be positive")
    if speaker not in ("customer", "agent"):
        fail(f"--speaker must be customer or agent, not {speaker!r}")
    if agent_channel not in ("left", "right"):
        fail(f"--agent-channel must be left or right, not {agent_channel!r}")
    if audio:
        from moqi.cli.simulate_audio import prepare

        start, frames = prepare(call, speaker, agent_channel)
        header: dict = {"channel": "voice", "title": f"录音：{call.name}"}
    else:
        try:
            transcript = parse_transcript(call.read_bytes())
        except FileNotFoundError:
            fail(f"{call}: no such file")
        except TranscriptError as exc:
            fail(f"{call}: {exc}")
        header = transcript.header
    # The simulator runs beside the server on the operator's machine: it logs the agent in
    # directly in the database instead of asking for a password.
    with database_session() as session:
        user = session.scalar(select(User).where(User.username == agent))
        if user is None:
            fail(f"no user {agent!r} (moqi init --demo creates demo_agent)")
        token = start_login(session, user, now=now())
    base = url.rstrip("/")
    opened = _call(
        f"{base}/api/contacts",
        token,
        {
            "customer": customer or header.get("customer"),
            "channel": header.get("channel", "voice"),
            "title": header.get("title", call.name),
        },
    )
    contact_id = opened["contact_id"]
    typer.echo(
        f"contact #{contact_id} is live: log in as {agent} and open {base}/workbench/{contact_id}"
    )
    if audio:
        from moqi.cli.simulate_audio import stream

        ws_base = "ws" + base.removeprefix("http")  # http → ws, https → wss
        ended = stream(f"{ws_base}/ws/contacts/{contact_id}/audio", token, start, frames, speed)
        if not ended:
            fail(f"contact #{contact_id}: the stream ended before the server said it was done")
        typer.echo(
            f"done: {ended['seconds']:.1f} s of audio, {ended['utterances']} utterances; "
            f"contact #{contact_id} waits for the agent's confirmation and wrap-up"
        )
        return
    previous = None
    for who, text, ts in transcript.turns:
        gap = 2.0 if ts is None or previous is None else max(0.0, ts - previous)
        time.sleep(min(gap, 30.0) / speed)
        previous = ts if ts is not None else (previous or 0.0) + 2.0
        event = _call(
            f"{base}/api/contacts/{contact_id}/utterances",
            token,
            {"speaker": who, "text": text, "ts": ts},
        )["event"]
        typer.echo(
            f"{event['turn']:>3} {'客户' if who == 'customer' else '坐席'} {event['emotion']['label']} 风险{event['emotion']['risk']:.2f} | {event['text'][:40]}"
        )
    typer.echo(f"done: contact #{contact_id} waits for the agent's confirmation and wrap-up")
