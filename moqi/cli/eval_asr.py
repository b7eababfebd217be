"""`moqi eval asr`: speech recognition judged by clips with reference transcripts."""

from __future__ import annotations

import json
import os
import time
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.table import Table

from moqi.cli.common import fail


def asr(
    data: Annotated[
        Path,
        typer.Option(
            "--data",
            help="Folder with the clips and transcripts.tsv (file<TAB>reference text a line).",
        ),
    ],
    as_json: Annotated[bool, typer.Option("--json", help="Print one JSON object.")] = False,
    threads: Annotated[
        int | None,
        typer.Option(min=1, help="CPU threads for the recogniser (default: every core)."),
    ] = None,
) -> None:
    """CER (clean and through a simulated 8 kHz μ-law phone line) and real-time factor."""
    from dataclasses import replace

    from moqi.errors import Invalid, MoqiError
    from moqi.settings import get_settings
    from moqi.voice.cer import cer
    from moqi.voice.engines import build, resolve
    from moqi.voice.evaluate import evaluate, read_clips

    try:
        clips = read_clips(data)
        settings = get_settings()
        spec = resolve(settings.asr_engine, settings.asr_model_dir, settings.models_dir)
        recognizer = build(replace(spec, threads=threads or os.cpu_count() or 1))
        scores = evaluate(clips, recognizer, time.perf_counter)
    except (Invalid, MoqiError) as exc:
        fail(str(exc))
    if as_json:
        print(json.dumps(scores.as_dict(), ensure_ascii=False))
        return
    table = Table(title=f"ASR — {data}")
    for col in ("file", "reference", "recognised", "CER", "telephone", "CER"):
        table.add_column(col, overflow="fold")
    for c in scores.clips:
        table.add_row(
            c.file,
            c.reference,
            c.hypothesis,
            f"{cer([(c.reference, c.hypothesis)]):.0%}",
            c.hypothesis_telephone,
            f"{cer([(c.reference, c.hypothesis_telephone)]):.0%}",
        )
    console = Console()
    console.print(table)
    s = scores
    console.print(
        f"n={s.n}  CER {s.cer:.1%}  CER（电话线路模拟）{s.cer_telephone:.1%}  "
        f"RTF {s.rtf:.3f}（电话 {s.rtf_telephone:.3f}）  音频 {s.audio_seconds:.0f} s"
    )
