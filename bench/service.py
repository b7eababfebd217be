"""Service desk speed: SLA due-time computations per second on the shipped calendars.

    python bench/service.py [--n 50000]

Targets (issue 23): ≥ 100,000 due computations/s. Ticket writes through the API and the breach
sweep over 1,000,000 open tickets come with the ticket desk itself.
"""

from __future__ import annotations

import argparse
import random
import time
from datetime import timedelta

import yaml

from moqi.content.reading import DATA_DIR
from moqi.service.calendar import parse_calendar, parse_instant

TARGET = 100_000


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=50_000)
    args = parser.parse_args()
    random.seed(10086)
    origin = parse_instant("2026-01-05T00:00:00+08:00", "origin")
    print("| calendar | target minutes | due/s | target |")
    print("|---|---|---|---|")
    for name in ("hotline_24h", "back_office"):
        doc = yaml.safe_load(
            (DATA_DIR / "service" / "calendars" / f"{name}.yaml").read_text("utf-8")
        )
        calendar = parse_calendar(doc)
        for minutes in (120, 24 * 60, 72 * 60):
            # starts spread over a year, as the open tickets of a real desk are
            starts = [
                origin + timedelta(seconds=random.randrange(0, 365 * 86400)) for _ in range(args.n)
            ]
            t = time.perf_counter()
            for start in starts:
                calendar.due(start, minutes)
            rate = args.n / (time.perf_counter() - t)
            print(f"| {name} | {minutes} | {rate:,.0f} | ≥ {TARGET:,} |")


if __name__ == "__main__":
    main()
