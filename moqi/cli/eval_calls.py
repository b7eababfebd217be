"""`moqi eval calls`: assist judged by calls an expert labelled, turn by turn."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer

from moqi.cli.common import fail


def calls(
    data: Annotated[
        Path,
        typer.Option(
            "--data",
            help="JSONL calls, one a line: {id, turns: [{speaker, text, polarity, escalation, churn}]} (labels on customer turns).",
        ),
    ],
    as_json: Annotated[bool, typer.Option("--json", help="Print one JSON object.")] = False,
) -> None:
    """Per-turn polarity accuracy, and escalation and churn recall and false-alarm rates, of
    live assist run over each call as it happened (every turn, the agent's included)."""
    from moqi.assist import evaluate as ev
    from moqi.assist.engine import default_engine
    from moqi.assist.labelled import LabelledDataError, read_calls
    from moqi.assist.session import AssistSession

    try:
        labelled = read_calls(data)
    except LabelledDataError as exc:
        fail(str(exc))
    engine = default_engine()  # the shipped content, as the other evaluations
    gold, read = [], []
    for call in labelled:
        session = AssistSession(engine=engine)
        for speaker, text, labels in call.turns:
            event = session.feed(speaker, text)
            if labels is not None:
                gold.append(labels)
                read.append(event.emotion)
    scores = ev.call_scores(gold, read)
    scores["calls"] = len(labelled)
    if as_json:
        typer.echo(json.dumps(scores, ensure_ascii=False))
        return
    p = scores["polarity"]
    typer.echo(f"{data.name}: {len(labelled)} calls, {scores['turns']} customer turns")
    typer.echo(f"polarity   accuracy {p['accuracy']:.3f}  macro-F1 {p['macro_f1']:.3f}")
    typer.echo("           confusion (rows gold, columns read): negative neutral positive")
    for label, row in zip(p["labels"], p["confusion"], strict=True):
        typer.echo(f"           {label:<9}" + "".join(f"{n:>9}" for n in row))
    for name in ("escalation", "churn"):
        r = scores[name]
        recall = "—" if r["recall"] is None else f"{r['recall']:.3f}"
        alarms = "—" if r["false_alarm_rate"] is None else f"{r['false_alarm_rate']:.3f}"
        typer.echo(
            f"{name:<10} recall {recall} of {r['positives']} turns  false-alarm rate {alarms} ({r['false_alarms']} turns)"
        )
