"""Three-way confirmation (三维确认): after an operation, read back business, number and result."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass
class Confirmation:
    """The checklist of one operation, recorded on the contact."""

    business_code: str | None
    business_name: str
    number: str
    success: bool
    turn: int
    prompt: str
    status: str = "pending"  # pending → confirmed | disputed
    items: list[dict] = field(default_factory=list)

    def __post_init__(self) -> None:
        if not self.items:
            self.items = [
                {"key": "business", "label": "办理业务", "value": self.business_name, "checked": False},
                {"key": "number", "label": "办理号码", "value": self.number, "checked": False},
                {"key": "result", "label": "办理结果", "value": "成功" if self.success else "未成功", "checked": False},
            ]

    def answer(self, agreed: bool) -> None:
        """The customer agreed to (or disputed) the read-back."""
        self.status = "confirmed" if agreed else "disputed"
        for item in self.items:
            item["checked"] = agreed

    def as_dict(self) -> dict:
        """The JSON shape of the checklist."""
        return {
            "business": {"code": self.business_code, "name": self.business_name},
            "number": self.number,
            "success": self.success,
            "status": self.status,
            "turn": self.turn,
            "prompt": self.prompt,
            "items": [dict(i) for i in self.items],
        }
