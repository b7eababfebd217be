"""The shipped lexicon on hotline customer utterances the project wrote (tests/assist/data).

270 lines as callers say them (160 calm requests and questions, many holding words that
look like emotion words: 查一下套餐, 请问号码, 加油包, 麻烦你; 70 complaints; 40 thanks),
a third in ASR style. A guard against the everyday request reading as a complaint.
"""

import json
from collections import Counter
from pathlib import Path

from moqi.nlp.mask import mask_pii
from moqi.nlp.normalize import normalize

DATA = Path(__file__).parent / "data" / "hotline_utterances.jsonl"


def test_hotline_utterances_read_with_the_right_polarity(engine):
    rows = [
        json.loads(line) for line in DATA.read_text(encoding="utf-8").splitlines() if line.strip()
    ]
    assert len(rows) == 270
    seen = Counter(
        (r["polarity"], engine.read_emotion(mask_pii(normalize(r["text"]))).polarity) for r in rows
    )
    right = sum(n for (gold, got), n in seen.items() if gold == got)
    assert right / len(rows) >= 0.90, seen
    calm = sum(n for (gold, _), n in seen.items() if gold == "neutral")
    assert seen[("neutral", "negative")] / calm <= 0.08, (
        seen
    )  # a calm request read as a complaint misleads most
