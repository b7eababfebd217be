"""The KPI board's definitions (moqi/data/insight/kpis.yaml): each KPI's name, definition,
unit, direction, target and amber line, checked when read; and the red/amber/green status a
value gets from them."""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from moqi.content.reading import DATA_DIR, ContentError, need, read_yaml

# The KPIs moqi computes, in board order; the file defines each of them exactly once.
KEYS = (
    "complaint_timeliness",
    "reply_return_rate",
    "first_contact_resolution",
    "sla_attainment",
    "e_channel_share",
    "reminder_sms_timeliness",
    "complaint_per_10k",
    "refund_per_10k",
    "retention_success",
    "answer_rate_balance",
)
UNITS = ("%", "件/万户", "百分点")
DIRECTIONS = ("higher", "lower")
FILE = DATA_DIR / "insight" / "kpis.yaml"


@dataclass(frozen=True)
class KpiDef:
    key: str
    name: str
    definition: str
    unit: str
    direction: str
    target: float
    amber: float
    within_minutes: int | None = None

    def status(self, value: float | None) -> str:
        """green at or better than the target, amber up to the amber line, red beyond it;
        "none" when there is no value."""
        if value is None:
            return "none"
        sign = 1 if self.direction == "higher" else -1
        if sign * (value - self.target) >= -1e-9:
            return "green"
        if sign * (value - self.amber) >= -1e-9:
            return "amber"
        return "red"


def _number(item: dict, field: str, where: str) -> float:
    value = item.get(field)
    need(
        isinstance(value, int | float) and not isinstance(value, bool),
        where,
        f"{field} must be a number, not {value!r}",
    )
    return float(value)  # type: ignore[arg-type]


def parse(doc: object, where: str = "kpis.yaml") -> dict[str, KpiDef]:
    """The definitions by key, in board order; ContentError naming the item at fault."""
    need(isinstance(doc, list), where, "must be a list of KPI definitions")
    found: dict[str, KpiDef] = {}
    items: list = doc  # type: ignore[assignment]
    for i, item in enumerate(items):
        at = f"{where} item {i + 1}"
        need(isinstance(item, dict), at, "must be a mapping")
        key = item.get("key")
        need(key in KEYS, at, f"key must be one of {', '.join(KEYS)}, not {key!r}")
        at = f"{where} {key}"
        need(key not in found, at, "defined twice")
        for field in ("name", "definition"):
            text = item.get(field)
            need(isinstance(text, str) and text.strip() != "", at, f"{field} must be a text")
        need(item.get("unit") in UNITS, at, f"unit must be one of {', '.join(UNITS)}")
        direction = item.get("direction")
        need(direction in DIRECTIONS, at, "direction must be higher or lower")
        target, amber = _number(item, "target", at), _number(item, "amber", at)
        if direction == "higher":
            need(amber <= target, at, "amber must not be above the target when higher is better")
        else:
            need(amber >= target, at, "amber must not be below the target when lower is better")
        within = item.get("within_minutes")
        if key == "reminder_sms_timeliness":
            need(
                isinstance(within, int) and not isinstance(within, bool) and 0 < within <= 1440,
                at,
                "within_minutes must be a whole number of minutes from 1 to 1440",
            )
        found[key] = KpiDef(
            key=key,
            name=item["name"].strip(),
            definition=item["definition"].strip(),
            unit=item["unit"],
            direction=direction,
            target=target,
            amber=amber,
            within_minutes=within,
        )
    missing = [k for k in KEYS if k not in found]
    need(not missing, where, f"no definition for {', '.join(missing)}")
    return {k: found[k] for k in KEYS}


def load(path: Path = FILE) -> dict[str, KpiDef]:
    """The definitions in a file (ContentError for a missing or bad one)."""
    return parse(read_yaml(path), path.name)


@lru_cache(maxsize=1)
def shipped() -> dict[str, KpiDef]:
    return load()


__all__ = ["KEYS", "ContentError", "KpiDef", "load", "parse", "shipped"]
