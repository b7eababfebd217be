"""Read labelled data for evaluation and training: JSONL {text, label} or CSV (label, review/text), STC-3 dialogues, and contacts labelled with their call reason."""

from __future__ import annotations

import csv
import json
from collections.abc import Container
from dataclasses import dataclass
from pathlib import Path

from moqi.assist.session import MAX_CHARS, canonical_speaker

_POLARITY = {
    "1": "positive",
    "0": "negative",
    "pos": "positive",
    "neg": "negative",
    "positive": "positive",
    "negative": "negative",
    "neutral": "neutral",
    "2": "neutral",
}
# Emotion-labelled data (e.g. EWECT) also teaches polarity; surprise can go either way and is left out.
_EMOTION_POLARITY = {
    "happy": "positive",
    "angry": "negative",
    "sad": "negative",
    "fear": "negative",
    "surprise": None,
}


class LabelledDataError(ValueError):
    """A data file that cannot be used; the message names the line."""


def _text(path: Path) -> str:
    try:
        return path.read_text(encoding="utf-8-sig")
    except FileNotFoundError:
        raise LabelledDataError(f"{path}: no such file") from None
    except UnicodeDecodeError as exc:
        raise LabelledDataError(f"{path}: not UTF-8 (byte {exc.start})") from None


def _objects(path: Path, raw: str):
    """(line number, JSON object) for each non-empty line of a JSONL text."""
    for number, line in enumerate(raw.splitlines(), 1):
        if not line.strip():
            continue
        try:
            obj = json.loads(line)
        except json.JSONDecodeError as exc:
            raise LabelledDataError(f"{path}:{number}: not valid JSON ({exc.msg})") from None
        if not isinstance(obj, dict):
            raise LabelledDataError(f"{path}:{number}: expected a JSON object")
        yield number, obj


def read_labelled(
    path: Path, *, label_key: str | None = None, polarity: bool = False
) -> tuple[list[str], list[str]]:
    """Texts and labels. JSONL takes `label` (or `sentiment`); CSV takes `label` and `review`/`text`."""
    raw = _text(path)
    texts, labels = [], []
    if path.suffix.lower() == ".csv":
        reader = csv.DictReader(raw.splitlines())
        fields = reader.fieldnames or []
        text_key = "review" if "review" in fields else "text"
        if "label" not in fields or text_key not in fields:
            raise LabelledDataError(f"{path}: CSV needs columns label and review (or text)")
        rows = ((reader.line_num, row.get(text_key), row.get("label")) for row in reader)
    else:
        rows = (
            (n, obj.get("text"), obj.get(label_key or ("label" if "label" in obj else "sentiment")))
            for n, obj in _objects(path, raw)
        )
    for number, text, given in rows:
        if not isinstance(text, str) or given is None:
            raise LabelledDataError(f"{path}:{number}: needs a text string and a label")
        label = str(given).strip()
        if polarity:
            key = label.lower()
            if key in _EMOTION_POLARITY:
                polar = _EMOTION_POLARITY[key]
                if polar is None:
                    continue
                label = polar
            elif key in _POLARITY:
                label = _POLARITY[key]
            else:
                raise LabelledDataError(f"{path}:{number}: unknown polarity label {label!r}")
        if text.strip():
            texts.append(text)
            labels.append(label)
    if not texts:
        raise LabelledDataError(f"{path}: no labelled items")
    return texts, labels


def read_dialogues(path: Path) -> list[tuple[list[str], float]]:
    """STC-3-style dialogues: the customer turns' texts and the annotators' mean satisfaction S."""
    out = []
    for number, obj in _objects(path, _text(path)):
        turns, score = obj.get("turns"), obj.get("S")
        if not isinstance(turns, list) or not isinstance(score, int | float):
            raise LabelledDataError(f"{path}:{number}: needs turns[] and a numeric S")
        texts = [
            t.get("text", "")
            for t in turns
            if isinstance(t, dict) and t.get("sender") == "customer"
        ]
        out.append(([t for t in texts if isinstance(t, str)], float(score)))
    if not out:
        raise LabelledDataError(f"{path}: no dialogues")
    return out


@dataclass(frozen=True)
class NeedItem:
    """A contact labelled with the reason it was filed under: what was said, and the customer's recent events."""

    turns: tuple[tuple[str, str], ...]  # (speaker, text)
    reason: str
    events: tuple[dict, ...] = ()


def _event(value: object) -> dict | None:
    """An event as a profile takes it: "overage_charge" means one from yesterday."""
    if isinstance(value, str) and value.strip():
        return {"type": value.strip(), "days_ago": 1}
    if (
        isinstance(value, dict)
        and isinstance(value.get("type"), str)
        and isinstance(value.get("days_ago", 1), int | float)
    ):
        return {"type": value["type"], "days_ago": value.get("days_ago", 1)}
    return None


def read_need(path: Path, reasons: Container[str]) -> list[NeedItem]:
    """Contacts labelled with a call reason: JSONL {text | turns[{speaker, text}], reason, events?}.

    `text` is the customer's words; `turns` a whole contact. `events` are event types
    ("overage_charge") or {type, days_ago}. Every reason must be one of `reasons`.
    """
    out = []
    for number, obj in _objects(path, _text(path)):
        where = f"{path}:{number}"
        reason, text, turns = obj.get("reason"), obj.get("text"), obj.get("turns")
        if not isinstance(reason, str) or reason not in reasons:
            raise LabelledDataError(
                f"{where}: reason {reason!r} is not a reason code of the taxonomy"
            )
        said: tuple[tuple[str, str], ...]
        if isinstance(text, str) and turns is None:
            said = (("customer", text),)
        elif (
            isinstance(turns, list)
            and text is None
            and all(isinstance(t, dict) and isinstance(t.get("text"), str) for t in turns)
        ):
            try:
                said = tuple(
                    (canonical_speaker(t.get("speaker", "customer")), t["text"]) for t in turns
                )
            except ValueError as exc:
                raise LabelledDataError(f"{where}: {exc}") from None
        else:
            raise LabelledDataError(
                f"{where}: needs a text string or turns [{{speaker, text}}], not both"
            )
        if not any(who == "customer" and t.strip() for who, t in said):
            raise LabelledDataError(f"{where}: the customer says nothing")
        if len(max((t for _, t in said), key=len)) > MAX_CHARS:
            raise LabelledDataError(
                f"{where}: an utterance is over the {MAX_CHARS}-character limit"
            )
        events = obj.get("events") or []
        read = [_event(e) for e in events] if isinstance(events, list) else [None]
        if None in read:
            raise LabelledDataError(
                f"{where}: events must be a list of event types or {{type, days_ago}}"
            )
        out.append(NeedItem(said, reason, tuple(e for e in read if e is not None)))
    if not out:
        raise LabelledDataError(f"{path}: no labelled contacts")
    return out


@dataclass(frozen=True)
class LabelledCall:
    """A call whose customer turns carry an expert's labels: (speaker, text, labels or None)."""

    id: str
    turns: tuple[tuple[str, str, dict | None], ...]


_POLARITIES = ("negative", "neutral", "positive")


def read_calls(path: Path) -> list[LabelledCall]:
    """JSONL calls, one a line: {id, turns: [{speaker, text, polarity?, escalation?, churn?}]};
    every customer turn has the three labels (polarity negative|neutral|positive, escalation
    and churn true|false)."""
    out, seen = [], set()
    for number, obj in _objects(path, _text(path)):
        where = f"{path}:{number}"
        call_id, turns = obj.get("id", f"line {number}"), obj.get("turns")
        if not isinstance(turns, list) or not turns:
            raise LabelledDataError(f"{where}: needs a non-empty turns[] list")
        if str(call_id) in seen:
            raise LabelledDataError(f"{where}: call id {call_id!r} appears twice")
        seen.add(str(call_id))
        read = []
        for i, turn in enumerate(turns, 1):
            at = f"{where} turn {i}"
            if not isinstance(turn, dict) or not isinstance(turn.get("text"), str):
                raise LabelledDataError(f"{at}: needs speaker and a text string")
            try:
                speaker = canonical_speaker(str(turn.get("speaker", "")))
            except ValueError as exc:
                raise LabelledDataError(f"{at}: {exc}") from None
            if len(turn["text"]) > MAX_CHARS:
                raise LabelledDataError(f"{at}: over {MAX_CHARS} characters")
            labels = None
            if speaker == "customer":
                labels = {k: turn.get(k) for k in ("polarity", "escalation", "churn")}
                if labels["polarity"] not in _POLARITIES or not all(
                    isinstance(labels[k], bool) for k in ("escalation", "churn")
                ):
                    raise LabelledDataError(
                        f"{at}: a customer turn needs polarity (negative|neutral|positive), "
                        "escalation and churn (true|false)"
                    )
            read.append((speaker, turn["text"], labels))
        out.append(LabelledCall(str(call_id), tuple(read)))
    if not out:
        raise LabelledDataError(f"{path}: no calls")
    return out
