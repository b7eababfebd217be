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
        def _rows():
            for number, line in enumerate(raw.splitlines(), 1):
                if not line.strip():
                    continue
                try:
                    obj = json.loads(line)
                except json.JSONDecodeError as exc:
                    raise LabelledDataError(f"{path}:{number}: not valid JSON ({exc.msg})") from None
                if not isinstance(obj, dict):
                    raise LabelledDataError(f"{path}:{number}: expected a JSON object")
                key = label_key or ("label" if "label" in obj else "sentiment")
                yield number, obj.get("text"), obj.get(key)
        rows = _rows()
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
    for number, line in enumerate(_text(path).splitlines(), 1):
        if not line.strip():
            continue
        try:
            obj = json.loads(line)
        except json.JSONDecodeError as exc:
            raise LabelledDataError(f"{path}:{number}: not valid JSON ({exc.msg})") from None
        turns = obj.get("turns") if isinstance(obj, dict) else None
        score = obj.get("S") if isinstance(obj, dict) else None
        if not isinstance(turns, list) or not isinstance(score, int | float):
            raise LabelledDataError(f"{path}:{number}: needs turns[] and a numeric S")
        texts = [t.get("text", "") for t in turns if isinstance(t, dict) and t.get("sender") == "customer"]
        out.append(([t for t in texts if isinstance(t, str)], float(score)))
    if not out:
        raise LabelledDataError(f"{path}: no dialogues")
    return out
