"""Mining's I/O: the contacts moqi stored as calls to mine, and what a run found filed in the
knowledge review queue as proposals — emotion words as lexicon entries, agent lines that
calm customers down as scripts — each naming its evidence. Nothing is published here: a
knowledge editor reviews every proposal."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy.orm import Session

from moqi.content.model import EMOTIONS, NEGATIVE_EMOTIONS, POSITIVE_EMOTIONS
from moqi.errors import Conflict
from moqi.knowledge import review
from moqi.mining.calls import Call
from moqi.service import services as desk

PROPOSER = "moqi-mine"
_MIN_LINE = 6  # shorter agent lines ("好的", "您说") are acknowledgements, not scripts


@dataclass
class Filed:
    """What --propose filed (proposal ids) and what it left out, with why."""

    proposals: list[int] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)


def contact_calls(
    session: Session,
    *,
    region: str | None = None,
    brand: str | None = None,
    since: datetime | None = None,
) -> list[Call]:
    """The closed contacts moqi stored, as calls (text as stored: normalised and masked)."""
    return [
        Call(
            id=f"contact-{c['id']}",
            turns=list(c["utterances"]),
            region=c["region"],
            brand=c["brand"],
            reason=c["reason"],
            month=c["started_at"].strftime("%Y-%m"),
        )
        for c in desk.closed_transcripts(session, since=since, region=region, brand=brand)
        if any(text.strip() for _, text in c["utterances"])
    ]


def propose_findings(
    session: Session, summary: dict[str, Any], *, run: str, top: int = 10
) -> Filed:
    """File the top words and calm-down lines of a run's summary as proposals (source
    "mining", source_ref the run); an item already published or already proposed is left out."""
    filed = Filed()
    waiting = {(p.kind, p.key) for p in review.listing(session, status="open", limit=100_000)}
    for outcome in ("up", "down"):
        for row in summary["customer_words"][outcome][:top]:
            _file(session, filed, waiting, run, "lexicon", row["item"], *_lexicon(row, outcome))
    for row in summary["agent_lines"]["down"][:top]:
        key = "M" + hashlib.blake2b(row["item"].encode(), digest_size=5).hexdigest()
        _file(session, filed, waiting, run, "script", key, *_script(row))
    return filed


def _lexicon(row: dict, outcome: str) -> tuple[dict | None, str]:
    category = row["emotion"]
    fits = NEGATIVE_EMOTIONS if outcome == "up" else POSITIVE_EMOTIONS
    if category not in fits:
        return None, f"the feeling at its turns is {category or 'none'}"
    body = {
        "category": category,
        "intensity": max(1, min(5, round(row["intensity"] * 5))),
        "escalation": outcome == "up",
        "churn": False,
        "domain": "telecom",
    }
    turn = "情绪升级" if outcome == "up" else "情绪平复"
    return body, f"通话挖掘：客户说“{row['item']}”的地方{turn}的可能是平均的{_evidence(row)}"


def _script(row: dict) -> tuple[dict | None, str]:
    line = row["item"]
    if len(line) < _MIN_LINE or "#" in line or "*" in line:
        return None, "too short, or it holds numbers or masked data"
    body = {
        "kind": "reassurance",
        "reason": "*",
        "emotion": row["emotion"] if row["emotion"] in EMOTIONS else "*",
        "brand": "*",
        "region": "*",
        "stage": "*",
        "conditions": [],
        "text": line,
    }
    return body, f"通话挖掘：坐席说这句之后客户情绪平复的可能是平均的{_evidence(row)}"


def _evidence(row: dict) -> str:
    return (
        f" {row['lift']:.2f} 倍（95% 区间 {row['low']:.2f}–{row['high']:.2f}，"
        f"{row['k']}/{row['n']} 处）。例：{row['example']}"
    )


def _file(
    session: Session,
    filed: Filed,
    waiting: set[tuple[str, str]],
    run: str,
    kind: str,
    key: str,
    body: dict | None,
    summary: str,
) -> None:
    if body is None:
        filed.skipped.append(f"{kind} {key}: {summary}")
        return
    if (kind, key) in waiting:
        filed.skipped.append(f"{kind} {key}: already proposed")
        return
    try:
        with session.begin_nested():
            proposal = review.propose(
                session,
                kind=kind,
                key=key,
                action="create",
                body=body,
                summary=summary,
                proposer=PROPOSER,
                source="mining",
                source_ref=run[:64],
            )
    except Conflict:
        filed.skipped.append(f"{kind} {key}: already published")
        return
    waiting.add((kind, key))
    filed.proposals.append(proposal.id)
