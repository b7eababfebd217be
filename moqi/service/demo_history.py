"""Eight weeks of service history for the demo (`moqi init --demo-history`), written through
the paths real work takes: customers by upsert_customer, closed contacts by create_contact and
close_contact, tickets by open_ticket_for_contact, replies and resolutions by the desk's own
functions (the resolution queues the follow-up survey SMS in the outbox), survey answers
(a "not solved" reopens the ticket), outbox delivery by deliver_due, payment reminders, IVR
ratings by insight's record_rating, and SMS self-service commands through the channels'
intake. The plan is content (moqi/data/demo/history.yaml); the randomness is seeded, so the
same `now` gives the same history.

Events run in time order from a heap, so nothing is written before what it follows; events
after `now` are left undone (tickets still open, surveys unanswered), as on a live desk.
Refused on a database that has contacts already: demo history is never mixed into an
operator's own records."""

from __future__ import annotations

import heapq
import itertools
import random
from collections.abc import Callable
from datetime import datetime, timedelta
from functools import partial
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from moqi import errors
from moqi.content.reading import shipped_yaml
from moqi.service import followup, ticket_work, tickets
from moqi.service import services as desk
from moqi.service.models import Contact, Ticket
from moqi.service.outbox import services as outbox
from moqi.service.outbox.gateway import OutboxGateway

PLAN = "demo/history.yaml"


def _pick(rng: random.Random, weights: dict[str, float]) -> str:
    return rng.choices(list(weights), weights=list(weights.values()))[0]


class _History:
    def __init__(self, session: Session, plan: dict, now: datetime, link_base: str) -> None:
        self.s, self.plan, self.now, self.link = session, plan, now, link_base
        self.rng = random.Random(plan["seed"])
        self.heap: list[tuple[datetime, int, Callable[[], None]]] = []
        self.order = itertools.count()
        self.counts = dict.fromkeys(
            ("customers", "contacts", "tickets", "replies", "resolved", "reopened", "surveys"),
            0,
        ) | {"ratings": 0, "self_service": 0, "reminders": 0, "sent": 0}
        self.moments = {r["code"]: r["moment"] for r in shipped_yaml("taxonomy.yaml")["reasons"]}
        self.reasons = plan["reasons"]
        for r in self.reasons:
            if r["code"] not in self.moments:
                raise errors.Invalid(f"{PLAN}: unknown reason {r['code']!r}")
        self.agents_list: list[dict] = []

    def at(self, when: datetime, action: Callable[[], None]) -> None:
        if when <= self.now:
            heapq.heappush(self.heap, (when, next(self.order), action))

    # The people -----------------------------------------------------------------------------

    def agents(self) -> list[dict]:
        from moqi.accounts import services as accounts

        for a in self.plan["agents"]:
            try:
                accounts.get_user(self.s, a["username"])
            except accounts.UnknownUser:
                accounts.add_user(
                    self.s,
                    a["username"],
                    accounts.new_password(a["username"]),
                    "agent",
                    a["name"],
                    a["team"],
                )
        self.agents_list = list(self.plan["agents"])
        return self.agents_list

    def customers(self) -> list[str]:
        spec, rng = self.plan["customers"], self.rng
        ids = []
        for i in range(spec["count"]):
            cid = f"DH{i + 1:04d}"
            name = rng.choice(spec["surnames"]) + rng.choice(spec["given"])
            desk.upsert_customer(
                self.s,
                {
                    "id": cid,
                    "name": name,
                    "gender": rng.choice(("male", "female")),
                    "phone": f"13{rng.randint(5, 9)}{rng.randint(0, 99_999_999):08d}",
                    "brand": _pick(rng, spec["brands"]),
                    "region": _pick(rng, spec["regions"]),
                    "tenure_months": rng.randint(3, 180),
                },
                now=self.now,
            )
            ids.append(cid)
        self.counts["customers"] = len(ids)
        return ids

    # Contacts and their tickets -------------------------------------------------------------

    def contact(
        self, start: datetime, customer: str | None, agent: dict, reason: dict | None = None
    ) -> None:
        rng, plan = self.rng, self.plan
        if reason is None:
            reason = rng.choices(self.reasons, weights=[r["weight"] for r in self.reasons])[0]
        if customer is not None and rng.random() < plan["repeat_share"]:
            # The customer will call again about the same thing within the week.
            again = start + timedelta(hours=rng.uniform(2, 6 * 24))
            other = rng.choice(self.agents_list)
            self.at(again, lambda: self.contact(again, customer, other, reason))
        channel = _pick(rng, plan["channels"])
        row = desk.create_contact(
            self.s,
            customer_id=customer,
            channel=channel,
            title=reason["label"],
            agent=agent["username"],
            started_at=start,
        )
        row.reason, row.moment = reason["code"], self.moments[reason["code"]]
        end = start + timedelta(seconds=rng.randint(90, 720))
        ticketed = customer is not None and rng.random() < reason.get("ticket", 0)
        desk.close_contact(
            self.s,
            row,
            result="callback" if ticketed else "resolved",
            notes=reason["label"],
            now=end,
        )
        self.counts["contacts"] += 1
        if rng.random() < plan["rated"]:
            self.at(end + timedelta(minutes=2), lambda: self.rate(row.id, end))
        if ticketed:
            self.ticket(row, reason, agent, end)

    def rate(self, contact_id: int, end: datetime) -> None:
        from moqi.insight import services as insight

        score = _pick(self.rng, {"5": 50, "4": 30, "3": 12, "2": 5, "1": 3})
        likely = min(10, max(0, int(score) * 2 + self.rng.randint(-2, 1)))
        insight.record_rating(
            self.s,
            contact_id,
            source="ivr",
            now=end + timedelta(minutes=2),
            satisfaction=int(score),
            recommend=likely,
        )
        self.counts["ratings"] += 1

    def ticket(self, contact: Contact, reason: dict, agent: dict, at: datetime) -> None:
        before = self.s.scalar(select(func.count()).select_from(Ticket)) or 0
        ticket_id = desk.open_ticket_for_contact(
            self.s, contact, reason_label=reason["label"], now=at, team=agent["team"]
        )
        if (self.s.scalar(select(func.count()).select_from(Ticket)) or 0) == before:
            return  # the customer called again about an open ticket: the call joined it
        self.counts["tickets"] += 1
        self.work(ticket_id, reason, at)

    def _between(self, start: datetime, due: datetime | None, on_time: bool) -> datetime:
        due = tickets.aware(due) or start + timedelta(hours=8)
        if on_time:
            return start + (due - start) * self.rng.uniform(0.15, 0.9)
        return due + timedelta(hours=self.rng.uniform(1, 30))

    def work(self, ticket_id: int, reason: dict, at: datetime) -> None:
        """Reply (first response), then resolve, on or after their deadlines."""
        t = tickets.get(self.s, ticket_id)
        reply_at = self._between(
            at, t.first_response_due, self.rng.random() < self.plan["first_reply_on_time"]
        )
        resolve_at = max(
            reply_at + timedelta(minutes=10),
            self._between(at, t.due_at, self.rng.random() < self.plan["on_time"]),
        )
        self.at(reply_at, lambda: self.reply(ticket_id, reason, reply_at))
        self.at(resolve_at, lambda: self.resolve(ticket_id, reason, resolve_at))

    def reply(self, ticket_id: int, reason: dict, when: datetime) -> None:
        t = tickets.get(self.s, ticket_id)
        if t.status in ("open", "waiting"):
            ticket_work.reply(
                self.s,
                ticket_id,
                username=t.owner,
                role="agent",
                body=reason["reply"],
                now=when,
            )
            self.counts["replies"] += 1

    def resolve(self, ticket_id: int, reason: dict, when: datetime) -> None:
        t = tickets.get(self.s, ticket_id)
        if t.status not in ("open", "waiting"):
            return
        followup.resolve(
            self.s,
            ticket_id,
            username=t.owner,
            role="agent",
            code=reason["resolution"],
            resolution=reason["resolution_text"],
            now=when,
            link_base=self.link,
        )
        self.counts["resolved"] += 1
        self.deliver_later(when)
        if self.rng.random() < self.plan["survey_answered"]:
            answer_at = when + timedelta(hours=self.rng.uniform(0.5, 20))
            solved = self.rng.random() >= self.plan["not_solved"]
            self.at(answer_at, lambda: self.answer(ticket_id, reason, answer_at, solved))

    def answer(self, ticket_id: int, reason: dict, when: datetime, solved: bool) -> None:
        survey = followup.open_survey(self.s, ticket_id)
        if survey is None:
            return
        comments = self.plan["survey_comments"]["solved" if solved else "not_solved"]
        score = self.rng.choice((4, 5, 5)) if solved else self.rng.choice((1, 2, 3))
        followup.answer(
            self.s,
            survey.id,
            solved=solved,
            score=score,
            comment=self.rng.choice(comments),
            now=when,
        )
        self.counts["surveys"] += 1
        if not solved:
            self.counts["reopened"] += 1
            again = when + timedelta(hours=self.rng.uniform(2, 30))
            # Worked again and resolved; this time the customer is satisfied.
            self.at(again, lambda: self.resolve_again(ticket_id, reason, again))

    def resolve_again(self, ticket_id: int, reason: dict, when: datetime) -> None:
        keep = self.plan["not_solved"]
        self.plan["not_solved"] = 0.0
        try:
            self.resolve(ticket_id, reason, when)
        finally:
            self.plan["not_solved"] = keep

    # Messages -------------------------------------------------------------------------------

    def deliver_later(self, when: datetime) -> None:
        delays = self.plan["sms_delay_minutes"]
        span = delays["slow"] if self.rng.random() < delays["slow_share"] else delays["fast"]
        at = when + timedelta(minutes=self.rng.uniform(*span))
        self.at(at, lambda: self.deliver(at))

    def deliver(self, when: datetime) -> None:
        sent = outbox.deliver_due(self.s, OutboxGateway(), now=when)
        self.counts["sent"] += sent["sent"]

    def reminder(self, customer: str, when: datetime, i: int) -> None:
        spec = self.plan["payment_reminders"]
        outbox.payment_reminder(
            self.s,
            customer_id=customer,
            family_phone=f"1860000{i:04d}",
            amount_yuan=self.rng.choice(spec["amounts"]),
            consent_by=spec["consent_by"],
            consent_how=spec["consent_how"],
            agent=self.plan["agents"][0]["username"],
            now=when,
        )
        self.counts["reminders"] += 1
        self.deliver_later(when)

    def self_service(self, when: datetime, i: int) -> None:
        from moqi.channels import services as channels
        from moqi.channels.inbound import Inbound

        command = self.rng.choice(self.plan["commands"])
        sender = f"demo-sms-{self.rng.randint(1, 400):04d}"
        message = Inbound(
            channel="sms", sender=sender, key=f"demo-{i}", kind="command", text=command
        )
        if channels.receive(self.s, message, when) is not None:
            self.counts["self_service"] += 1


def generate(session: Session, *, now: datetime, link_base: str) -> dict[str, int]:
    """Write the demo history ending at `now`; counts of what was written. Conflict when the
    database has contacts already (nothing is written then)."""
    if session.scalar(select(func.count()).select_from(Contact)):
        raise errors.Conflict(
            "the database has contacts already: demo history is only added to a database without any"
        )
    plan: dict[str, Any] = shipped_yaml(PLAN)
    h = _History(session, plan, now, link_base)
    agents = h.agents()
    customers = h.customers()
    rng = h.rng
    start_day = (now - timedelta(weeks=plan["weeks"])).replace(
        hour=0, minute=0, second=0, microsecond=0
    )
    day, n = start_day, 0
    while day < now:
        weekend = day.weekday() >= 5
        calls = plan["contacts_per_day"]["weekend" if weekend else "weekday"]
        for _ in range(rng.randint(max(1, calls - 2), calls + 2)):
            # 08:00–22:00 China time is 00:00–14:00 UTC.
            start = day + timedelta(minutes=rng.randint(0, 14 * 60 - 1))
            customer = rng.choice(customers) if rng.random() > 0.08 else None
            agent = rng.choice(agents)
            h.at(start, partial(h.contact, start, customer, agent))
        for _ in range(plan["self_service_per_day"]):
            n += 1
            when = day + timedelta(minutes=rng.randint(0, 23 * 60))
            h.at(when, partial(h.self_service, when, n))
        day += timedelta(days=1)
    spec = plan["payment_reminders"]
    for i in range(spec["count"]):
        when = start_day + timedelta(hours=rng.uniform(0, plan["weeks"] * 7 * 24))
        h.at(when, partial(h.reminder, customers[i], when, i))
    while h.heap:
        _, _, action = heapq.heappop(h.heap)
        action()
    session.flush()
    from moqi.insight import services as insight

    return h.counts | insight.research_demo(session, plan, now=now)
