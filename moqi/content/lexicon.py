"""The emotion lexicon's file: each word, its emotion, how strongly, and what it warns of."""

from __future__ import annotations

from pathlib import Path

from moqi.content.model import EMOTIONS, LexiconEntry
from moqi.content.reading import need, read_csv


def load_lexicon(path: Path) -> tuple[LexiconEntry, ...]:
    out, seen = [], set()
    for line, row in read_csv(path, ("word", "category", "intensity", "escalation", "churn")):
        where = f"{path}:{line}"
        need(
            bool(row["word"]) and row["word"] not in seen,
            where,
            f"empty or duplicate word {row['word']!r}",
        )
        need(row["category"] in EMOTIONS, where, f"unknown category {row['category']!r}")
        need(row["intensity"] in {"1", "2", "3", "4", "5"}, where, "intensity must be 1–5")
        need(
            row["escalation"] in {"0", "1"} and row["churn"] in {"0", "1"},
            where,
            "flags must be 0 or 1",
        )
        seen.add(row["word"])
        out.append(
            LexiconEntry(
                row["word"],
                row["category"],
                int(row["intensity"]),
                row["escalation"] == "1",
                row["churn"] == "1",
                row.get("domain") or "telecom",
            )
        )
    return tuple(out)


def escalation_channels(doc, where: str) -> dict:
    """The escalation channels document ({channels: [{code, label, words, advice}]}), checked:
    ASCII codes, each word in one channel only."""
    channels = doc.get("channels") if isinstance(doc, dict) else None
    need(isinstance(channels, list), where, "expected a mapping with a list under 'channels'")
    codes: set[str] = set()
    words: dict[str, str] = {}
    for i, item in enumerate(channels or (), 1):
        at = f"{where} channel {i}"
        need(isinstance(item, dict), at, "expected a mapping")
        code = item.get("code")
        need(
            isinstance(code, str) and code.isascii() and code.isidentifier() and code not in codes,
            at,
            f"code must be a new ASCII identifier, not {code!r}",
        )
        codes.add(code)
        for name in ("label", "advice"):
            need(isinstance(item.get(name), str) and item[name].strip(), at, f"{name} is missing")
        said = item.get("words")
        need(
            isinstance(said, list)
            and bool(said)
            and all(isinstance(w, str) and w.strip() for w in said),
            at,
            "words must be a non-empty list of strings",
        )
        for word in said:
            word = str(word)
            need(
                word not in words, at, f"{word!r} is already a word of channel {words.get(word)!r}"
            )
            words[word] = code
    return doc
