"""Three-way confirmation (三维确认): after an operation, read back business, number and result."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TypedDict


class OperationPart(TypedDict):
    """One operation of a report: the business (None: named by the agent's words alone), its
    name as read back, and whether it succeeded."""

    code: str | None
    name: str
    success: bool


class CheckItem(TypedDict):
    """One line of the checklist: 办理业务 / 办理号码 / 办理结果."""

    key: str
    label: str
    value: str
    checked: bool


class BusinessPart(TypedDict):
    code: str | None
    name: str


class ConfirmationPart(TypedDict):
    """The JSON shape of a checklist (an AssistEvent's `confirmation`)."""

    business: BusinessPart
    number: str
    success: bool
    status: str
    turn: int
    prompt: str
    items: list[CheckItem]
    operations: list[OperationPart]


@dataclass
class Confirmation:
    """The checklist of one report, recorded on the contact. A report of several operations
    ("第一，…已经退订了；第二，代收费功能已经关闭了") reads all of them back at once: `operations`
    holds each one's business and result, and business/success are the first one's and all's."""

    business_code: str | None
    business_name: str
    number: str
    success: bool
    turn: int
    prompt: str
    status: str = "pending"  # pending → confirmed | disputed
    items: list[CheckItem] = field(default_factory=list)
    operations: list[OperationPart] = field(default_factory=list)
    # The call's turn when the agent recorded the customer's answer on the workbench (None:
    # unanswered, or answered in the customer's own words); stored so a replay answers it again.
    answered_turn: int | None = None

    def __post_init__(self) -> None:
        if not self.operations:
            self.operations = [
                {"code": self.business_code, "name": self.business_name, "success": self.success}
            ]
        if not self.items:
            self.items = [
                {
                    "key": "business",
                    "label": "办理业务",
                    "value": self.businesses,
                    "checked": False,
                },
                {"key": "number", "label": "办理号码", "value": self.number, "checked": False},
                {"key": "result", "label": "办理结果", "value": self.result, "checked": False},
            ]

    @property
    def businesses(self) -> str:
        """What was operated on, as read back: "退订每日健康资讯、关闭短信代收费"."""
        return "、".join(op["name"] for op in self.operations)

    @property
    def result(self) -> str:
        """成功 / 未成功, or each operation's result when they differ."""
        results = {op["success"] for op in self.operations}
        if len(results) == 1:
            return "成功" if self.success else "未成功"
        return "；".join(
            f"{op['name']}{'成功' if op['success'] else '未成功'}" for op in self.operations
        )

    @property
    def codes(self) -> list[str]:
        """The catalogue codes of the operations (those named by the agent's own words have none)."""
        return [op["code"] for op in self.operations if op["code"]]

    def answer(self, agreed: bool) -> None:
        """The customer agreed to (or disputed) the read-back."""
        self.status = "confirmed" if agreed else "disputed"
        for item in self.items:
            item["checked"] = agreed

    def shown(self) -> ConfirmationPart:
        """The JSON shape of the checklist, typed (copies: later answers do not change it)."""
        return {
            "business": {"code": self.business_code, "name": self.business_name},
            "number": self.number,
            "success": self.success,
            "status": self.status,
            "turn": self.turn,
            "prompt": self.prompt,
            "items": [i.copy() for i in self.items],
            "operations": [op.copy() for op in self.operations],
        }

    def as_dict(self) -> dict:
        """The JSON shape of the checklist, as a plain dict."""
        return dict(self.shown())
