"""`moqi simulate CALL`: replay a transcript into a live contact on a running `moqi serve`."""

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
    call: Annotated[Path, typer.Argument(help="Transcript (JSONL or 客户：/坐席： lines).")],
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
) -> None:
    """Open a live contact as AGENT and feed the transcript in real time, so the workbench can be watched."""
    from sqlalchemy import select

    from moqi.accounts.logins import start_login
    from moqi.accounts.models import User
    from moqi.assist.transcript import TranscriptError, parse_transcript

    if speed <= 0:
        fail("--speed must be positive")
    try:
        transcript = parse_transcript(call.read_bytes())
    except FileNotFoundError:
        fail(f"{call}: no such file")
    except TranscriptError as exc:
        fail(f"{call}: {exc}")
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
            "customer": customer or transcript.header.get("customer"),
            "channel": transcript.header.get("channel", "voice"),
            "title": transcript.header.get("title", call.name),
        },
    )
    contact_id = opened["contact_id"]
    typer.echo(
        f"contact #{contact_id} is live: log in as {agent} and open {base}/workbench/{contact_id}"
    )
    previous = None
    for speaker, text, ts in transcript.turns:
        gap = 2.0 if ts is None or previous is None else max(0.0, ts - previous)
        time.sleep(min(gap, 30.0) / speed)
        previous = ts if ts is not None else (previous or 0.0) + 2.0
        event = _call(
            f"{base}/api/contacts/{contact_id}/utterances",
            token,
            {"speaker": speaker, "text": text, "ts": ts},
        )["event"]
        typer.echo(
            f"{event['turn']:>3} {'客户' if speaker == 'customer' else '坐席'} {event['emotion']['label']} 风险{event['emotion']['risk']:.2f} | {event['text'][:40]}"
        )
    typer.echo(f"done: contact #{contact_id} waits for the agent's confirmation and wrap-up")
