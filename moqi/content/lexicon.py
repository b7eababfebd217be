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
