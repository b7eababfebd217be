"""`moqi insight`: the service competitiveness index from a word-of-mouth survey (`index`)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer

from moqi.cli.common import fail
from moqi.errors import Invalid
from moqi.insight.competitiveness import by_wave, competitiveness, wave_order
from moqi.insight.operators import canonical
from moqi.insight.report import change_json, index_json, index_text
from moqi.insight.survey_table import read_bases, read_survey
from moqi.nlp.normalize import normalize
from moqi.nlp.table import read_table

app = typer.Typer(help="Experience analytics.", no_args_is_help=True)


def _rows(path: Path) -> list[list[object]]:
    try:
        data = path.read_bytes()
    except OSError as exc:
        fail(f"cannot read {path}: {exc.strerror or exc}")
    return read_table(data, path.name)


@app.command("index")
def index(
    survey: Annotated[
        Path, typer.Option(help="Survey CSV/XLSX: operator, choice [, weight, region, wave].")
    ],
    bases: Annotated[Path, typer.Option(help="CSV/XLSX of operator,subscribers.")],
    us: Annotated[str, typer.Option(help="Our operator, as the survey names it (e.g. 中国联通).")],
    wave: Annotated[
        str | None, typer.Option(help="Only this wave (the survey's wave column).")
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print one JSON object.")] = False,
) -> None:
    """The service competitiveness index (服务竞争力指数) and its retention and market parts."""
    try:
        responses = read_survey(_rows(survey))
        weights = read_bases(_rows(bases))
        ours = canonical(us)
        waves = sorted({r.wave for r in responses}, key=wave_order)
        if wave is not None:
            wanted = normalize(wave)
            if wanted not in waves:
                shown = "、".join(w for w in waves if w) or "（调查没有波次一栏）"
                fail(f"no wave {wave!r} in the survey; its waves: {shown}")
            series = by_wave(responses, weights, ours)
            found = next(item for item in series if item[0] == wanted)
            result, change = found[1], found[2]
        else:
            result, change = competitiveness(responses, weights, ours), None
            series = by_wave(responses, weights, ours) if len(waves) > 1 else []
    except Invalid as exc:
        fail(str(exc))
    if as_json:
        out = index_json(result, wave=wave, change=change)
        if series and wave is None:
            out["waves"] = [
                {
                    "wave": name,
                    **{k: v for k, v in index_json(item).items() if k in _WAVE_KEYS},
                    "change": None if step is None else change_json(step),
                }
                for name, item, step in series
            ]
        typer.echo(json.dumps(out, ensure_ascii=False))
        return
    typer.echo(index_text(result, wave=wave, change=change))
    for name, item, step in series if wave is None else []:
        moved = "" if step is None else f"，较上一波 {step.index.value:+.1f} 点"
        typer.echo(f"  波次 {name}：指数 {item.index.value:.1f}（{item.n} 人）{moved}")


_WAVE_KEYS = ("index", "retention", "market", "n", "ci")
