"""Self-service, counted: an agent offers a customer the self-service path of their reason
(以后发送CXHF到10086就能查), and the customer's later use of that path — an SMS command, a menu
click, seen by the channels — counts as uptake. Offers and uptake per agent and team are what
the seeds count in agents' reviews."""

from __future__ import annotations

from collections import defaultdict
from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from moqi.channels import selfservice
from moqi.channels.models import ChannelMessage, SelfServiceOffer
from moqi.errors import Conflict, Invalid
from moqi.service import services as desk

# A use of the path this long after the offer still counts as taking it up.
UPTAKE_DAYS = 30
MAX_OFFERS = 100_000


def paths() -> dict[str, dict]:
    """Every reason with a self-service path: the agent's line and where the path is."""
    shipped = selfservice.shipped()
    out = {}
    for path in shipped.paths:
        offer = selfservice.offer_for(path.reason, shipped)
        if offer is not None:
            out[path.reason] = offer
    return out


def offer(
    session: Session, contact_id: int, reason: str, *, agent: str, team: str, now: datetime
) -> dict:
    """Record that the agent offered the reason's self-service path on this contact; Invalid
    for a reason without one, Conflict when it was recorded already, NotFound for a contact."""
    if selfservice.shipped().path(reason) is None:
        raise Invalid(f"reason {reason!r} has no self-service path to offer")
    contact = desk.get_contact(session, contact_id)
    row = SelfServiceOffer(
        contact_id=contact.id,
        customer_id=contact.customer_id,
        agent=agent,
        team=team,
        reason=reason,
        offered_at=now,
    )
    try:
        with session.begin_nested():
            session.add(row)
    except IntegrityError:
        raise Conflict("this self-service path was offered on this contact already") from None
    return {"contact_id": contact.id, "reason": reason, "offered_at": now.isoformat()}


def report(session: Session, *, since: datetime, until: datetime, team: str | None = None) -> dict:
    """Offers made in [since, until) and how many the customer took up within UPTAKE_DAYS,
    per agent, per reason and in all (a team's only when `team` is given)."""
    query = select(SelfServiceOffer).where(
        SelfServiceOffer.offered_at >= since, SelfServiceOffer.offered_at < until
    )
    if team is not None:
        query = query.where(SelfServiceOffer.team == team)
    offers = list(session.scalars(query.order_by(SelfServiceOffer.id).limit(MAX_OFFERS)))
    customers = {o.customer_id for o in offers if o.customer_id}
    uses: dict[tuple[str, str], list[datetime]] = defaultdict(list)
    if customers:
        rows = session.execute(
            select(
                ChannelMessage.customer_id, ChannelMessage.self_service, ChannelMessage.received_at
            )
            .where(ChannelMessage.customer_id.in_(customers))
            .where(ChannelMessage.self_service.is_not(None))
            .where(ChannelMessage.received_at >= since)
        )
        for customer_id, reason, at in rows:
            uses[(str(customer_id), str(reason))].append(at)
    window = timedelta(days=UPTAKE_DAYS)
    agents: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    reasons: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    for o in offers:
        took = any(
            o.offered_at < at <= o.offered_at + window
            for at in uses.get((o.customer_id or "", o.reason), ())
        )
        for tally in (agents[o.agent], reasons[o.reason]):
            tally[0] += 1
            tally[1] += int(took)
    labels = paths()
    total = [sum(t[0] for t in agents.values()), sum(t[1] for t in agents.values())]
    return {
        "since": since.isoformat(),
        "until": until.isoformat(),
        "uptake_days": UPTAKE_DAYS,
        "total": {"team": team or "全部", **_figures(total)},
        "agents": sorted(
            ({"agent": a, **_figures(t)} for a, t in agents.items()), key=lambda r: -r["offers"]
        ),
        "reasons": sorted(
            (
                {"reason": r, "line": labels.get(r, {}).get("line", ""), **_figures(t)}
                for r, t in reasons.items()
            ),
            key=lambda r: -r["offers"],
        ),
    }


def _figures(tally: list[int]) -> dict:
    offered, taken = tally
    return {
        "offers": offered,
        "uptake": taken,
        "rate": round(taken / offered, 3) if offered else None,
    }
