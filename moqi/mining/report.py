"""The report of a mining run in a folder: report.html (charts as inline SVG) and CSV files
of every ranked item, the needs by stage, the reason mix and the groups of unexplained
calls. Each file is written whole or not at all (a new file renamed over the old). Pure
apart from writing the files it is asked for."""

from __future__ import annotations

import csv
import io
import os
import tempfile
from pathlib import Path
from typing import Any

from jinja2 import Environment, FileSystemLoader, select_autoescape

from moqi.mining import charts
from moqi.mining.findings import OUTCOMES, TABLES, lift_row
from moqi.mining.stats import TallyIndex, groups_of, lifts
from moqi.mining.tally import Tally

_TEMPLATES = Path(__file__).resolve().parent / "templates"
_LIFT_COLUMNS = (
    "table",
    "group",
    "outcome",
    "item",
    "n",
    "k",
    "p",
    "base",
    "lift",
    "low",
    "high",
    "emotion",
    "intensity",
    "example",
)


def write_report(
    folder: Path, tally: Tally, summary: dict[str, Any], *, min_support: int = 5
) -> list[Path]:
    """Write the report files into `folder`; returns their paths."""
    folder.mkdir(parents=True, exist_ok=True)
    files = {
        "lift.csv": _csv(_LIFT_COLUMNS, _lift_rows(tally, min_support)),
        "stage_needs.csv": _csv(
            ("stage", "stage_label", "utterances", "kind", "code", "label", "count"),
            (
                (
                    s["stage"],
                    s["label"],
                    s["utterances"],
                    n["kind"],
                    n["code"],
                    n["label"],
                    n["count"],
                )
                for s in summary["stages"]
                for n in s["needs"]
            ),
        ),
        "reason_mix.csv": _csv(
            ("region", "brand", "month", "reason", "label", "calls"),
            (tuple(r.values()) for r in summary["reason_mix"]),
        ),
        "new_reasons.csv": _csv(
            ("cluster", "size", "top_words", "examples"),
            (
                (i, c["size"], " ".join(c["top_words"]), " | ".join(c["examples"]))
                for i, c in enumerate(summary["unexplained"]["clusters"], 1)
            ),
        ),
        "report.html": render_html(summary),
    }
    written = []
    for name, text in files.items():
        _write_whole(folder / name, text)
        written.append(folder / name)
    return written


def render_html(summary: dict[str, Any]) -> str:
    """The report page."""
    env = Environment(
        loader=FileSystemLoader(str(_TEMPLATES)), autoescape=select_autoescape(["html"])
    )
    reasons: dict[str, int] = {}
    for r in summary["reason_mix"]:
        reasons[r["label"]] = reasons.get(r["label"], 0) + r["calls"]
    svg = {
        f"{table}_{outcome}": charts.lift_bars(
            summary[name][outcome][:15], colour="#c0392b" if outcome == "up" else "#27855a"
        )
        for table, name in (
            ("cword", "customer_words"),
            ("aline", "agent_lines"),
            ("aword", "agent_words"),
        )
        for outcome in OUTCOMES
    }
    svg["reasons"] = charts.count_bars(sorted(reasons.items(), key=lambda kv: -kv[1])[:20])
    svg["stages"] = charts.count_bars([(s["label"], s["utterances"]) for s in summary["stages"]])
    return env.get_template("report.html").render(s=summary, svg=svg)


def _lift_rows(tally: Tally, min_support: int):
    index = TallyIndex(tally)
    for table in TABLES:
        for group in groups_of(tally, table):
            for outcome in OUTCOMES:
                for x in lifts(index, table, outcome, group=group, min_support=min_support):
                    row = lift_row(index, x)
                    yield (
                        table,
                        group,
                        outcome,
                        *(row[c] for c in _LIFT_COLUMNS[3:]),
                    )


def _csv(header: tuple[str, ...], rows) -> str:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(header)
    writer.writerows(rows)
    return out.getvalue()


def _write_whole(path: Path, text: str) -> None:
    # UTF-8 with a BOM, so Excel in a Chinese locale opens the CSV files right.
    encoding = "utf-8-sig" if path.suffix == ".csv" else "utf-8"
    handle, temporary = tempfile.mkstemp(prefix=f".{path.name}-", dir=path.parent)
    try:
        with os.fdopen(handle, "w", encoding=encoding, newline="") as out:
            out.write(text)
        os.chmod(temporary, 0o644)  # a report is for reading (mkstemp makes it private)
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
