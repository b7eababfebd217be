"""Which column of an ACD export holds which field, by its header, and the SL threshold a header
names. Header names come from `moqi/data/workforce/acd_columns.yaml`, so a new ACD's export
needs no code.
"""

from __future__ import annotations

import re
from functools import cache
from pathlib import Path

import yaml

from moqi.workforce import limits
from moqi.workforce.acd import AcdError, range_text

COLUMNS_FILE = Path(__file__).resolve().parent.parent / "data" / "workforce" / "acd_columns.yaml"


@cache
def _spec() -> dict:
    return yaml.safe_load(COLUMNS_FILE.read_text(encoding="utf-8"))


def _norm(header: str, keep_brackets: bool) -> str:
    text = str(header or "").strip().lower()
    if not keep_brackets:
        text = re.sub(r"[（(\[【].*?[)）\]】]", "", text)
    return re.sub(r"[\s_\-/（）()\[\]【】:：.]", "", text)


def match_headers(
    headers: list[str], spec: dict | None = None
) -> tuple[dict[str, int], int | None]:
    """Column index per field, and the SL threshold (seconds) read from a header, if any; the
    header names are `spec`'s (the database's document) or the shipped file's."""
    spec = spec or _spec()
    found: dict[str, int] = {}
    threshold: int | None = None
    problems: list[tuple[int, str]] = []
    for i, raw in enumerate(headers):
        field = None
        loose = _norm(raw, keep_brackets=True)
        for name, patterns in spec["threshold_patterns"].items():
            for pattern in patterns:
                m = re.match(pattern, loose)
                if m:
                    field, digits = name, m.group(1)
                    # Python refuses int() of thousands of digits, and no threshold needs more than four.
                    seconds = int(digits) if len(digits) <= 9 else None
                    if seconds not in limits.ACD_THRESHOLD_S:
                        problems.append(
                            (
                                1,
                                f"表头“{raw[:40]}”的门限超出范围（{range_text(limits.ACD_THRESHOLD_S)}）",
                            )
                        )
                        break
                    if name == "answered_in_threshold":
                        if threshold is not None and threshold != seconds:
                            problems.append((1, f"两列门限不同：{threshold} 秒与 {seconds} 秒"))
                        threshold = seconds
                    break
            if field:
                break
        if field is None:
            key = _norm(raw, keep_brackets=False)
            field = next(
                (
                    f
                    for f, d in spec["fields"].items()
                    if key in {_norm(n, False) for n in d["names"]}
                ),
                None,
            )
        if field is None:
            continue
        if field in found:
            problems.append(
                (
                    1,
                    f"列“{headers[found[field]]}”与“{raw}”都是{spec['fields'][field]['label']}，无法确定用哪一列",
                )
            )
        found[field] = i
    missing = [d["label"] for f, d in spec["fields"].items() if d["required"] and f not in found]
    if missing:
        problems.append(
            (
                1,
                f"缺少列：{'、'.join(missing)}（可接受的表头见 moqi/data/workforce/acd_columns.yaml）",
            )
        )
    if problems:
        raise AcdError(problems)
    return found, threshold
