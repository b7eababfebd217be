"""Read labelled text for evaluation and training: JSONL {text, label} or CSV (label, review/text)."""

from __future__ import annotations

import csv
import json
from pathlib import Path

_POLARITY = {"1": "positive", "0": "negative", "pos": "positive", "neg": "negative", "positive": "positive", "negative": "negative", "neutral": "neutral", "2": "neutral"}
# Emotion-labelled data (e.g. EWECT) also teaches polarity; surprise can go either way and is left out.
_EMOTION_POLARITY = {"happy": "positive", "angry": "negative", "sad": "negative", "fear": "negative", "surprise": None}


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


def read_labelled(path: Path, *, label_key: str | None = None, polarity: bool = False) -> tuple[list[str], list[str]]:
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
        rows = ((n, obj.get("text"), obj.get(label_key or ("label" if "label" in obj else "sentiment"))) for n, obj in _objects(path, raw))
    for number, text, label in rows:
        if not isinstance(text, str) or label is None:
            raise LabelledDataError(f"{path}:{number}: needs a text string and a label")
        label = str(label).strip()
        if polarity:
            key = label.lower()
            if key in _EMOTION_POLARITY:
                if _EMOTION_POLARITY[key] is None:
                    continue
                label = _EMOTION_POLARITY[key]
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
        texts = [t.get("text", "") for t in turns if isinstance(t, dict) and t.get("sender") == "customer"]
        out.append(([t for t in texts if isinstance(t, str)], float(score)))
    if not out:
        raise LabelledDataError(f"{path}: no dialogues")
    return out
