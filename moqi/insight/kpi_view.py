"""How the KPI board shows and exports what kpis.board computed: status words, the weekly
sparkline's points (server-side SVG, like the other insight charts) and the export table."""

from __future__ import annotations

STATUS = {"green": "达标", "amber": "预警", "red": "未达标", "none": "无数据"}
BY_NAMES = {"team": "班组", "region": "地区", "brand": "品牌", "week": "周"}
WIDTH, HEIGHT, PAD = 160, 36, 3
HEADER = [
    "指标",
    "分组",
    "数值",
    "单位",
    "状态",
    "目标",
    "黄灯界限",
    "分子",
    "分母",
    "样本",
    "说明",
    "口径",
]


def sparkline(trend: list[dict], target: float | None = None) -> dict:
    """The polyline points of a weekly trend in a WIDTH × HEIGHT box (weeks without a value
    leave a gap), the dots, and the target's line when it falls inside the range."""
    values = [t["value"] for t in trend]
    known = [v for v in values if v is not None]
    if not known:
        return {"lines": [], "dots": [], "target_y": None, "width": WIDTH, "height": HEIGHT}
    low, high = min(known), max(known)
    if target is not None:
        low, high = min(low, target), max(high, target)
    span = (high - low) or 1.0
    step = (WIDTH - 2 * PAD) / max(1, len(values) - 1)

    def y(v: float) -> float:
        return round(HEIGHT - PAD - (v - low) / span * (HEIGHT - 2 * PAD), 1)

    lines: list[list[tuple[float, float]]] = [[]]
    dots = []
    for i, v in enumerate(values):
        if v is None:
            if lines[-1]:
                lines.append([])
            continue
        point = (round(PAD + i * step, 1), y(v))
        lines[-1].append(point)
        dots.append({"x": point[0], "y": point[1], "week": trend[i]["week"], "value": v})
    return {
        "lines": [" ".join(f"{x},{yy}" for x, yy in line) for line in lines if len(line) > 1],
        "dots": dots,
        "target_y": None if target is None else y(target),
        "width": WIDTH,
        "height": HEIGHT,
    }


def _line(item: dict, group: str, figure: dict) -> list[object]:
    line: list[object] = [
        item["name"],
        group,
        figure["value"],
        item["unit"],
        STATUS[figure["status"]],
        item["target"],
        item["amber"],
        figure["numerator"],
        figure["denominator"],
        figure["n"],
        item.get("no_data") or figure.get("note") or "",
        item["definition"],
    ]
    return ["" if v is None else v for v in line]


def rows(board: list[dict]) -> list[list[object]]:
    """The header, each KPI's line for everyone ("全部") and, when the board was split, a line
    per group (a KPI that cannot be split says why on its own line)."""
    out: list[list[object]] = [list[object](HEADER)]
    for item in board:
        out.append(_line(item, "全部", item))
        for g in item.get("groups", []):
            out.append(_line(item, g["group"] or "（未填）", g))
        if item.get("not_split") and not item.get("no_data"):
            out.append(
                [
                    item["name"],
                    BY_NAMES.get(item.get("by", ""), ""),
                    *[""] * 8,
                    item["not_split"],
                    "",
                ]
            )
    return out
