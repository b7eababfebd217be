"""The business catalogue's files: businesses, the generic terms that may mean several of
them, and the relations between businesses (and to the reasons people call about them)."""

from __future__ import annotations

from pathlib import Path

from moqi.content.model import RELATIONS, Business, GenericTerm, Relation
from moqi.content.reading import need, read_csv, read_yaml


def load_businesses(path: Path) -> tuple[Business, ...]:
    items = read_yaml(path)
    need(isinstance(items, list), str(path), "expected a list of businesses")
    seen: set[str] = set()
    out = []
    for i, item in enumerate(items, 1):
        where = f"{path} item {i}"
        need(
            isinstance(item, dict) and bool(item.get("code") and item.get("name")),
            where,
            "needs code and name",
        )
        need(item["code"] not in seen, where, f"duplicate code {item['code']!r}")
        seen.add(item["code"])
        aliases = tuple(str(a).strip() for a in item.get("aliases") or () if str(a).strip())
        out.append(
            Business(
                str(item["code"]),
                str(item["name"]),
                str(item.get("category", "")),
                aliases,
                str(item.get("summary", "")),
            )
        )
    return tuple(out)


def generic_terms(items, businesses: tuple[Business, ...], where: str) -> tuple[GenericTerm, ...]:
    """Generic terms from their file (or stored document), checked against the catalogue.

    Each group: `words` (two characters or more, none a business alias, each in one group
    only), the `businesses` they may mean, and an optional `default` among them.
    """
    need(isinstance(items, list), where, "expected a list of {words, businesses, default}")
    codes = {b.code for b in businesses}
    aliases = {a for b in businesses for a in (b.name, *b.aliases)}
    seen: dict[str, int] = {}
    out = []
    for i, item in enumerate(items, 1):
        at = f"{where} group {i}"
        need(isinstance(item, dict), at, "expected words, businesses and an optional default")
        words, meant, default = item.get("words"), item.get("businesses"), item.get("default")
        for name, value in (("words", words), ("businesses", meant)):
            need(
                isinstance(value, list) and bool(value) and all(isinstance(v, str) for v in value),
                at,
                f"{name} must be a non-empty list of strings",
            )
        words = [w.strip() for w in words]
        short = [w for w in words if len(w) < 2]
        need(not short, at, f"one-character words fire inside other words: {short}")
        taken = [w for w in words if w in aliases]
        need(not taken, at, f"already a business alias (say it there): {taken}")
        again = [f"{w} (group {seen[w]})" for w in words if w in seen]
        need(not again, at, f"word(s) in two groups: {again}")
        unknown = [c for c in meant if c not in codes]
        need(not unknown, at, f"unknown business code(s) {unknown}")
        need(
            default is None or default in meant,
            at,
            f"default {default!r} is not one of the group's businesses",
        )
        seen.update(dict.fromkeys(words, i))
        out.append(GenericTerm(tuple(words), tuple(meant), default))
    return tuple(out)


def load_relations(
    path: Path, business_codes: set[str], reason_codes: set[str]
) -> tuple[Relation, ...]:
    out = []
    for line, row in read_csv(path, ("from", "to", "relation", "note")):
        where = f"{path}:{line}"
        need(row["relation"] in RELATIONS, where, f"unknown relation {row['relation']!r}")
        need(row["from"] in business_codes, where, f"unknown business {row['from']!r}")
        targets = reason_codes if row["relation"] == "common_issue" else business_codes
        need(row["to"] in targets, where, f"unknown target {row['to']!r}")
        out.append(Relation(row["from"], row["to"], row["relation"], row["note"]))
    return tuple(out)
