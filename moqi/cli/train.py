"""`moqi train`: fit a small model on labelled data the operator has, saved in MOQI_HOME/models."""

from __future__ import annotations

from collections import Counter
from datetime import UTC, datetime
from pathlib import Path
from typing import Annotated

import typer

from moqi.assist import trained
from moqi.assist.labelled import LabelledDataError, read_labelled
from moqi.cli.common import fail
from moqi.settings import get_settings

app = typer.Typer(help="Train emotion or polarity models from your own labelled data.", no_args_is_help=True)
DataOpt = Annotated[list[Path], typer.Option("--data", help="Labelled JSONL or CSV; repeat for several files.")]


def _train(kind: str, data: list[Path]) -> None:
    texts, labels = [], []
    try:
        for path in data:
            t, y = read_labelled(path, polarity=kind == "polarity")
            texts += t
            labels += y
    except LabelledDataError as exc:
        fail(f"{exc}; no model written")
    try:
        model = trained.build(texts, labels)
    except ValueError as exc:
        fail(f"{exc}; no model written")
    directory = get_settings().models_dir
    meta = {"kind": kind, "trained_at": datetime.now(UTC).isoformat(), "files": [str(p) for p in data], "n": len(texts), "labels": dict(Counter(labels))}
    path = trained.save(model, directory, kind, meta)
    typer.echo(f"trained {kind} on {len(texts)} items {dict(Counter(labels))} → {path}")


@app.command()
def polarity(data: DataOpt) -> None:
    """Positive/negative(/neutral) from JSONL {text,label} or CSV label,review (1/0)."""
    _train("polarity", data)


@app.command()
def emotion(data: DataOpt) -> None:
    """Emotion labels (e.g. EWECT's six) from JSONL {text,label}."""
    _train("emotion", data)
