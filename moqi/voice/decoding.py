"""The decoding moqi uses for Chinese telephone calls, from moqi/data/voice/decoding.yaml and
the business catalogue (its names are the hotwords: 全球通, 携号转网, 魔百和 … are words a
general-purpose model rarely heard)."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

import yaml

from moqi.content.catalogue import load_businesses
from moqi.content.reading import DATA_DIR
from moqi.voice.whisper import Decoding

DATA = DATA_DIR / "voice" / "decoding.yaml"
CATALOGUE = DATA_DIR / "catalogue" / "businesses.yaml"


def hotwords(names: list[str], first: list[str], max_chars: int) -> str:
    """`first`, then the other names in catalogue order, joined with 、 and cut (at a whole
    name) to `max_chars` characters: Whisper reads at most 223 tokens of hotwords."""
    out: list[str] = []
    length = -1
    for name in dict.fromkeys([*first, *names]):
        if length + 1 + len(name) > max_chars:
            break
        out.append(name)
        length += 1 + len(name)
    return "、".join(out)


@lru_cache(maxsize=1)
def default_decoding(data: Path = DATA, catalogue: Path = CATALOGUE) -> Decoding:
    """Decoding settings as the data file says (prompt, hotwords on or off, beam, VAD)."""
    spec = yaml.safe_load(data.read_text(encoding="utf-8"))
    words = None
    if spec.get("hotwords", {}).get("use"):
        names = [b.name for b in load_businesses(catalogue)]
        words = hotwords(
            names, list(spec["hotwords"].get("first") or ()), spec["hotwords"]["max_chars"]
        )
    return Decoding(
        language=spec.get("language", "zh"),
        beam_size=int(spec.get("beam_size", 5)),
        vad_filter=bool(spec.get("vad_filter", True)),
        prompt=spec.get("prompt") or None,
        hotwords=words or None,
    )
