"""Generated telecom calls with known emotion turns, for the mining tests."""

from __future__ import annotations

import json
import random
from pathlib import Path

from moqi.mining.calls import Call

# A complaint that flares up after the agent's scripted refusal, and one that calms down
# after an apology that promises a refund; the rest stay level.
CALM = "您好，请问有什么可以帮您？"
REFUSAL = "这个是系统扣的，我们这边没有办法处理。"
APOLOGY = "非常抱歉给您带来不便，我马上为您申请退还这笔费用。"
FLARE = "你们这是乱扣费，太过分了，我要投诉到工信部，明天就去营业厅销户！"
THANKS = "好的，谢谢你，辛苦了，非常满意。"
REGIONS = ("广东", "北京")
BRANDS = ("全球通", "神州行")


def made_calls(n: int = 60, seed: int = 7) -> list[Call]:
    """Calls of three kinds in turn: flare-up after the refusal, calm-down after the apology,
    and level (the customer asks twice, plainly)."""
    rnd = random.Random(seed)
    calls = []
    for i in range(n):
        kind = i % 3
        opening = "我这个月话费怎么多扣了五十块，帮我查一下"
        if kind == 0:
            turns = [
                ("agent", CALM),
                ("customer", opening),
                ("agent", REFUSAL),
                ("customer", FLARE),
            ]
        elif kind == 1:
            turns = [
                ("agent", CALM),
                ("customer", "你们乱扣费，太气人了，我很生气！"),
                ("agent", APOLOGY),
                ("customer", THANKS),
            ]
        else:
            turns = [
                ("agent", CALM),
                ("customer", "请问我这个月的账单是多少"),
                ("agent", "好的，我帮您查一下账单。"),
                ("customer", "嗯，我等一下。"),
            ]
        calls.append(
            Call(
                id=f"call-{i:04d}",
                turns=turns,
                region=rnd.choice(REGIONS),
                brand=rnd.choice(BRANDS),
                month=f"2026-0{1 + i % 3}",
            )
        )
    return calls


def write_jsonl(calls: list[Call], path: Path) -> Path:
    """One call a line, with `turns`."""
    with path.open("w", encoding="utf-8") as out:
        for c in calls:
            row = {
                "id": c.id,
                "region": c.region,
                "brand": c.brand,
                "month": c.month,
                "turns": [{"speaker": s, "text": t} for s, t in c.turns],
            }
            out.write(json.dumps(row, ensure_ascii=False) + "\n")
    return path
