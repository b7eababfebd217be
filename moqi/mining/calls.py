"""Call transcripts for mining, read from JSONL or CSV files, with the call's region, brand,
reason and month.

Formats (UTF-8 or GBK):
- JSONL, one call a line: `{"id", "turns" | "utterances": [{speaker | sender, text}], region,
  brand, reason, month | date}` (the STC-3 shape `turns[{sender: customer/helpdesk, text}]`
  is one of them: helpdesk reads as agent);
- JSONL, one utterance a line: `{"call" | "call_id", speaker, text, …call fields}`;
- CSV, one utterance a row, with a header: `call_id` (or `call`), `speaker`, `text`, and
  optionally the call fields.

Utterances of one call keep the order they come in; a call's fields are taken from the first
row that has them. Reading is all or nothing: any line at fault raises CallFormatError naming
it, before anything is mined. Pure: no database.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from moqi.assist import canonical_speaker
from moqi.errors import Invalid
from moqi.nlp.decode import NotText, decode_text

CALL_FIELDS = ("region", "brand", "reason")
_CALL_ID = ("call_id", "call", "contact_id")
_MAX_BYTES = 512 * 1024 * 1024


class CallFormatError(Invalid):
    """A transcript file that cannot be read; the message names the file and line at fault."""


@dataclass
class Call:
    """One call: (speaker, text) utterances in order (speaker customer or agent), and what is
    known of it: region, brand, reason (given, not predicted), month (YYYY-MM)."""

    id: str
    turns: list[tuple[str, str]] = field(default_factory=list)
    region: str = ""
    brand: str = ""
    reason: str = ""
    month: str = ""


def read_calls(path: Path) -> list[Call]:
    """Every call in a JSONL or CSV file (format by extension: .jsonl/.json or .csv)."""
    suffix = path.suffix.lower()
    if suffix not in (".jsonl", ".json", ".csv"):
        raise CallFormatError(
            f"{path}: unknown format {suffix or '(no extension)'}; use .jsonl or .csv"
        )
    try:
        if path.stat().st_size > _MAX_BYTES:
            raise CallFormatError(f"{path}: over {_MAX_BYTES >> 20} MB; split it")
        raw = path.read_bytes()
    except FileNotFoundError:
        raise CallFormatError(f"{path}: no such file") from None
    except IsADirectoryError:
        raise CallFormatError(f"{path}: is a directory, not a transcript file") from None
    try:
        text = decode_text(raw)
    except NotText as exc:
        raise CallFormatError(f"{path}: {exc}") from None
    calls = list(_read_csv(text, path) if suffix == ".csv" else _read_jsonl(text, path))
    if not calls:
        raise CallFormatError(f"{path}: empty: no calls")
    return calls


def _read_jsonl(text: str, path: Path) -> Iterator[Call]:
    rows: list[tuple[int, dict]] = []
    for number, line in enumerate(text.splitlines(), 1):
        if not line.strip():
            continue
        try:
            obj = json.loads(line)
        except json.JSONDecodeError as exc:
            raise CallFormatError(f"{path}: line {number}: not valid JSON ({exc.msg})") from None
        if not isinstance(obj, dict):
            raise CallFormatError(f"{path}: line {number}: expected a JSON object")
        rows.append((number, obj))
    whole = [("turns" in obj or "utterances" in obj) for _, obj in rows]
    if any(whole) and not all(whole):
        number = rows[whole.index(not whole[0])][0]
        raise CallFormatError(
            f"{path}: line {number}: calls and single utterances mixed in one file"
        )
    if rows and whole[0]:
        seen: set[str] = set()
        for number, obj in rows:
            call = _whole_call(obj, f"{path}: line {number}", number)
            if call.id in seen:
                raise CallFormatError(f"{path}: line {number}: call {call.id!r} given twice")
            seen.add(call.id)
            yield call
    else:
        yield from _grouped(((f"{path}: line {n}", obj) for n, obj in rows))


def _read_csv(text: str, path: Path) -> Iterator[Call]:
    reader = csv.DictReader(io.StringIO(text))
    header = reader.fieldnames or []
    missing = [
        name
        for name, ok in (
            ("call_id", any(k in header for k in _CALL_ID)),
            ("speaker", "speaker" in header),
            ("text", "text" in header),
        )
        if not ok
    ]
    if header and missing:
        raise CallFormatError(f"{path}: line 1: the header lacks {', '.join(missing)}")
    # The header is line 1; a row's line is where it starts (a quoted field may hold newlines).
    rows = []
    for row in reader:
        if None in row:
            raise CallFormatError(f"{path}: line {reader.line_num}: more fields than the header")
        rows.append((f"{path}: line {reader.line_num}", dict(row)))
    yield from _grouped(rows)


def _grouped(rows: Iterable[tuple[str, dict]]) -> Iterator[Call]:
    """Calls from one-utterance rows, in the order each call first appears."""
    calls: dict[str, Call] = {}
    for where, row in rows:
        call_id = next((row[k] for k in _CALL_ID if row.get(k) not in (None, "")), None)
        if call_id is None:
            raise CallFormatError(f"{where}: no call id (call_id)")
        key = str(call_id)
        call = calls.get(key)
        if call is None:
            call = calls[key] = Call(id=key)
        _take_fields(call, row, where)
        call.turns.append(_utterance(row, where))
    for call in calls.values():
        _check_said(call, "")
        yield call


def _whole_call(obj: dict, where: str, number: int) -> Call:
    turns = obj.get("turns", obj.get("utterances"))
    if not isinstance(turns, list):
        raise CallFormatError(f"{where}: turns must be a list of utterances")
    call = Call(id=str(obj.get("id") or obj.get("call_id") or f"line-{number}"))
    _take_fields(call, obj, where)
    for i, turn in enumerate(turns, 1):
        if not isinstance(turn, dict):
            raise CallFormatError(f"{where}: utterance {i} must be an object")
        call.turns.append(_utterance(turn, f"{where}: utterance {i}"))
    _check_said(call, where)
    return call


def _utterance(row: dict, where: str) -> tuple[str, str]:
    speaker = row.get("speaker", row.get("sender"))
    text = row.get("text")
    if speaker in (None, "") or text is None:
        raise CallFormatError(f"{where}: needs a speaker (or sender) and text")
    if not isinstance(text, str):
        raise CallFormatError(f"{where}: text must be a string")
    try:
        who = canonical_speaker(str(speaker))
    except Invalid as exc:
        raise CallFormatError(f"{where}: {exc}") from None
    return who, text


def _take_fields(call: Call, row: dict, where: str) -> None:
    for name in CALL_FIELDS:
        value = row.get(name)
        if value not in (None, "") and not getattr(call, name):
            setattr(call, name, str(value).strip())
    if not call.month:
        call.month = _month(row.get("month") or row.get("date"), where)


def _month(value: object, where: str) -> str:
    """YYYY-MM of a month or date value ('2026-03', '2026-03-14', '2026-03-14T09:00')."""
    if value in (None, ""):
        return ""
    text = str(value).strip()
    try:
        if len(text) == 7:
            return date.fromisoformat(text + "-01").isoformat()[:7]
        return date.fromisoformat(text[:10]).isoformat()[:7]
    except ValueError:
        raise CallFormatError(f"{where}: {text!r} is not a month (2026-03) or date") from None


def _check_said(call: Call, where: str) -> None:
    if not any(text.strip() for _, text in call.turns):
        raise CallFormatError(f"{where or 'call ' + repr(call.id)}: nobody says anything in it")


def select_calls(
    calls: Iterable[Call],
    *,
    region: str | None = None,
    brand: str | None = None,
    since: str | None = None,
) -> list[Call]:
    """The calls of a region and brand, from a month (YYYY-MM or a date) on; a call whose
    month is unknown is left out when `since` is given."""
    start = _month(since, "--since") if since else ""
    return [
        c
        for c in calls
        if (region is None or c.region == region)
        and (brand is None or c.brand == brand)
        and (not start or (c.month and c.month >= start))
    ]
