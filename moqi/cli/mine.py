"""`moqi mine PATH|--contacts`: mine many call transcripts for emotion turns, need points and
new reasons; report them, and with --propose file them for review."""

from __future__ import annotations

import json
import re
import sys
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from moqi.cli.common import fail

if TYPE_CHECKING:
    from moqi.mining.calls import Call

_SCHEDULER = re.compile(r"^(tcp|tls|ucx|ws|wss)://\S+$")


def mine(
    path: Annotated[
        Path | None,
        typer.Argument(help="Transcripts: .jsonl (one call or one utterance a line) or .csv."),
    ] = None,
    contacts: Annotated[
        bool, typer.Option("--contacts", help="Mine the closed contacts moqi stored.")
    ] = False,
    region: Annotated[str | None, typer.Option(help="Only calls of this region.")] = None,
    brand: Annotated[str | None, typer.Option(help="Only calls of this brand.")] = None,
    since: Annotated[
        str | None, typer.Option(help="Only calls from this month or date on (2026-03).")
    ] = None,
    report: Annotated[
        Path | None,
        typer.Option(help="Folder for report.html and the CSV files; makes the run resumable."),
    ] = None,
    workers: Annotated[
        int | None,
        typer.Option(
            min=1, help="Local worker processes (default: every core, one per 1,000 calls at most)."
        ),
    ] = None,
    scheduler: Annotated[
        str | None, typer.Option(help="A Dask scheduler to run on, e.g. tcp://host:8786.")
    ] = None,
    propose: Annotated[
        bool,
        typer.Option("--propose", help="File the top findings in the knowledge review queue."),
    ] = False,
    as_json: Annotated[bool, typer.Option("--json", help="Print the summary as JSON.")] = False,
    turn: Annotated[
        float, typer.Option(min=0.05, max=2.0, help="Emotion change that counts as a turn.")
    ] = 0.3,
    min_support: Annotated[
        int, typer.Option(min=1, help="Rank only items seen at this many places or more.")
    ] = 5,
    top: Annotated[int, typer.Option(min=1, max=500, help="Items ranked per list.")] = 20,
) -> None:
    """Mine call transcripts: where customers' feelings turn and what was said just before,
    needs by stage, the reason mix by region × brand × month, and unexplained calls grouped."""
    from moqi.errors import MoqiError
    from moqi.mining.rules import Rules
    from moqi.mining.run import chunks, fingerprint
    from moqi.mining.run import mine as run_mine

    if (path is None) == (not contacts):
        fail("give a transcript file or --contacts (one of them)")
    if scheduler is not None and not _SCHEDULER.match(scheduler):
        fail(f"--scheduler {scheduler!r}: expected an address like tcp://host:8786")
    if scheduler is not None and workers is not None:
        fail("--workers is for the local pool; a Dask cluster has its own workers")
    calls = _calls(path, region=region, brand=brand, since=since)
    if not calls:
        fail("no calls match the filters; nothing mined")
    rules = Rules(turn=turn)
    run_id = fingerprint(chunks(calls), rules)
    try:
        tally = _with_progress(
            lambda progress: run_mine(
                calls, rules, state=report, workers=workers, scheduler=scheduler, progress=progress
            ),
            quiet=as_json,
        )
    except KeyboardInterrupt:
        kept = f"; what was counted is kept in {report}: run the same command to resume"
        fail("interrupted" + (kept if report else ""), code=130)
    except MoqiError as exc:
        fail(str(exc))
    except OSError as exc:  # a scheduler that cannot be reached, a report folder not writable
        fail(f"{exc}")
    from moqi.assist import default_engine
    from moqi.mining.findings import summarise

    summary = summarise(tally, default_engine(), rules, top=top, min_support=min_support)
    out: dict[str, Any] = {"run": run_id, **summary}
    if report is not None:
        from moqi.mining.report import write_report

        out["files"] = [
            str(p) for p in write_report(report, tally, summary, min_support=min_support)
        ]
    if propose:
        out["proposals"] = _propose(summary, run_id)
    if as_json:
        sys.stdout.write(json.dumps(out, ensure_ascii=False, indent=1) + "\n")
    else:
        _print(out)


def _calls(
    path: Path | None, *, region: str | None, brand: str | None, since: str | None
) -> list[Call]:
    from moqi.errors import Invalid
    from moqi.mining.calls import read_calls, select_calls

    try:
        if path is not None:
            return select_calls(read_calls(path), region=region, brand=brand, since=since)
        return _contact_calls(region=region, brand=brand, since=since)
    except Invalid as exc:
        fail(f"{exc}; nothing mined")


def _contact_calls(*, region: str | None, brand: str | None, since: str | None) -> list[Call]:
    from moqi.cli.common import in_transaction
    from moqi.mining.calls import select_calls
    from moqi.mining.services import contact_calls

    start = None
    if since:
        select_calls([], since=since)  # checks the value
        start = datetime.fromisoformat(since[:10] if len(since) > 7 else since + "-01")
        start = start.replace(tzinfo=UTC)
    return in_transaction(
        lambda session: contact_calls(session, region=region, brand=brand, since=start)
    )


def _with_progress(work, *, quiet: bool):
    from rich.console import Console
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TimeRemainingColumn

    console = Console(stderr=True)
    with Progress(
        "挖掘",
        BarColumn(),
        MofNCompleteColumn(),
        TimeRemainingColumn(),
        console=console,
        transient=True,
        disable=quiet or not console.is_terminal,
    ) as bar:
        task = bar.add_task("calls", total=None)

        def progress(done: int, total: int) -> None:
            bar.update(task, completed=done, total=total)

        return work(progress)


def _propose(summary: dict, run_id: str) -> dict:
    from moqi.cli.common import in_transaction
    from moqi.mining.services import propose_findings

    filed = in_transaction(lambda session: propose_findings(session, summary, run=run_id))
    return {"filed": filed.proposals, "skipped": filed.skipped}


def _print(out: dict) -> None:
    from rich.console import Console
    from rich.table import Table

    console = Console()
    console.print(
        f"{out['calls']} 通通话；客户情绪比较 {out['positions']} 处：升级 {out['escalations']}，"
        f"平复 {out['calm_downs']}（运行 {out['run']}）"
    )
    for title, rows in (
        ("情绪升级时的客户用词", out["customer_words"]["up"]),
        ("情绪平复时的客户用词", out["customer_words"]["down"]),
        ("之后客户情绪升级的坐席话术", out["agent_lines"]["up"]),
        ("之后客户情绪平复的坐席话术", out["agent_lines"]["down"]),
    ):
        table = Table(title=title, expand=True)
        for name in ("内容", "提升度", "95% 区间", "转折/出现"):
            table.add_column(name, overflow="fold")
        for r in rows[:10]:
            table.add_row(
                r["item"],
                f"{r['lift']:.2f}",
                f"{r['low']:.2f}–{r['high']:.2f}",
                f"{r['k']}/{r['n']}",
            )
        console.print(table)
    unexplained = out["unexplained"]
    console.print(
        f"未归因通话 {unexplained['calls']} 通，聚成 {len(unexplained['clusters'])} 类"
        + "".join(
            f"\n  · {c['size']} 通：{'、'.join(c['top_words'])}" for c in unexplained["clusters"]
        )
    )
    for name in out.get("files", []):
        console.print(f"写入 {name}")
    if "proposals" in out:
        p = out["proposals"]
        console.print(f"已提交审核 {len(p['filed'])} 条提议（未发布），跳过 {len(p['skipped'])} 条")
