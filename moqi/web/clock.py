"""The clock routes read (one place, so tests can reason about time)."""

from __future__ import annotations

from datetime import UTC, datetime


def now() -> datetime:
    """Timezone-aware UTC now."""
    return datetime.now(UTC)
