"""Running in chunks: resumable without double counting, and the same totals on one worker,
a local process pool and a real Dask cluster."""

from __future__ import annotations

import json
from dataclasses import replace

import pytest

from moqi.errors import Conflict
from moqi.mining.rules import Rules
from moqi.mining.run import mine
from moqi.mining.state import STATE_FILE
from tests.mining.calls_made import made_calls

RULES = Rules(sample=10)


class Interrupt(Exception):
    pass


@pytest.fixture(scope="module")
def calls():
    return made_calls(48)


@pytest.fixture(scope="module")
def clean_run(calls):
    return mine(calls, RULES, workers=1, chunk_size=6)


def test_an_interrupted_run_resumes_without_counting_twice(calls, clean_run, tmp_path):
    tmp_path = tmp_path / "report"
    seen = []

    def stop_after_three_chunks(done: int, total: int) -> None:
        seen.append(done)
        if done >= 18:
            raise Interrupt

    with pytest.raises(Interrupt):
        mine(
            calls, RULES, state=tmp_path, workers=1, chunk_size=6, progress=stop_after_three_chunks
        )
    state = json.loads((tmp_path / STATE_FILE).read_text(encoding="utf-8"))
    assert len(state["done"]) == 3 and state["tally"]["calls"] == 18
    progress = []
    resumed = mine(
        calls,
        RULES,
        state=tmp_path,
        workers=1,
        chunk_size=6,
        progress=lambda done, total: progress.append((done, total)),
    )
    assert progress[0] == (18, 48) and progress[-1] == (48, 48)
    assert resumed == clean_run
    # A finished run's state gives the same totals again and mines nothing.
    again = mine(calls, RULES, state=tmp_path, workers=1, chunk_size=6, progress=lambda d, t: None)
    assert again == clean_run


def test_state_of_another_input_is_refused(calls, tmp_path):
    tmp_path = tmp_path / "report"
    mine(calls[:12], RULES, state=tmp_path, workers=1, chunk_size=6)
    before = (tmp_path / STATE_FILE).read_bytes()
    with pytest.raises(Conflict, match="state of another run"):
        mine(calls, RULES, state=tmp_path, workers=1, chunk_size=6)
    with pytest.raises(Conflict):
        mine(calls[:12], Rules(sample=10, turn=0.5), state=tmp_path, workers=1, chunk_size=6)
    edited = [replace(c, turns=[*c.turns, ("customer", "还有一件事")]) for c in calls[:12]]
    with pytest.raises(Conflict):
        mine(edited, RULES, state=tmp_path, workers=1, chunk_size=6)
    assert (tmp_path / STATE_FILE).read_bytes() == before


def test_a_write_that_fails_leaves_the_old_state_whole(calls, tmp_path, monkeypatch):
    report = tmp_path / "report"
    mine(calls[:12], RULES, state=report, workers=1, chunk_size=6)
    before = (report / STATE_FILE).read_bytes()

    def half_then_fail(body, out, **kwargs):
        out.write(json.dumps(body)[:100])
        raise OSError("disk full")

    monkeypatch.setattr("moqi.mining.state.json.dump", half_then_fail)
    with pytest.raises(OSError, match="disk full"):
        mine(calls[:12], Rules(sample=10), state=tmp_path / "other", workers=1, chunk_size=6)
    from moqi.mining.state import save_state
    from moqi.mining.tally import Tally

    with pytest.raises(OSError, match="disk full"):
        save_state(report, "x", set(), Tally())
    assert (report / STATE_FILE).read_bytes() == before
    assert [p.name for p in report.iterdir()] == [STATE_FILE]
    assert list((tmp_path / "other").iterdir()) == []


def test_a_local_process_pool_counts_what_one_worker_counts(calls, clean_run):
    assert mine(calls, RULES, workers=2, chunk_size=12) == clean_run


def test_a_dask_cluster_counts_what_one_worker_counts(calls, clean_run):
    distributed = pytest.importorskip("distributed")
    with distributed.LocalCluster(
        n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None
    ) as cluster:
        tally = mine(calls, RULES, scheduler=cluster.scheduler_address, chunk_size=6)
    assert tally == clean_run
