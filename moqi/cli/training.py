"""`moqi training`: the courseware as files to print or hand out (`courseware`), and a quiz
printed from the current content (`quiz`), both built as the pages build them."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer

from moqi.cli.common import fail, in_transaction, now

# The training modules load the database and content: imported inside the commands, so that
# `moqi --help` stays quick (tests/cli/test_startup.py).

app = typer.Typer(help="Training courseware and quizzes.", no_args_is_help=True)


@app.command("courseware")
def courseware(
    out: Annotated[Path, typer.Option(help="Folder to write one file per course into.")],
    fmt: Annotated[str, typer.Option("--format", help="html or md.")] = "html",
) -> None:
    """Write every course, built from the current content, as HTML (printable) or Markdown."""
    if fmt not in ("html", "md"):
        fail("--format: html or md")
    from moqi.training import services
    from moqi.training.courseware import course_markdown
    from moqi.training.printing import course_html

    built = in_transaction(lambda s: services.courses(s, now=now()))
    try:
        out.mkdir(parents=True, exist_ok=True)
        for course in built:
            text = course_markdown(course) if fmt == "md" else course_html(course)
            (out / f"{course.key}.{fmt}").write_text(text, encoding="utf-8")
    except OSError as exc:
        fail(f"cannot write to {out}: {exc.strerror or exc}")
    revision = built[0].revision if built else 0
    typer.echo(f"{len(built)} 门课程（内容修订版 {revision}）已写入 {out}")


@app.command("quiz")
def quiz(
    count: Annotated[int, typer.Option(min=1, max=30, help="How many questions.")] = 10,
    seed: Annotated[int, typer.Option(help="The same seed and content give the same quiz.")] = 1,
    as_json: Annotated[bool, typer.Option("--json", help="One JSON object per question.")] = False,
) -> None:
    """Print a quiz from the current content, with the answers and explanations (for trainers)."""
    from moqi.knowledge import services as knowledge
    from moqi.training import quiz as quizzes
    from moqi.training.services import close_emotions

    def make(session):
        return quizzes.generate(
            knowledge.load_content(session),
            seed=seed,
            count=count,
            close_emotions=close_emotions(),
        )

    for n, q in enumerate(in_transaction(make), 1):
        if as_json:
            typer.echo(json.dumps(q.as_dict(), ensure_ascii=False))
            continue
        typer.echo(f"{n}.［{q.topic}］{q.prompt}")
        for i, option in enumerate(q.options):
            typer.echo(f"   {'ABCD'[i] if i < 4 else i + 1}. {option}")
        typer.echo(
            f"   答案：{'ABCD'[q.answer] if q.answer < 4 else q.answer + 1}　{q.explanation}\n"
        )
