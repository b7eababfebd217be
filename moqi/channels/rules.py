"""The routing rules as content in the database: loaded from routing.yaml once, then edited by a
team lead or admin, each save a new version (the highest is in force, the older ones kept)."""

from __future__ import annotations

from datetime import datetime
from functools import lru_cache
from pathlib import Path

import yaml
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from moqi.channels.models import RoutingRulesVersion
from moqi.channels.routing import Rules, parse_rules
from moqi.content.reading import DATA_DIR, shipped_yaml
from moqi.errors import Invalid, NotFound
from moqi.nlp.decode import decode_text

SHIPPED = DATA_DIR / "channels" / "routing.yaml"
MAX_DOC_CHARS = 64_000


@lru_cache(maxsize=1)
def _reason_codes() -> frozenset[str]:
    return frozenset(r["code"] for r in shipped_yaml("taxonomy.yaml")["reasons"])


def read_yaml(text: str) -> dict:
    """A routing document from YAML text; Invalid naming the fault."""
    if len(text) > MAX_DOC_CHARS:
        raise Invalid(f"the routing rules are over {MAX_DOC_CHARS} characters")
    try:
        doc = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        raise Invalid(f"not YAML: {exc}") from None
    parse_rules(doc, set(_reason_codes()))
    return doc


def save(session: Session, doc: dict, *, now: datetime, by: str, note: str = "") -> int:
    """Store `doc` as the next version, unless it equals the version in force; the version in
    force after. Invalid (nothing stored) when the document is not valid rules."""
    parse_rules(doc, set(_reason_codes()))
    current = _current(session)
    if current is not None and current.doc == doc:
        return current.version
    version = (current.version + 1) if current else 1
    session.add(
        RoutingRulesVersion(
            version=version, doc=doc, created_at=now, created_by=by[:64], note=note[:200]
        )
    )
    session.flush()
    return version


def import_shipped(session: Session, *, now: datetime, path: Path = SHIPPED) -> int:
    """Load the shipped rules when the database has none (the database is the source of truth
    once it has rules); the version in force."""
    current = _current(session)
    if current is not None:
        return current.version
    return save(session, read_yaml(decode_text(path.read_bytes())), now=now, by="moqi init")


def _current(session: Session) -> RoutingRulesVersion | None:
    return session.scalars(
        select(RoutingRulesVersion).order_by(RoutingRulesVersion.version.desc()).limit(1)
    ).first()


def current(session: Session) -> Rules:
    """The rules in force (the shipped ones, loaded, when none are stored yet). Only the version
    number is read each time: a version is parsed once per process."""
    version = session.scalar(select(func.max(RoutingRulesVersion.version)))
    if version is None:
        return _shipped()
    return _parsed(str(session.get_bind().engine.url), version, session)


@lru_cache(maxsize=1)
def _shipped() -> Rules:
    return parse_rules(yaml.safe_load(decode_text(SHIPPED.read_bytes())))


_cache: dict[tuple[str, int], Rules] = {}


def _parsed(db: str, version: int, session: Session) -> Rules:
    rules = _cache.get((db, version))
    if rules is None:
        row = session.scalars(
            select(RoutingRulesVersion).where(RoutingRulesVersion.version == version)
        ).one()
        rules = parse_rules(row.doc)
        if len(_cache) > 16:
            _cache.clear()
        _cache[(db, version)] = rules
    return rules


def versions(session: Session) -> list[dict]:
    """Every version, newest first."""
    rows = session.scalars(select(RoutingRulesVersion).order_by(RoutingRulesVersion.version.desc()))
    return [
        {
            "version": r.version,
            "created_at": r.created_at.isoformat(),
            "created_by": r.created_by,
            "note": r.note,
        }
        for r in rows
    ]


def document(session: Session, version: int | None = None) -> tuple[int, dict]:
    """A version's document (the one in force by default); NotFound for an unknown version."""
    query = select(RoutingRulesVersion)
    if version is None:
        row = session.scalars(query.order_by(RoutingRulesVersion.version.desc()).limit(1)).first()
        if row is None:
            return 0, yaml.safe_load(decode_text(SHIPPED.read_bytes()))
    else:
        row = session.scalars(query.where(RoutingRulesVersion.version == version)).first()
        if row is None:
            raise NotFound(f"no routing rules version {version}")
    return row.version, row.doc
