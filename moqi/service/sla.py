"""Service-level clocks for tickets: how long a commitment may stay open. Pure."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path

import yaml

SLA_FILE = Path(__file__).resolve().parent.parent / "data" / "service" / "sla.yaml"


@dataclass(frozen=True, slots=True)
class Sla:
    """Hours allowed per call reason, falling back to the moment of truth."""

    moments: dict[str, float]
    reasons: dict[str, float]

    def hours(self, reason: str, moment: str) -> float:
        """The hours a ticket for this reason/moment may stay open (48 when nothing says)."""
        return self.reasons.get(reason) or self.moments.get(moment) or 48.0

    def due(self, reason: str, moment: str, opened: datetime) -> datetime:
        """When a ticket opened at `opened` is due."""
        return opened + timedelta(hours=self.hours(reason, moment))


def load_sla(path: Path = SLA_FILE) -> Sla:
    """The SLA table from its YAML file; ValueError naming the file when it is malformed."""
    try:
        doc = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
        moments = {str(k): float(v) for k, v in (doc.get("moments") or {}).items()}
        reasons = {str(k): float(v) for k, v in (doc.get("reasons") or {}).items()}
    except (OSError, yaml.YAMLError, AttributeError, TypeError, ValueError) as exc:
        raise ValueError(f"{path}: not a valid SLA table: {exc}") from exc
    if any(h <= 0 for h in (*moments.values(), *reasons.values())):
        raise ValueError(f"{path}: hours must be positive")
    return Sla(moments, reasons)
