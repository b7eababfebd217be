"""The business association map: an in-memory graph of typed relations between businesses."""

from __future__ import annotations

from collections.abc import Set as AbstractSet
from dataclasses import dataclass

from moqi.content.model import Business, Reason, Relation

# The order an agent needs them in: what the customer will complain about, what must be
# in place first, what clashes, then what usually comes next.
_PRIORITY = {
    "common_issue": 0,
    "requires": 1,
    "conflicts_with": 2,
    "often_follows": 3,
    "bundles_with": 4,
    "upgrade_to": 5,
}


@dataclass(frozen=True, slots=True)
class Link:
    """One edge shown to the agent."""

    src: str
    dst: str
    relation: str
    dst_name: str
    note: str


class BusinessMap:
    """Businesses by code, and each one's outgoing and incoming relations."""

    def __init__(
        self,
        businesses: tuple[Business, ...],
        relations: tuple[Relation, ...],
        reasons: tuple[Reason, ...],
    ):
        self.businesses = {b.code: b for b in businesses}
        self._reason_labels = {r.code: r.label for r in reasons}
        self._out: dict[str, list[Relation]] = {}
        for rel in relations:
            self._out.setdefault(rel.src, []).append(rel)
        for links in self._out.values():
            links.sort(key=lambda r: _PRIORITY.get(r.relation, 9))

    def name(self, code: str) -> str:
        """Display name of a business or a reason."""
        b = self.businesses.get(code)
        return b.name if b else self._reason_labels.get(code, code)

    def related(
        self, codes: list[str], *, focus_reasons: AbstractSet[str] = frozenset(), limit: int = 8
    ) -> list[Link]:
        """Relations of the given businesses, the ones about the predicted reasons first."""
        seen, links = set(codes), []
        for code in codes:
            for rel in self._out.get(code, ()):
                if rel.relation != "common_issue" and rel.dst in seen:
                    continue
                links.append(rel)
        links.sort(
            key=lambda r: (
                r.relation != "common_issue" or r.dst not in focus_reasons,
                _PRIORITY.get(r.relation, 9),
            )
        )
        return [Link(r.src, r.dst, r.relation, self.name(r.dst), r.note) for r in links[:limit]]
