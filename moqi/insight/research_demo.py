"""The demo's panel and journey survey (`moqi init --demo-history`), written through the same
functions the pages use: a panel recruited from a segment, two waves started and answered, and a
seeded journey survey imported. The plan is the `research` part of moqi/data/demo/history.yaml."""

from __future__ import annotations

import random
from datetime import datetime, timedelta

from sqlalchemy.orm import Session

from moqi.insight import journey_work, panel_work
from moqi.insight.journey import Answer


def _weighted(rng: random.Random, weights: dict[str, float]) -> str:
    return rng.choices(list(weights), weights=list(weights.values()))[0]


def _score(rng: random.Random, centre: float) -> int:
    return max(1, min(5, round(rng.gauss(centre, 0.8))))


def generate(session: Session, plan: dict, *, now: datetime) -> dict[str, int]:
    spec, rng = plan["research"], random.Random(plan["research"]["seed"])
    p = spec["panel"]
    row = panel_work.create_panel(
        session,
        name=p["name"],
        segment={"brand": p["brand"]},
        size=p["size"],
        seed=spec["seed"],
        stratify=True,
        now=now - timedelta(weeks=2 * p["weeks_between"]),
        by="demo",
    )
    questions = panel_work.questionnaire()
    base: dict[str, dict[str, int]] = {}
    answered = 0
    for number in (1, 2):
        start = now - timedelta(weeks=p["weeks_between"] * (2 - number) + 1)
        wave = panel_work.plan_wave(session, row.id, planned_at=start)
        panel_work.start_wave(session, wave.id, owners=p["owners"], now=start)
        for task in panel_work.tasks(session, status="open"):
            if task["panel_id"] != row.id or task["wave"] != number:
                continue
            if rng.random() > p["answered"]:
                panel_work.record_answers(
                    session,
                    task["id"],
                    {},
                    by=task["owner"],
                    role="agent",
                    now=start + timedelta(days=2),
                    unreachable=True,
                )
                continue
            earlier = base.setdefault(task["customer"], {})
            answers: dict[str, object] = {}
            for q in questions:
                if q["kind"] == "change":
                    if number > 1:
                        draw = rng.random()
                        answers[q["key"]] = (
                            "yes" if draw < p["said_better"] else "same" if draw < 0.85 else "no"
                        )
                    continue
                score = earlier.get(q["key"]) or _score(rng, 3.6)
                if number > 1:
                    move = rng.random()
                    score += 1 if move < p["lift"] else -1 if move < p["lift"] + p["drop"] else 0
                    score = max(1, min(5, score))
                earlier[q["key"]] = answers[q["key"]] = score
            panel_work.record_answers(
                session,
                task["id"],
                answers,
                by=task["owner"],
                role="agent",
                now=start + timedelta(days=rng.randint(1, 10)),
            )
            answered += 1
    j = spec["journey"]
    needs = journey_work.needs(session, retired=False)
    regions, brands = plan["customers"]["regions"], plan["customers"]["brands"]
    centre = {n.code: (rng.uniform(3.0, 4.8), rng.uniform(2.8, 4.5)) for n in needs}
    rows: list[Answer] = []
    for i in range(j["respondents"]):
        region, brand = _weighted(rng, regions), _weighted(rng, brands)
        for n in needs:
            imp, perf = centre[n.code]
            rows.append(
                Answer(
                    f"R{i + 1:04d}",
                    region,
                    brand,
                    n.code,
                    _score(rng, imp),
                    _score(rng, perf - (0.3 if brand == "神州行" else 0)),
                )
            )
    journey_work.import_survey(session, j["name"], rows, by="demo", now=now - timedelta(days=3))
    return {
        "panel_members": p["size"],
        "panel_answers": answered,
        "journey_respondents": j["respondents"],
    }
