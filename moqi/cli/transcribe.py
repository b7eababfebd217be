"""`moqi transcribe FILE|DIR`: recordings to transcripts `moqi assist` reads, on every core."""

from __future__ import annotations

import json
import os
import sys
from collections.abc import Iterable
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, cast

import typer
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn

from moqi.cli.common import fail, now

if TYPE_CHECKING:
    from moqi.voice.batch import Outcome
    from moqi.voice.transcribe import AgentChannel


@contextmanager
def _progress(total: int):
    """A progress bar on a terminal, nothing otherwise."""
    if not sys.stderr.isatty() or total < 2:
        yield lambda: None
        return
    columns = (TextColumn("转写"), BarColumn(), MofNCompleteColumn(), TimeRemainingColumn())
    with Progress(*columns, console=Console(stderr=True), transient=True) as bar:
        task = bar.add_task("transcribing", total=total)
        yield lambda: bar.advance(task)


def transcribe(
    source: Annotated[
        Path, typer.Argument(help="A recording, or a folder of them (searched recursively).")
    ],
    out: Annotated[
        Path, typer.Option("--out", help="Folder for the transcripts (one .jsonl each).")
    ] = Path("transcripts"),
    as_json: Annotated[
        bool, typer.Option("--json", help="Print one JSON object with what was done.")
    ] = False,
    agent_channel: Annotated[
        str,
        typer.Option(
            "--agent-channel", help="In a stereo recording, the agent's channel: left or right."
        ),
    ] = "left",
    workers: Annotated[
        int | None,
        typer.Option(min=1, help="Recordings recognised at once (default: one per core)."),
    ] = None,
    store: Annotated[
        bool,
        typer.Option("--store", help="Also record each as a finished hotline contact."),
    ] = False,
) -> None:
    """Transcribe call recordings into JSONL {speaker, text, ts} transcripts; done ones are skipped."""
    from moqi.errors import Invalid
    from moqi.settings import get_settings
    from moqi.voice.batch import find_jobs, is_done, run
    from moqi.voice.engines import resolve
    from moqi.voice.model_files import AsrNotInstalled

    if agent_channel not in ("left", "right"):
        fail(f"--agent-channel must be left or right, not {agent_channel!r}")
    try:
        jobs = find_jobs(source, out)
    except Invalid as exc:
        fail(str(exc))
    todo = [j for j in jobs if not is_done(j)]
    skipped = [j for j in jobs if is_done(j)]
    outcomes: Iterable[Outcome] = ()
    if todo:
        settings = get_settings()
        try:  # the model is found (or assembled) once here, before any worker starts
            spec = resolve(settings.asr_engine, settings.asr_model_dir, settings.models_dir)
        except (AsrNotInstalled, Invalid) as exc:
            fail(str(exc))
        outcomes = run(
            todo,
            spec,
            workers=workers or os.cpu_count() or 1,
            agent_channel=cast("AgentChannel", agent_channel),
        )
    factory = None
    if store and todo:
        from moqi.cli.common import open_database

        factory = open_database()
    done: list[dict] = []
    failed: list[dict] = []
    audio_seconds = 0.0
    with _progress(len(todo)) as advance:
        for outcome in outcomes:
            advance()
            error, contact = outcome.error, None
            if error is None:
                error, contact = _save(outcome, factory)
            name = str(outcome.job.audio)
            if error:
                failed.append({"file": name, "error": error})
                print(f"moqi: failed: {name}: {error}", file=sys.stderr)
                continue
            audio_seconds += outcome.seconds
            item = {"file": name, "out": str(outcome.job.out), "turns": len(outcome.turns)}
            done.append(item | ({"contact": contact} if contact else {}))
            if not as_json:
                where = f"，已记录为接触 #{contact}" if contact else ""
                print(f"{name} → {outcome.job.out}（{len(outcome.turns)} 句{where}）")
    if factory is not None:
        factory.kw["bind"].dispose()  # its pooled connections closed now, not by the collector
    summary = {
        "done": done,
        "skipped": [str(j.audio) for j in skipped],
        "failed": failed,
        "audio_seconds": round(audio_seconds, 1),
    }
    if as_json:
        print(json.dumps(summary, ensure_ascii=False))
    else:
        print(f"完成 {len(done)}，跳过（已转写）{len(skipped)}，失败 {len(failed)}")
    if failed and not done and not skipped:
        raise typer.Exit(1)


def _save(outcome: Outcome, factory) -> tuple[str | None, int | None]:
    """Write the transcript (and store it when asked): (error, contact id)."""
    from sqlalchemy.exc import SQLAlchemyError

    from moqi.errors import MoqiError
    from moqi.voice.batch import jsonl, write_atomic

    stored: list[int] = []
    store = None
    if factory is not None:

        def store() -> None:
            from moqi.db import session_scope
            from moqi.voice.services import store_recording

            with session_scope(factory) as session:
                stored.append(
                    store_recording(session, outcome.job.audio.name, outcome.turns, now=now())
                )

    try:
        write_atomic(outcome.job.out, jsonl(outcome.turns), before_rename=store)
    except (OSError, MoqiError, SQLAlchemyError) as exc:  # this file's loss, not the others'
        return f"not saved: {exc}", None
    return None, stored[0] if stored else None
