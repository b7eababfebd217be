"""What the service desk's targets let an agent promise a customer ("2小时内联系您",
"4个工作日内给您答复"), so a line says the centre's own time limit instead of a 〔N〕 to fill.

A script names a target as {sla_hours:KIND.CLOCK} or {sla_workdays:KIND.CLOCK} (KIND a ticket
kind, CLOCK first_response / next_update / resolution). The number is the normal-priority
policy's, rounded up: hours of working time, or working days of the policy's calendar (its
opening minutes averaged over the days of the week it opens). A customer is promised the
standard time — never the shorter one an escalated ticket gets, which the desk may then beat.
"""

from __future__ import annotations

import math

from sqlalchemy.orm import Session

from moqi.service import clocks

CLOCKS = ("first_response", "next_update", "resolution")


def sla_promises(session: Session) -> dict[str, str]:
    """Every {sla_…} placeholder's number under the policies and calendars in force."""
    out: dict[str, str] = {}
    for policy in clocks.policies(session):
        if policy.priority != "normal":
            continue
        week = clocks.calendar(session, policy.calendar).week
        open_days = [sum(end - start for start, end in day) / 60 for day in week if day]
        per_day = sum(open_days) / len(open_days) if open_days else 0.0
        for clock in CLOCKS:
            minutes = getattr(policy, f"{clock}_minutes")
            out[f"sla_hours:{policy.kind}.{clock}"] = str(math.ceil(minutes / 60))
            if per_day:
                out[f"sla_workdays:{policy.kind}.{clock}"] = str(math.ceil(minutes / per_day))
    return out
