"""Does the escalation risk an agent sees follow how the contact ends? STC-3 dialogues (data/ only).

    python bench/risk_dev.py

Every dialogue of ../shared/data/dialogues/stc3_helpdesk_dev.jsonl goes through one
AssistSession (customer and helpdesk turns in order, no profile). The risk after each
customer turn is read as the agent sees it; per dialogue the last, the highest and the mean
are correlated (Spearman) with the annotators' satisfaction S and task accomplishment A.
A risk that means something correlates negatively: the riskier the caller looked, the less
satisfied they ended. Nothing is tuned here; it measures a change to how risk is made.
"""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _data import stc3_dialogues  # noqa: E402

from moqi.assist import AssistSession, default_engine  # noqa: E402
from moqi.assist.evaluate import spearman  # noqa: E402


def main() -> None:
    engine = default_engine()
    rows = []
    for d in stc3_dialogues():
        session = AssistSession(engine=engine)
        risks = []
        for turn in d["turns"]:
            if not turn["text"].strip():
                continue
            event = session.feed(
                "customer" if turn["sender"] == "customer" else "agent", turn["text"]
            )
            if turn["sender"] == "customer":
                risks.append(event.emotion["risk"])
        if risks:
            rows.append((risks, d["S"], d["A"]))
    satisfaction = [s for _, s, _ in rows]
    accomplished = [a for _, _, a in rows]
    print(f"STC-3 dialogues: {len(rows)} with a customer turn\n")
    print(
        "| risk per dialogue | Spearman with S (satisfaction) | with A (task accomplished) |\n|---|---|---|"
    )
    for name, pick in (
        ("last customer turn", lambda r: r[-1]),
        ("highest", max),
        ("mean", lambda r: sum(r) / len(r)),
    ):
        values = [pick(r) for r, _, _ in rows]
        print(
            f"| {name} | {spearman(values, satisfaction):+.3f} | {spearman(values, accomplished):+.3f} |"
        )


if __name__ == "__main__":
    main()
