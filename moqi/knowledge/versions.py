"""Publishing versioned items: the live row, the kept version, the revision the engine follows."""

from __future__ import annotations

from datetime import date

from sqlalchemy import func, insert, select
from sqlalchemy.orm import Session

from moqi import errors
from moqi.knowledge import items
from moqi.knowledge.models import (
    ArticleRow,
    BusinessRow,
    ContentRevisionRow,
    ItemVersionRow,
    LexiconRow,
    ReasonRow,
    RelationRow,
    ScriptRow,
)

LIVE = {
    "article": (ArticleRow, "id"),
    "script": (ScriptRow, "id"),
    "business": (BusinessRow, "code"),
    "lexicon": (LexiconRow, "word"),
}


class NotFound(errors.NotFound):
    """No such item, version, proposal or story."""


class Conflict(errors.Conflict):
    """The request clashes with the current state (e.g. the item changed since it was proposed)."""


def codes(session: Session) -> dict[str, set[str]]:
    """The business and reason codes items may refer to."""
    return {
        "businesses": set(session.scalars(select(BusinessRow.code))),
        "reasons": set(session.scalars(select(ReasonRow.code))),
    }


def check(session: Session, kind: str, key: str, body: dict) -> dict:
    """The checked body of an item (ItemError when it is not valid)."""
    return items.check(kind, key, body, **codes(session))


def live_body(session: Session, kind: str, key: str) -> dict | None:
    """The published body of an item, or None when it does not exist."""
    if kind not in LIVE:
        raise NotFound(f"unknown kind {kind!r}")
    table, pk = LIVE[kind]
    row = session.get(table, key)
    return None if row is None else body_of_row(kind, row)


def body_of_row(kind: str, row) -> dict:
    body = {f: getattr(row, f) for f in items.FIELDS[kind]}
    for name in ("valid_from", "valid_to"):
        if isinstance(body.get(name), date):
            body[name] = body[name].isoformat()
    return {k: list(v) if isinstance(v, tuple) else v for k, v in body.items()}


def row_values(kind: str, key: str, body: dict) -> dict:
    table, pk = LIVE[kind]
    values = {pk: key, **body}
    for name in ("valid_from", "valid_to"):
        if name in values:
            values[name] = date.fromisoformat(values[name]) if values[name] else None
    return values


def current_version(session: Session, kind: str, key: str) -> int:
    """The newest version number of an item (0 when it was never published)."""
    return (
        session.scalar(
            select(func.max(ItemVersionRow.version)).where(
                ItemVersionRow.kind == kind, ItemVersionRow.key == key
            )
        )
        or 0
    )


def new_revision(session: Session, note: str) -> int:
    """A new content revision: the live engine and the search index rebuild when it appears."""
    revision = ContentRevisionRow(note=note)
    session.add(revision)
    session.flush()
    return revision.id


def _still_used(session: Session, kind: str, key: str) -> list[str]:
    if kind != "business":
        return []
    used = [
        f"relation {r.src}→{r.dst}"
        for r in session.scalars(
            select(RelationRow).where((RelationRow.src == key) | (RelationRow.dst == key))
        )
    ]
    used += [
        f"reason {r.code}"
        for r in session.scalars(select(ReasonRow))
        if key in (r.businesses or [])
    ]
    used += [
        f"article {a.id}"
        for a in session.scalars(select(ArticleRow))
        if key in (a.businesses or [])
    ]
    return used


def publish(
    session: Session,
    kind: str,
    key: str,
    body: dict | None,
    *,
    author: str,
    note: str,
    proposal_id: int | None = None,
    revision: int | None = None,
) -> ItemVersionRow:
    """Make `body` (checked) the live item — None deletes it — and keep it as a new version.

    Runs in the caller's transaction; a new content revision is made unless one is given.
    """
    table, pk = LIVE[kind]
    row = session.get(table, key)
    if body is None:
        if row is None:
            raise NotFound(f"{items.KIND_LABELS[kind]} {key!r} does not exist")
        used = _still_used(session, kind, key)
        if used:
            raise Conflict(
                f"{items.KIND_LABELS[kind]} {key!r} is still used by {', '.join(used[:5])}"
            )
        session.delete(row)
    elif row is None:
        session.add(table(**row_values(kind, key, body)))
    else:
        for name, value in row_values(kind, key, body).items():
            setattr(row, name, value)
    revision = revision or new_revision(session, f"{kind}:{key} {note}".strip())
    version = ItemVersionRow(
        kind=kind,
        key=key,
        version=current_version(session, kind, key) + 1,
        body=body,
        author=author,
        note=note,
        proposal_id=proposal_id,
        revision=revision,
    )
    session.add(version)
    session.flush()
    return version


def record_versions(
    session: Session, bodies: dict[tuple[str, str], dict], *, author: str, note: str, revision: int
) -> int:
    """After a bulk load: a new version for every item whose body changed (or appeared or went).

    `bodies` holds every versioned item now live. Returns how many versions were written.
    """
    latest: dict[tuple[str, str], tuple[int, dict | None]] = {}
    newest = (
        select(ItemVersionRow.kind, ItemVersionRow.key, func.max(ItemVersionRow.version).label("v"))
        .group_by(ItemVersionRow.kind, ItemVersionRow.key)
        .subquery()
    )
    rows = session.execute(
        select(
            ItemVersionRow.kind, ItemVersionRow.key, ItemVersionRow.version, ItemVersionRow.body
        ).join(
            newest,
            (ItemVersionRow.kind == newest.c.kind)
            & (ItemVersionRow.key == newest.c.key)
            & (ItemVersionRow.version == newest.c.v),
        )
    )
    for kind, key, version, body in rows:
        latest[(kind, key)] = (version, body)
    new = []
    for item, body in bodies.items():
        version, old = latest.get(item, (0, None))
        if old != body:
            new.append(
                {
                    "kind": item[0],
                    "key": item[1],
                    "version": version + 1,
                    "body": body,
                    "author": author,
                    "note": note,
                    "revision": revision,
                }
            )
    for item, (version, old) in latest.items():
        if old is not None and item not in bodies:
            new.append(
                {
                    "kind": item[0],
                    "key": item[1],
                    "version": version + 1,
                    "body": None,
                    "author": author,
                    "note": note,
                    "revision": revision,
                }
            )
    if new:
        session.execute(insert(ItemVersionRow), new)
    return len(new)


def history(session: Session, kind: str, key: str) -> list[ItemVersionRow]:
    """Every version of an item, newest first; NotFound when it never existed."""
    rows = list(
        session.scalars(
            select(ItemVersionRow)
            .where(ItemVersionRow.kind == kind, ItemVersionRow.key == key)
            .order_by(ItemVersionRow.version.desc())
        )
    )
    if not rows:
        raise NotFound(f"{items.KIND_LABELS.get(kind, kind)} {key!r} has no versions")
    return rows


def item_view(session: Session, kind: str, key: str) -> tuple[dict | None, list[ItemVersionRow]]:
    """(published body or None if removed, versions newest first); NotFound if it never existed."""
    body = live_body(session, kind, key)
    try:
        return body, history(session, kind, key)
    except NotFound:
        if body is None:
            raise NotFound(f"{items.KIND_LABELS[kind]} {key!r} does not exist") from None
        return body, []  # published before versioning began


def version_body(session: Session, kind: str, key: str, version: int) -> dict | None:
    """The body of one version (None if that version deleted the item)."""
    row = session.scalar(
        select(ItemVersionRow).where(
            ItemVersionRow.kind == kind,
            ItemVersionRow.key == key,
            ItemVersionRow.version == version,
        )
    )
    if row is None:
        raise NotFound(f"{items.KIND_LABELS.get(kind, kind)} {key!r} has no version {version}")
    return row.body


def diff(session: Session, kind: str, key: str, old: int, new: int) -> list[str]:
    """Unified diff between two versions of an item."""
    return items.diff(
        kind,
        key,
        version_body(session, kind, key, old),
        version_body(session, kind, key, new),
        f"v{old}",
        f"v{new}",
    )


def rollback(session: Session, kind: str, key: str, version: int, *, author: str) -> ItemVersionRow:
    """Publish an earlier version again (as a new version; nothing is erased)."""
    body = version_body(session, kind, key, version)
    if body is not None:
        body = check(session, kind, key, body)
    if body == live_body(session, kind, key):
        raise Conflict(f"{items.KIND_LABELS[kind]} {key!r} is already as in version {version}")
    return publish(session, kind, key, body, author=author, note=f"回滚到 v{version}")
