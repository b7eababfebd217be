"""Operator names as surveys write them (移动, 中國移動, ＣＭＣＣ, China Mobile) reduced to one
name each, from moqi/data/insight/operators.yaml."""

from __future__ import annotations

from functools import lru_cache

from moqi.content.reading import shipped_yaml
from moqi.nlp.normalize import normalize


def _key(name: str) -> str:
    return normalize(name).replace(" ", "").casefold()


@lru_cache(maxsize=1)
def _aliases() -> dict[str, str]:
    table: dict[str, str] = {}
    for entry in shipped_yaml("insight/operators.yaml"):
        for alias in [entry["name"], *entry.get("aliases", [])]:
            table[_key(str(alias))] = entry["name"]
    return table


def canonical(name: object) -> str:
    """The operator's one name: a known alias gives the standard name, anything else its own
    normalised form (a regional or virtual operator named the same way in both files matches)."""
    text = "" if name is None else str(name).strip()
    return _aliases().get(_key(text), normalize(text).strip())
