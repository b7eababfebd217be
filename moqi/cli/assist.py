"""`moqi assist CALL`: run a transcript through live assist, print what the agent sees, store the call."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer
from rich.console import Console
from rich.table import Table
from rich.text import Text

from moqi.cli.common import database_session, fail, now

if TYPE_CHECKING:
    from moqi.assist.session import AssistEvent

_MAX_BYTES = 20 * 1024 * 1024
_COLOURS = {
    "anger": "bold red",
    "distrust": "red",
    "anxiety": "yellow",
    "disappointment": "magenta",
    "sadness": "blue",
    "confusion": "cyan",
    "surprise": "cyan",
    "satisfaction": "green",
    "gratitude": "bold green",
}
_TREND = {"worsening": "↘ 恶化", "improving": "↗ 好转", "stable": "→ 平稳"}


def assist(
    call: Annotated[
        Path,
        typer.Argument(help="Transcript: JSONL {speaker,text,ts} lines or 客户：…/坐席：… lines."),
    ],
    as_json: Annotated[
        bool,
        typer.Option("--json", help="One JSON object per utterance (see docs/assist-json.md)."),
    ] = False,
    customer: Annotated[
        str | None,
        typer.Option(help="Customer id or phone number (overrides the transcript header)."),
    ] = None,
    store: Annotated[
        bool, typer.Option(help="Record the contact, utterances and assist events.")
    ] = True,
) -> None:
    """Feed a call transcript through one assist session and print emotion, need, businesses and scripts per turn."""
    from moqi.assist.services import record_call
    from moqi.assist.transcript import TranscriptError, parse_transcript
    from moqi.service.services import NotFound

    try:
        if call.stat().st_size > _MAX_BYTES:
            fail(f"{call}: file is over {_MAX_BYTES // (1024 * 1024)} MB")
        transcript = parse_transcript(call.read_bytes())
    except FileNotFoundError:
        fail(f"{call}: no such file")
    except IsADirectoryError:
        fail(f"{call}: is a directory, not a transcript")
    except TranscriptError as exc:
        fail(f"{call}: {exc}; nothing stored")
    ref = customer or transcript.header.get("customer")
    if ref is not None and not isinstance(ref, str):
        fail(f"{call}: header 'customer' must be a customer id string")
    try:
        with database_session() as session:
            contact_id, events = record_call(session, transcript, customer_ref=ref, now=now())
            if not store:
                session.rollback()
    except NotFound as exc:
        fail(f"{exc}; nothing stored")
    if as_json:
        out = sys.stdout
        for e in events:
            out.write(json.dumps(e.as_dict(), ensure_ascii=False) + "\n")
        return
    _print_table(events, contact_id if store else None)


def _highlight(e: AssistEvent) -> Text:
    text = Text(e.text)
    for k in e.emotion["keywords"]:
        text.stylize(
            _COLOURS.get(k["category"], "bold") + (" strike" if k["negated"] else " underline"),
            k["start"],
            k["end"],
        )
    return text


def _print_table(events: list[AssistEvent], contact_id: int | None) -> None:
    from moqi.content.model import SCRIPT_KIND_LABELS

    console = Console()
    table = Table(show_lines=True, expand=True, title="moqi 实时辅助")
    for name, ratio in (
        ("#", 1),
        ("说话人", 2),
        ("文本", 10),
        ("情绪 / 风险", 6),
        ("需求预判", 7),
        ("业务关联", 7),
        ("推荐话术", 12),
    ):
        table.add_column(name, ratio=ratio, overflow="fold")
    for e in events:
        emo = e.emotion
        emotion = Text(
            f"{emo['label']} {emo['intensity']:.2f}\n", style=_COLOURS.get(emo["category"], "")
        )
        emotion.append(
            f"{_TREND[emo['trend']]}  风险 {emo['risk']:.2f}\n",
            style="bold red" if emo["risk"] >= 0.6 else "",
        )
        emotion.append("\n".join("▸ " + a for a in emo["advice"][:2]), style="dim")
        need = e.need
        need_text = f"{need['moment_label']}\n" + "\n".join(
            f"{r['label']} {r['p']:.0%}" for r in need["reasons"]
        )
        biz = e.businesses
        biz_text = "、".join(b["name"] for b in biz["mentioned"]) or "—"
        if biz["related"]:
            biz_text += "\n" + "\n".join(
                f"→{r['to_name']}({r['relation']})" for r in biz["related"][:3]
            )
        scripts = "\n".join(
            f"[{SCRIPT_KIND_LABELS.get(s['kind'], s['kind'])}] {s['text']}" for s in e.scripts[:2]
        )
        if e.confirmation:
            c = e.confirmation
            scripts += f"\n✔ 三维确认（{c['status']}）：" + " / ".join(
                item["value"] for item in c["items"]
            )
        table.add_row(
            str(e.turn),
            "客户" if e.speaker == "customer" else "坐席",
            _highlight(e),
            emotion,
            need_text,
            biz_text,
            scripts,
        )
    console.print(table)
    if contact_id is not None:
        console.print(f"已记录为接触 #{contact_id}")
