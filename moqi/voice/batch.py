"""Many recordings at once: find them, skip the ones already transcribed, recognise the rest on
every core (a process pool, one model per worker), write each transcript whole or not at all."""

from __future__ import annotations

import json
import os
import tempfile
from collections.abc import Callable, Iterator
from concurrent.futures import ProcessPoolExecutor, as_completed
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass, replace
from pathlib import Path

from moqi.errors import Invalid
from moqi.voice.audio import load_audio
from moqi.voice.engines import EngineSpec, build
from moqi.voice.recognizer import Recognizer
from moqi.voice.speakers import Turn
from moqi.voice.transcribe import AgentChannel, transcribe_recording

AUDIO_SUFFIXES = frozenset(
    {".wav", ".mp3", ".amr", ".awb", ".m4a", ".aac", ".flac", ".ogg", ".opus", ".wma", ".gsm"}
)


@dataclass(frozen=True)
class Job:
    """One recording and the transcript file it becomes."""

    audio: Path
    out: Path


@dataclass(frozen=True)
class Outcome:
    """What became of one job: turns (done) or error (failed); `seconds` of audio."""

    job: Job
    turns: tuple[Turn, ...] = ()
    seconds: float = 0.0
    error: str | None = None


def find_jobs(source: Path, out_dir: Path) -> list[Job]:
    """The recordings under `source` (a file, or a folder searched recursively) and their
    outputs: out_dir/<path under the folder, audio suffix replaced by .jsonl>. Invalid for a
    missing source, a folder without recordings, or two recordings that would share an output."""
    if source.is_file():
        return [Job(source, out_dir / (source.stem + ".jsonl"))]
    if not source.is_dir():
        raise Invalid(f"{source}: no such file or folder")
    files = sorted(
        p for p in source.rglob("*") if p.suffix.lower() in AUDIO_SUFFIXES and p.is_file()
    )
    if not files:
        raise Invalid(f"{source}: no recordings ({', '.join(sorted(AUDIO_SUFFIXES))})")
    jobs: list[Job] = []
    seen: dict[Path, Path] = {}
    for p in files:
        out = out_dir / p.relative_to(source).with_suffix(".jsonl")
        if out in seen:
            raise Invalid(f"{seen[out]} and {p} would both be written to {out}: rename one")
        seen[out] = p
        jobs.append(Job(p, out))
    return jobs


def is_done(job: Job) -> bool:
    """Whether the transcript exists (it is only ever renamed into place complete)."""
    return job.out.is_file()


def jsonl(turns: tuple[Turn, ...] | list[Turn]) -> str:
    """Turns as `moqi assist` reads them: one {speaker, text, ts} object a line."""
    return "".join(json.dumps(t.as_dict(), ensure_ascii=False) + "\n" for t in turns)


def write_atomic(path: Path, text: str, before_rename: Callable[[], None] | None = None) -> None:
    """Write `text` to a temporary file beside `path`, run `before_rename` (e.g. store it),
    then rename: a crash or an error on the way leaves no file at `path`."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".part", dir=path.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as f:
            f.write(text)
            f.flush()
            os.fsync(f.fileno())
        if before_rename is not None:
            before_rename()
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def transcribe_one(job: Job, recognizer: Recognizer, agent_channel: AgentChannel) -> Outcome:
    """Recognise one recording; any failure becomes the outcome's error, named for people."""
    try:
        recording = load_audio(job.audio)
        turns = transcribe_recording(recording, recognizer, agent_channel=agent_channel)
    except Invalid as exc:
        message = str(exc)
        return Outcome(job, error=message.removeprefix(f"{job.audio}: "))
    except Exception as exc:  # an engine's own failure must not cost the other files theirs
        return Outcome(job, error=f"{type(exc).__name__}: {exc}")
    return Outcome(job, tuple(turns), recording.seconds)


_worker: Recognizer | str | None = None  # this worker's recogniser, or why it has none


def _start_worker(spec: EngineSpec) -> None:
    global _worker
    try:
        _worker = build(spec)
    except Exception as exc:  # said on each job, not as a broken pool
        _worker = f"the recogniser did not start: {exc}"


def _work(job: Job, agent_channel: AgentChannel) -> Outcome:
    if _worker is None or isinstance(_worker, str):
        return Outcome(job, error=_worker or "no recogniser")
    return transcribe_one(job, _worker, agent_channel)


def run(
    jobs: list[Job], spec: EngineSpec, *, workers: int, agent_channel: AgentChannel = "left"
) -> Iterator[Outcome]:
    """Outcomes of `jobs` as they finish. One worker runs here with every core's threads;
    several run as processes with one thread each (faster-whisper uses a core per thread)."""
    if not jobs:
        return
    workers = max(1, min(workers, len(jobs)))
    cores = os.cpu_count() or 1
    if workers == 1:
        recognizer = build(replace(spec, threads=max(1, cores)))
        for job in jobs:
            yield transcribe_one(job, recognizer, agent_channel)
        return
    spec = replace(spec, threads=max(1, cores // workers))
    with ProcessPoolExecutor(workers, initializer=_start_worker, initargs=(spec,)) as pool:
        futures = {pool.submit(_work, job, agent_channel): job for job in jobs}
        for future in as_completed(futures):
            try:
                yield future.result()
            except BrokenProcessPool:
                yield Outcome(futures[future], error="the worker process died (out of memory?)")
