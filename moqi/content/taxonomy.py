"""The taxonomy's files: the moments of a call, the reasons people call, and the sample
utterances of each reason."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

from moqi.content.model import MOMENTS, Moment, Reason
from moqi.content.reading import ContentError, need, read_yaml


def load_taxonomy(
    path: Path, business_codes: set[str]
) -> tuple[tuple[Moment, ...], tuple[Reason, ...]]:
    doc = read_yaml(path)
    need(isinstance(doc, dict), str(path), "expected moments: and reasons:")
    moments = []
    for m in doc.get("moments") or ():
        need(m.get("code") in MOMENTS, str(path), f"unknown moment {m.get('code')!r}")
        moments.append(
            Moment(m["code"], str(m.get("label", m["code"])), tuple(m.get("cues") or ()))
        )
    reasons, seen = [], set()
    for i, r in enumerate(doc.get("reasons") or (), 1):
        where = f"{path} reason {i} ({r.get('code')})"
        need(bool(r.get("code")) and r["code"] not in seen, where, "missing or duplicate code")
        need(r.get("moment") in MOMENTS, where, f"unknown moment {r.get('moment')!r}")
        unknown = [b for b in r.get("businesses") or () if b not in business_codes]
        need(not unknown, where, f"unknown business code(s) {unknown}")
        seen.add(r["code"])
        events = tuple((str(k), float(v)) for k, v in (r.get("events") or {}).items())
        reasons.append(
            Reason(
                r["code"],
                str(r.get("label", r["code"])),
                r["moment"],
                tuple(r.get("cues") or ()),
                tuple(r.get("businesses") or ()),
                events,
            )
        )
    need(bool(reasons), str(path), "no reasons")
    return tuple(moments), tuple(reasons)


def sample_utterances(
    doc: object, reason_codes: set[str], where: str
) -> dict[str, tuple[str, ...]]:
    """The sample utterances of each reason ({reason code: [utterance, …]}), checked."""
    if doc is None:
        return {}
    if not isinstance(doc, dict):
        raise ContentError(f"{where}: expected a mapping of reason code to a list of utterances")
    out = {}
    for code, lines in doc.items():
        need(code in reason_codes, where, f"unknown reason code {code!r}")
        need(
            isinstance(lines, list) and all(isinstance(x, str) and x.strip() for x in lines),
            f"{where} {code}",
            "expected a list of non-empty strings",
        )
        out[code] = tuple(dict.fromkeys(x.strip() for x in lines))
    return out


def with_examples(
    reasons: tuple[Reason, ...], examples: dict[str, tuple[str, ...]]
) -> tuple[Reason, ...]:
    """The reasons with their sample utterances."""
    return tuple(replace(r, examples=examples.get(r.code, ())) for r in reasons)
