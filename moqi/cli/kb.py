"""`moqi kb`: the knowledge base from the shell — import, export, history, diff, rollback, hot topics."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer

from moqi.cli.common import database_session, fail, now
from moqi.knowledge import items, transfer

app = typer.Typer(
    help="Knowledge base: versioned articles, scripts, catalogue and lexicon.", no_args_is_help=True
)

Kind = Annotated[str, typer.Argument(help=f"One of: {', '.join(items.VERSIONED)}.")]


def _kind(kind: str) -> str:
    if kind not in items.VERSIONED:
        fail(f"unknown kind {kind!r}; use one of {', '.join(items.VERSIONED)}")
    return kind


def _format(path: Path, fmt: str | None) -> str:
    fmt = fmt or {".zip": "md", ".md": "md"}.get(
        path.suffix.lower(), path.suffix.lower().lstrip(".")
    )
    if fmt not in transfer.FORMATS:
        fail(f"cannot tell the format of {path.name}; pass --format {'|'.join(transfer.FORMATS)}")
    return fmt


@app.command("export")
def export(
    kind: Kind,
    out: Annotated[
        Path, typer.Argument(help="File to write: .zip (Markdown folder), .csv, .xlsx or .docx.")
    ],
    fmt: Annotated[
        str | None,
        typer.Option("--format", help="md, csv, xlsx or docx (default: from the file name)."),
    ] = None,
) -> None:
    """Write every published item of a kind to a file."""
    from moqi.knowledge import services

    kind, fmt = _kind(kind), _format(out, fmt)
    with database_session() as session:
        rows = services.export_rows(session, kind)
    try:
        data = transfer.export(kind, fmt, rows)
    except transfer.TransferError as exc:
        fail(str(exc))
    out.write_bytes(data)
    typer.echo(f"exported {len(rows)} {kind} item(s) to {out}")


@app.command("import")
def import_(
    kind: Kind,
    path: Annotated[
        Path,
        typer.Argument(
            help="A Markdown file or folder, a .zip of Markdown files, .csv, .xlsx or .docx."
        ),
    ],
    author: Annotated[
        str, typer.Option(help="Who publishes the imported items (kept on every version).")
    ] = "import",
    fmt: Annotated[
        str | None,
        typer.Option("--format", help="md, csv, xlsx or docx (default: from the file name)."),
    ] = None,
) -> None:
    """Publish the new and changed items of a file as one revision; a bad row imports nothing."""
    from moqi.knowledge import services

    kind = _kind(kind)
    if path.is_dir():
        files = sorted(path.glob("*.md"))
        if not files:
            fail(f"{path}: no .md files in the folder")
        rows: list = []
        try:
            for f in files:
                rows += transfer.parse(kind, "md", f.read_bytes(), str(f))
        except transfer.TransferError as exc:
            fail(f"nothing imported: {exc}")
    else:
        if not path.is_file():
            fail(f"{path}: no such file")
        try:
            rows = transfer.parse(kind, _format(path, fmt), path.read_bytes(), path.name)
        except transfer.TransferError as exc:
            fail(f"nothing imported: {exc}")
    try:
        with database_session() as session:
            counts = services.import_items(
                session, kind, rows, author=author, note=f"导入 {path.name}"
            )
    except items.ItemError as exc:
        fail(f"nothing imported: {exc}")
    typer.echo(
        f"{kind}: {counts['created']} created, {counts['updated']} updated, {counts['unchanged']} unchanged"
    )


@app.command("history")
def history(
    kind: Kind, key: Annotated[str, typer.Argument(help="The item's id, code or word.")]
) -> None:
    """Every published version of an item, newest first."""
    from moqi.knowledge import versions

    with database_session() as session:
        try:
            rows = versions.history(session, _kind(kind), key)
        except versions.NotFound as exc:
            fail(str(exc))
        for v in rows:
            state = "deleted" if v.body is None else ""
            typer.echo(
                f"v{v.version}  {v.created_at:%Y-%m-%d %H:%M}  {v.author}  {v.note} {state}".rstrip()
            )


@app.command("diff")
def diff(kind: Kind, key: str, old: int, new: int) -> None:
    """The changes between two versions of an item."""
    from moqi.knowledge import versions

    with database_session() as session:
        try:
            lines = versions.diff(session, _kind(kind), key, old, new)
        except versions.NotFound as exc:
            fail(str(exc))
    typer.echo("\n".join(lines) or "(no difference)")


@app.command("rollback")
def rollback(
    kind: Kind,
    key: str,
    version: int,
    author: Annotated[str, typer.Option(help="Who rolls back.")] = "admin",
) -> None:
    """Publish an earlier version again, as a new version."""
    from moqi.knowledge import versions

    try:
        with database_session() as session:
            row = versions.rollback(session, _kind(kind), key, version, author=author)
            typer.echo(f"{kind} {key}: v{version} is live again as v{row.version}")
    except (versions.NotFound, versions.Conflict, items.ItemError) as exc:
        fail(str(exc))


@app.command("hot")
def hot(
    days: Annotated[int, typer.Option(min=1, max=366, help="How far back to look.")] = 7,
    as_json: Annotated[bool, typer.Option("--json")] = False,
) -> None:
    """Most searched and used, searches nobody clicked (gaps), expired and expiring articles."""
    from moqi.knowledge import usage

    with database_session() as session:
        report = usage.hot_topics(session, now=now(), days=days)
    if as_json:
        typer.echo(json.dumps(report, ensure_ascii=False, indent=2))
        return
    sections = (
        (
            "最常搜索",
            [f"{x['query']}  ×{x['count']}（点击 {x['clicked']}）" for x in report["searched"]],
        ),
        ("最常使用", [f"{x['title']} [{x['item']}]  ×{x['count']}" for x in report["used"]]),
        (
            "知识缺口（搜了没点）",
            [f"{x['query']}  ×{x['count']}（结果 {x['hits']} 条）" for x in report["gaps"]],
        ),
        (
            "已过有效期",
            [f"{x['title']} [{x['id']}]  到期 {x['valid_to']}" for x in report["stale"]],
        ),
        (
            "30 天内到期",
            [f"{x['title']} [{x['id']}]  到期 {x['valid_to']}" for x in report["expiring"]],
        ),
    )
    for title, lines in sections:
        typer.echo(f"## {title}")
        typer.echo("\n".join(f"  {line}" for line in lines) or "  （无）")
