"""A mining run: calls split into chunks, each chunk mined by a worker into a Tally, the
tallies summed. Workers are this process (one worker), a local process pool (several), or a
Dask cluster (`scheduler`, e.g. tcp://host:8786) running the same chunk function. Without
`workers`, every core, but no more workers than CALLS_PER_WORKER calls each keep busy.

With a state folder the run is resumable: after finished chunks (at most once a second, and
when the run stops for any reason) the done chunks and their summed tally are written
atomically; a rerun skips the chunks done and adds only the rest.
"""

from __future__ import annotations

import hashlib
import os
import time
from collections.abc import Callable, Generator, Sequence
from concurrent.futures import Future, ProcessPoolExecutor, as_completed
from multiprocessing import get_context
from pathlib import Path
from typing import Any

from moqi.mining.analyse import analyse_calls
from moqi.mining.calls import Call
from moqi.mining.rules import Rules
from moqi.mining.state import load_state, save_state
from moqi.mining.tally import Tally

CHUNK = 100
# A worker process starts in seconds (an interpreter, the engine): by default each is given
# at least this many calls (a few seconds of work), so a small file is mined in this process.
CALLS_PER_WORKER = 1000
# Seconds between state writes while chunks finish: at least this, and ten times what the
# last write took (a large tally's state takes a while to write; mining comes first).
_SAVE_EVERY = 1.0

Progress = Callable[[int, int], None]


def mine_chunk(calls: list[Call], rules: Rules) -> Tally:
    """The tally of one chunk, with the shipped content's engine (built once per worker)."""
    from moqi.assist import default_engine

    return analyse_calls(calls, default_engine(), rules)


def chunks(calls: Sequence[Call], size: int = CHUNK) -> list[tuple[str, list[Call]]]:
    """(id, calls) of each chunk; the id names its place and what its calls hold, so a
    resumed run with other input (or the same calls since edited) never takes a chunk for done."""
    out = []
    for start in range(0, len(calls), size):
        part = list(calls[start : start + size])
        held = hashlib.blake2b(digest_size=6)
        for c in part:
            fields = (c.id, c.region, c.brand, c.reason, c.month, *(f"{s}:{t}" for s, t in c.turns))
            held.update("\x1f".join(fields).encode() + b"\x1e")
        out.append((f"{start // size:05d}-{held.hexdigest()}", part))
    return out


def fingerprint(parts: list[tuple[str, list[Call]]], rules: Rules) -> str:
    """What a run counts: its chunks and rules."""
    raw = "\n".join([rules.fingerprint(), *(cid for cid, _ in parts)]).encode()
    return hashlib.sha256(raw).hexdigest()[:24]


def mine(
    calls: Sequence[Call],
    rules: Rules | None = None,
    *,
    state: Path | None = None,
    workers: int | None = None,
    scheduler: str | None = None,
    chunk_size: int = CHUNK,
    progress: Progress | None = None,
) -> Tally:
    """The tally of every call; see the module's docstring for workers and state."""
    rules = rules or Rules()
    parts = chunks(calls, chunk_size)
    run_id = fingerprint(parts, rules)
    done, total = (
        load_state(state, run_id, rules.sample) if state else (set(), Tally(sample=rules.sample))
    )
    todo = [(cid, part) for cid, part in parts if cid not in done]
    counted = total.calls
    if progress:
        progress(counted, len(calls))
    saved, wait = time.monotonic(), _SAVE_EVERY
    results = _results(todo, rules, workers, scheduler)
    try:
        for cid, tally in results:
            total.add(tally)
            done.add(cid)
            counted += tally.calls
            if state and time.monotonic() - saved >= wait:
                start = time.monotonic()
                save_state(state, run_id, done, total)
                saved = time.monotonic()
                wait = max(_SAVE_EVERY, 10 * (saved - start))
            if progress:
                progress(counted, len(calls))
    finally:
        results.close()  # stops the workers now, not when the generator is collected
        if state:
            save_state(state, run_id, done, total)
    return total


def _results(
    todo: list[tuple[str, list[Call]]], rules: Rules, workers: int | None, scheduler: str | None
) -> Generator[tuple[str, Tally], None, None]:
    if not todo:
        return
    if scheduler:
        yield from _on_dask(todo, rules, scheduler)
        return
    if workers is None:
        calls = sum(len(part) for _, part in todo)
        workers = max(1, min(os.cpu_count() or 1, calls // CALLS_PER_WORKER))
    if workers == 1 or len(todo) == 1:
        for cid, part in todo:
            yield cid, mine_chunk(part, rules)
        return
    # spawn: a fresh interpreter per worker, safe whatever threads this process runs (a
    # progress bar's); each builds the engine once.
    pool = ProcessPoolExecutor(max_workers=min(workers, len(todo)), mp_context=get_context("spawn"))
    try:
        futures: dict[Future[Tally], str] = {
            pool.submit(mine_chunk, part, rules): cid for cid, part in todo
        }
        for future in as_completed(futures):
            yield futures[future], future.result()
    finally:
        pool.shutdown(wait=True, cancel_futures=True)


def _on_dask(
    todo: list[tuple[str, list[Call]]], rules: Rules, scheduler: str
) -> Generator[tuple[str, Tally], None, None]:
    from distributed import Client
    from distributed import as_completed as dask_completed

    with Client(scheduler, timeout="30s") as client:
        futures: dict[Any, str] = {
            client.submit(mine_chunk, part, rules, pure=False): cid for cid, part in todo
        }
        try:
            for future in dask_completed(list(futures)):
                yield futures[future], future.result()
        finally:
            client.cancel(list(futures))
