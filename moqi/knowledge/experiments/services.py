"""Script experiments with storage: designed, started, fed by closed contacts, reported, and
their winner proposed for publication through the knowledge review (never published here).

The live path asks `variants_for` once per contact as it opens (one small query, not one per
utterance): the lines of the running experiments whose variant arm the contact is in.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from moqi.content.model import BRANDS
from moqi.errors import Conflict, Invalid, NotFound
from moqi.knowledge import review, versions
from moqi.knowledge.experiments import design, outcomes, stats
from moqi.knowledge.experiments.models import ExperimentRow, ExposureRow
from moqi.knowledge.models import ProposalRow, ReasonRow
from moqi.nlp.mask import mask_pii
from moqi.nlp.normalize import normalize

STATUSES = ("draft", "running", "finished")
STATUS_LABELS = {"draft": "草稿", "running": "进行中", "finished": "已结束"}
OUTCOMES = {"emotion": "客户情绪变化（话术后两轮）", "rating": "满意度评分（1–5）"}
DECISION_LABELS = {
    "pending": "未到样本量，暂不判定",
    "variant": "新话术更好",
    "control": "原话术更好",
    "none": "无显著差异",
}


def create(
    session: Session,
    *,
    name: str,
    script_id: str,
    variant: object,
    brand: str = "",
    reason: str = "",
    outcome: str = "emotion",
    mde: float = 0.2,
    sd: float = 0.5,
    user: str,
    now: datetime,
) -> ExperimentRow:
    """A draft experiment of a published script against `variant`; its horizon (contacts per
    arm) is fixed now from the minimum detectable effect."""
    clean_name = normalize(str(name or "")).strip()
    if not clean_name or len(clean_name) > 80:
        raise Invalid("the experiment needs a name of 1–80 characters")
    live = versions.live_body(session, "script", str(script_id))
    if live is None:
        raise NotFound(f"script {script_id!r} does not exist")
    text = design.variant_text(
        mask_pii(variant) if isinstance(variant, str) else variant, live["text"]
    )
    if brand and brand not in BRANDS:
        raise Invalid(f"unknown brand {brand!r}; use {', '.join(BRANDS)}")
    if reason and session.get(ReasonRow, reason) is None:
        raise NotFound(f"reason {reason!r} does not exist")
    if outcome not in OUTCOMES:
        raise Invalid(f"outcome must be one of {', '.join(OUTCOMES)}")
    row = ExperimentRow(
        name=clean_name,
        script_id=str(script_id),
        control_text=live["text"],
        variant_text=text,
        brand=brand,
        reason=reason,
        outcome=outcome,
        mde=float(mde),
        sd=float(sd),
        per_arm=design.per_arm(mde, sd),
        status="draft",
        created_by=user,
        created_at=now,
    )
    session.add(row)
    session.flush()
    return row


def get(session: Session, experiment_id: int) -> ExperimentRow:
    row = session.get(ExperimentRow, experiment_id)
    if row is None:
        raise NotFound(f"experiment {experiment_id} does not exist")
    return row


def listing(session: Session) -> list[ExperimentRow]:
    return list(session.scalars(select(ExperimentRow).order_by(ExperimentRow.id.desc())))


def start(session: Session, experiment_id: int, *, now: datetime) -> ExperimentRow:
    """Start a draft; one running experiment per line at a time (a contact sees one variant)."""
    row = get(session, experiment_id)
    if row.status != "draft":
        raise Conflict(f"experiment {experiment_id} is {row.status}, not a draft")
    other = session.scalar(
        select(ExperimentRow.id).where(
            ExperimentRow.script_id == row.script_id, ExperimentRow.status == "running"
        )
    )
    if other is not None:
        raise Conflict(f"experiment {other} already tests script {row.script_id!r}")
    row.status, row.started_at = "running", now
    session.flush()
    return row


def stop(session: Session, experiment_id: int, *, now: datetime) -> ExperimentRow:
    """Finish a running experiment: no more contacts are split or counted."""
    row = get(session, experiment_id)
    if row.status != "running":
        raise Conflict(f"experiment {experiment_id} is {row.status}, not running")
    row.status, row.finished_at = "finished", now
    session.flush()
    return row


def _running(session: Session) -> Sequence[ExperimentRow]:
    return session.scalars(select(ExperimentRow).where(ExperimentRow.status == "running")).all()


def variants_for(session: Session, contact_id: int, brand: str) -> dict[str, str]:
    """For a contact opening now, the variant text of each line whose experiment put it in
    the variant arm (script id → text); {} when none runs, and the call goes on as before."""
    return {
        e.script_id: e.variant_text
        for e in _running(session)
        if (not e.brand or e.brand == brand) and design.arm(e.id, contact_id) == "variant"
    }


def record_exposures(
    session: Session,
    contact_id: int,
    events: Sequence[dict],
    *,
    brand: str,
    reason: str,
    now: datetime,
) -> int:
    """When a contact closes: an exposure for each running experiment of its segment whose line
    was shown in the call (events as stored, oldest first). Returns how many."""
    added = 0
    for e in _running(session):
        if (e.brand and e.brand != brand) or (e.reason and e.reason != reason):
            continue
        found = outcomes.outcome(events, e.script_id)
        if found is None:
            continue
        exists = session.scalar(
            select(ExposureRow.id).where(
                ExposureRow.experiment_id == e.id, ExposureRow.contact_id == contact_id
            )
        )
        if exists is not None:
            continue
        session.add(
            ExposureRow(
                experiment_id=e.id,
                contact_id=contact_id,
                arm=design.arm(e.id, contact_id),
                read_out=found.read_out,
                emotion_change=found.emotion_change,
                escalated=found.escalated,
                recorded_at=now,
            )
        )
        added += 1
    session.flush()
    return added


def _figure(i: stats.Interval, digits: int = 3) -> dict[str, Any]:
    r = lambda v: None if v is None else round(v, digits)  # noqa: E731
    return {"value": r(i.value), "low": r(i.low), "high": r(i.high), "n": i.n}


def report(session: Session, experiment_id: int) -> dict[str, Any]:
    """Each arm's primary outcome (mean, 95% CI), the share escalated (Wilson), the difference
    variant − control (Welch), the contacts still needed, and the decision at the horizon."""
    from moqi.insight import services as insight  # ratings are joined as they are now

    row = get(session, experiment_id)
    exposures = session.scalars(
        select(ExposureRow).where(ExposureRow.experiment_id == row.id).order_by(ExposureRow.id)
    ).all()
    ratings = insight.satisfaction_of(session, [x.contact_id for x in exposures])
    values: dict[str, list[float]] = {a: [] for a in design.ARMS}
    arms: dict[str, dict[str, Any]] = {}
    for a in design.ARMS:
        mine = [x for x in exposures if x.arm == a]
        for x in mine:
            v = x.emotion_change if row.outcome == "emotion" else ratings.get(x.contact_id)
            if v is not None:
                values[a].append(float(v))
        escalated = sum(1 for x in mine if x.escalated)
        rated = [ratings[x.contact_id] for x in mine if x.contact_id in ratings]
        arms[a] = {
            "exposed": len(mine),
            "read_out": sum(1 for x in mine if x.read_out),
            "outcome": _figure(stats.mean(values[a])),
            "escalated": _figure(stats.wilson(escalated, len(mine))),
            "rating": _figure(stats.mean([float(s) for s in rated])),
        }
    difference = stats.welch(values["control"], values["variant"])
    nc, nv = len(values["control"]), len(values["variant"])
    verdict = stats.decision(difference, nc, nv, row.per_arm)
    return {
        "experiment": experiment_json(row),
        "arms": arms,
        "difference": _figure(difference),
        "still_needed": stats.still_needed(nc, nv, row.per_arm),
        "decision": verdict,
        "decision_label": DECISION_LABELS[verdict],
    }


def propose_winner(
    session: Session, experiment_id: int, *, user: str, now: datetime
) -> ProposalRow:
    """File a knowledge proposal to replace the line's text with the variant, once the horizon
    says the variant is better; an editor reviews and publishes it as any other change."""
    row = get(session, experiment_id)
    if row.proposal_id is not None:
        raise Conflict(f"experiment {experiment_id} already proposed #{row.proposal_id}")
    verdict = report(session, experiment_id)["decision"]
    if verdict != "variant":
        raise Conflict(
            f"no winner to propose: {DECISION_LABELS[verdict]} (the variant must be better at the horizon)"
        )
    live = versions.live_body(session, "script", row.script_id)
    if live is None:
        raise NotFound(f"script {row.script_id!r} no longer exists")
    proposal = review.propose(
        session,
        kind="script",
        key=row.script_id,
        action="update",
        body={**live, "text": row.variant_text},
        summary=f"A/B 实验「{row.name}」到达样本量，新话术效果更好，建议替换原话术",
        proposer=user,
        source="editor",
        source_ref=f"experiment:{row.id}",
    )
    row.proposal_id = proposal.id
    if row.status == "running":
        row.status, row.finished_at = "finished", now
    session.flush()
    return proposal


def experiment_json(row: ExperimentRow) -> dict[str, Any]:
    return {
        "id": row.id,
        "name": row.name,
        "script_id": row.script_id,
        "control_text": row.control_text,
        "variant_text": row.variant_text,
        "brand": row.brand,
        "reason": row.reason,
        "outcome": row.outcome,
        "outcome_label": OUTCOMES[row.outcome],
        "mde": row.mde,
        "sd": row.sd,
        "per_arm": row.per_arm,
        "status": row.status,
        "status_label": STATUS_LABELS[row.status],
        "created_by": row.created_by,
        "created_at": row.created_at.isoformat(),
        "started_at": row.started_at.isoformat() if row.started_at else None,
        "finished_at": row.finished_at.isoformat() if row.finished_at else None,
        "proposal_id": row.proposal_id,
    }
