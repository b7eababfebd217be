"""Where the benchmarks find real data (../shared next to the checkout), read-only."""

from __future__ import annotations

import csv
import json
import sys
from pathlib import Path

SHARED = Path(__file__).resolve().parents[2] / "shared"


def shared(*parts: str) -> Path:
    """A path under ../shared; exits with a clear line when the data is not on this machine."""
    path = SHARED.joinpath(*parts)
    if not path.exists():
        sys.exit(f"bench: {path} not found (the real data lives in ../shared next to the checkout)")
    return path


def jsonl(path: Path) -> list[dict]:
    return [
        json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()
    ]


def stc3_dialogues() -> list[dict]:
    return jsonl(shared("data", "dialogues", "stc3_helpdesk_dev.jsonl"))


def real_utterances(minimum: int) -> list[list[tuple[str, str]]]:
    """Real conversations as lists of (speaker, text): STC-3 dialogues first, then Weibo posts
    and product reviews as one-utterance contacts until `minimum` utterances are reached."""
    calls = [[(t["sender"], t["text"]) for t in d["turns"]] for d in stc3_dialogues()]
    count = sum(len(c) for c in calls)
    extra = [r["text"] for r in jsonl(shared("data", "emotion", "ewect_virus_train.jsonl"))]
    with shared("data", "sentiment", "online_shopping_10_cats.csv").open(encoding="utf-8") as f:
        extra += [row["review"] for row in csv.DictReader(f) if row.get("review")]
    for text in extra:
        if count >= minimum:
            break
        calls.append([("customer", text[:5000])])
        count += 1
    return calls
