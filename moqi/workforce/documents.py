"""The workforce's run-time documents in the database: the holiday list (a new year's 放假安排
arrives every November), the roster rules of the centre, the column names of its ACD's export.

`moqi init` loads the shipped files from moqi/data/workforce once; after that the database is
the source of truth and a lead or admin replaces a document with a new version (the YAML as
written, comments kept; the highest version is in force, the older ones kept). A document is
checked by the same parser that uses it, so a version that is stored can always be used.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import datetime
from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from moqi.errors import Invalid, NotFound
from moqi.nlp.decode import decode_text
from moqi.workforce.calendar import Holidays, parse_holidays
from moqi.workforce.models import DocumentRow
from moqi.workforce.roster_rules import Rules, parse_rules

DATA = Path(__file__).resolve().parent.parent / "data" / "workforce"
FILES = {
    "holidays": "holidays.yaml",
    "roster_rules": "roster_rules.yaml",
    "acd_columns": "acd_columns.yaml",
}
LABELS = {"holidays": "节假日与调休", "roster_rules": "排班规则", "acd_columns": "ACD 报表列名"}
MAX_CHARS = 64_000


def check_columns(doc: Any) -> dict:
    """The ACD column names: `fields` (each with `names`, and `required`) and
    `threshold_patterns` (regular expressions whose group 1 is the threshold in seconds)."""
    if not isinstance(doc, dict) or not isinstance(doc.get("fields"), dict):
        raise ValueError("acd columns: needs a `fields` mapping")
    for name in ("start", "offered", "answered", "abandoned", "answered_in_threshold"):
        field = doc["fields"].get(name)
        if not isinstance(field, dict) or not field.get("names"):
            raise ValueError(f"acd columns: field {name!r} needs a list of `names`")
    for name, field in doc["fields"].items():
        names = field.get("names") if isinstance(field, dict) else None
        if not isinstance(names, list) or not all(isinstance(n, str) and n for n in names):
            raise ValueError(f"acd columns: field {name!r}: `names` must be a list of header texts")
    patterns = doc.get("threshold_patterns") or {}
    if not isinstance(patterns, dict):
        raise ValueError("acd columns: `threshold_patterns` must map a field to its patterns")
    for name, items in patterns.items():
        for pattern in items if isinstance(items, list) else [items]:
            try:
                if re.compile(str(pattern)).groups < 1:
                    raise ValueError(f"acd columns: {name}: {pattern!r} captures no seconds")
            except re.error as exc:
                raise ValueError(
                    f"acd columns: {name}: {pattern!r} is not a pattern ({exc})"
                ) from None
    return doc


_PARSERS: dict[str, Callable[[Any], Any]] = {
    "holidays": parse_holidays,
    "roster_rules": parse_rules,
    "acd_columns": check_columns,
}


def parse(name: str, text: str) -> Any:
    """A document's text as the workforce uses it; Invalid naming what is wrong."""
    if name not in FILES:
        raise NotFound(f"no workforce document {name!r}; there are {', '.join(FILES)}")
    if len(text) > MAX_CHARS:
        raise Invalid(f"{name}: over {MAX_CHARS} characters")
    try:
        doc = yaml.safe_load(text)
    except (yaml.YAMLError, ValueError) as exc:  # ValueError: a date like 2027-13-01
        raise Invalid(f"{name}: not YAML with valid dates ({exc})") from None
    try:
        return _PARSERS[name](doc)
    except (ValueError, TypeError, KeyError, AttributeError) as exc:
        raise Invalid(f"{name}: {exc}") from None


def _version(session: Session, name: str) -> int:
    return (
        session.scalar(select(func.max(DocumentRow.version)).where(DocumentRow.name == name)) or 0
    )


def save(session: Session, name: str, data: str | bytes, *, by: str, now: datetime) -> int:
    """Store a new version after checking it; its version number. Nothing is stored on error."""
    text = decode_text(data) if isinstance(data, bytes) else data
    parse(name, text)
    version = _version(session, name) + 1
    session.add(DocumentRow(name=name, version=version, text=text, created_at=now, created_by=by))
    session.flush()
    return version


def import_shipped(session: Session, *, now: datetime, folder: Path = DATA) -> dict[str, int]:
    """The shipped files, for each document the database does not hold yet (versions stored)."""
    out = {}
    for name, file in FILES.items():
        if not _version(session, name):
            out[name] = save(session, name, (folder / file).read_bytes(), by="moqi init", now=now)
    return out


def text(session: Session, name: str) -> DocumentRow:
    """The version in force; in a database `moqi init` has not loaded yet, the shipped file
    (version 0, not stored)."""
    if name not in FILES:
        raise NotFound(f"no workforce document {name!r}; there are {', '.join(FILES)}")
    row = session.get(DocumentRow, (name, _version(session, name)))
    if row is None:
        shipped = decode_text((DATA / FILES[name]).read_bytes())
        return DocumentRow(name=name, version=0, text=shipped, created_by="shipped")
    return row


def history(session: Session, name: str) -> list[dict]:
    """Every version, newest first: version, when, by whom."""
    rows = session.scalars(
        select(DocumentRow).where(DocumentRow.name == name).order_by(DocumentRow.version.desc())
    )
    return [
        {"version": r.version, "created_at": r.created_at.isoformat(), "created_by": r.created_by}
        for r in rows
    ]


@lru_cache(maxsize=32)
def _parsed(name: str, version: int, body: str) -> Any:
    return parse(name, body)


def current(session: Session, name: str) -> Any:
    """The document in force, parsed (once per version and process)."""
    row = text(session, name)
    return _parsed(name, row.version, row.text)


def holidays(session: Session) -> Holidays:
    return current(session, "holidays")


def roster_rules(session: Session) -> Rules:
    return current(session, "roster_rules")


def acd_columns(session: Session) -> dict:
    return current(session, "acd_columns")
