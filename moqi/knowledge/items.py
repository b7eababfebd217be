"""Versioned items as plain JSON bodies: check them, turn them into content, show them as text.

Four kinds are versioned one item at a time: articles, scripts, catalogue businesses and
lexicon entries. A body is the item's fields without its key (an article's id, a script's id,
a business's code, a lexicon entry's word). Pure: no database, no web.
"""

from __future__ import annotations

import difflib
import re
from datetime import date
from typing import Any

from moqi.content import Article, Business, LexiconEntry, Script
from moqi.content.articles import parse_article
from moqi.content.model import BRANDS, EMOTIONS, SCRIPT_KINDS, STAGES, condition_problem
from moqi.content.reading import ContentError
from moqi.content.scripts import placeholder_problem
from moqi.errors import Invalid

VERSIONED = ("article", "script", "business", "lexicon")
KIND_LABELS = {"article": "知识文章", "script": "话术", "business": "业务目录", "lexicon": "情绪词"}
FIELDS = {
    "article": (
        "title",
        "question",
        "answer",
        "steps",
        "key_points",
        "businesses",
        "reasons",
        "brands",
        "regions",
        "valid_from",
        "valid_to",
        "tags",
    ),
    "script": ("kind", "reason", "emotion", "brand", "region", "stage", "conditions", "text"),
    "business": ("name", "category", "aliases", "summary"),
    "lexicon": ("category", "intensity", "escalation", "churn", "domain"),
}
LIST_FIELDS = {
    "steps",
    "key_points",
    "businesses",
    "reasons",
    "brands",
    "regions",
    "tags",
    "aliases",
    "conditions",
}
_KEY = {
    "article": re.compile(r"^[a-z0-9][a-z0-9_-]{1,63}$"),
    "script": re.compile(r"^[A-Za-z0-9_-]{1,32}$"),
    "business": re.compile(r"^[a-z0-9_]{2,64}$"),
    "lexicon": re.compile(r"^\S.{0,63}$"),
}
MAX_TEXT = 20_000


class ItemError(Invalid):
    """A body or key is not a valid item; the message says which field and why."""


def _fail(kind: str, key: str, message: str) -> ItemError:
    return ItemError(f"{KIND_LABELS.get(kind, kind)} {key!r}: {message}")


def check(kind: str, key: str, body: dict, *, businesses: set[str], reasons: set[str]) -> dict:
    """The body with exactly the kind's fields, types coerced and codes checked; ItemError otherwise."""
    if kind not in VERSIONED:
        raise ItemError(f"unknown kind {kind!r}; use one of {', '.join(VERSIONED)}")
    if not isinstance(key, str) or not _KEY[kind].match(key):
        raise _fail(kind, str(key), "the key has characters or a length it may not have")
    if not isinstance(body, dict):
        raise _fail(kind, key, "body must be an object")
    unknown = set(body) - set(FIELDS[kind])
    if unknown:
        raise _fail(kind, key, f"unknown field(s) {sorted(unknown)}")
    out: dict = {}
    for name in FIELDS[kind]:
        value = body.get(name)
        if name in LIST_FIELDS:
            if value is None:
                value = []
            if isinstance(value, str):
                value = [v for v in re.split(r"[\n;；、,，]+", value)]
            if not isinstance(value, list) or not all(
                isinstance(v, str | int | float) for v in value
            ):
                raise _fail(kind, key, f"{name} must be a list of texts")
            value = [str(v).strip() for v in value if str(v).strip() and str(v).strip() != "*"]
        elif name in ("valid_from", "valid_to"):
            if value in (None, ""):
                value = None
            else:
                try:
                    value = date.fromisoformat(str(value)).isoformat()
                except ValueError:
                    raise _fail(
                        kind, key, f"{name} must be a date like 2026-12-31, not {value!r}"
                    ) from None
        elif name in ("escalation", "churn"):
            if value in (None, ""):
                value = False
            if isinstance(value, str) and value.strip().lower() in {
                "0",
                "1",
                "true",
                "false",
                "是",
                "否",
            }:
                value = value.strip().lower() in {"1", "true", "是"}
            if not isinstance(value, bool | int) or value not in (0, 1):
                raise _fail(kind, key, f"{name} must be true/false (or 1/0)")
            value = bool(value)
        elif name == "intensity":
            try:
                value = int(str(value))
            except ValueError:
                raise _fail(kind, key, f"intensity must be 1–5, not {value!r}") from None
        else:
            value = "" if value is None else value
            if not isinstance(value, str | int | float) or isinstance(value, bool):
                raise _fail(kind, key, f"{name} must be text")
            value = str(value).strip()
        if isinstance(value, str) and len(value) > MAX_TEXT:
            raise _fail(kind, key, f"{name} is longer than {MAX_TEXT} characters")
        out[name] = value
    _check_rules(kind, key, out, businesses, reasons)
    return out


def _check_rules(kind: str, key: str, b: dict, businesses: set[str], reasons: set[str]) -> None:
    def need(cond: bool, message: str) -> None:
        if not cond:
            raise _fail(kind, key, message)

    if kind == "article":
        need(bool(b["title"]), "needs a title")
        need(bool(b["answer"]), "needs an answer for the customer")
        need(
            all(x in businesses for x in b["businesses"]),
            f"unknown business code(s) {[x for x in b['businesses'] if x not in businesses]}",
        )
        need(
            all(x in reasons for x in b["reasons"]),
            f"unknown reason code(s) {[x for x in b['reasons'] if x not in reasons]}",
        )
        need(all(x in BRANDS for x in b["brands"]), f"brands must be among {', '.join(BRANDS)}")
        need(
            not (b["valid_from"] and b["valid_to"] and b["valid_to"] < b["valid_from"]),
            "valid_to is before valid_from",
        )
    elif kind == "script":
        need(b["kind"] in SCRIPT_KINDS, f"kind must be one of {', '.join(SCRIPT_KINDS)}")
        for name, allowed in (
            ("reason", reasons),
            ("emotion", set(EMOTIONS)),
            ("brand", set(BRANDS)),
            ("stage", set(STAGES)),
        ):
            b[name] = b[name] or "*"
            need(b[name] == "*" or b[name] in allowed, f"unknown {name} {b[name]!r}")
        b["region"] = b["region"] or "*"
        problems = [p for p in map(condition_problem, b["conditions"]) if p]
        need(not problems, "; ".join(problems))
        b["conditions"] = list(dict.fromkeys(b["conditions"]))
        need(bool(b["text"]), "needs the script's text")
        problem = placeholder_problem(b["text"])
        need(problem is None, problem or "")
    elif kind == "business":
        need(bool(b["name"]), "needs a name")
        need(bool(b["category"]), "needs a category")
    elif kind == "lexicon":
        need(b["category"] in EMOTIONS, f"category must be one of {', '.join(EMOTIONS)}")
        need(1 <= b["intensity"] <= 5, "intensity must be 1–5")
        b["domain"] = b["domain"] or "telecom"
        need(b["domain"] in ("telecom", "general"), "domain must be telecom or general")


def body_of(item) -> tuple[str, str, dict]:
    """(kind, key, body) of a content dataclass."""
    if isinstance(item, Article):
        body = {f: getattr(item, f) for f in FIELDS["article"]}
        body = {k: (list(v) if isinstance(v, tuple) else v) for k, v in body.items()}
        body["valid_from"] = item.valid_from.isoformat() if item.valid_from else None
        body["valid_to"] = item.valid_to.isoformat() if item.valid_to else None
        return "article", item.id, body
    if isinstance(item, Script):
        return (
            "script",
            item.id,
            {
                f: list(v) if isinstance(v := getattr(item, f), tuple) else v
                for f in FIELDS["script"]
            },
        )
    if isinstance(item, Business):
        return (
            "business",
            item.code,
            {
                "name": item.name,
                "category": item.category,
                "aliases": list(item.aliases),
                "summary": item.summary,
            },
        )
    if isinstance(item, LexiconEntry):
        return "lexicon", item.word, {f: getattr(item, f) for f in FIELDS["lexicon"]}
    raise TypeError(f"not a versioned item: {type(item).__name__}")


def item_of(kind: str, key: str, body: dict):
    """The content dataclass for a checked body."""
    if kind == "article":
        fields: dict[str, Any] = {  # a checked body: each field has its Article type
            f: tuple(body[f]) if f in LIST_FIELDS else body[f]
            for f in FIELDS["article"]
            if f not in ("valid_from", "valid_to")
        }
        return Article(
            id=key,
            **fields,
            valid_from=date.fromisoformat(body["valid_from"]) if body.get("valid_from") else None,
            valid_to=date.fromisoformat(body["valid_to"]) if body.get("valid_to") else None,
        )
    if kind == "script":
        return Script(id=key, **{**body, "conditions": tuple(body.get("conditions") or ())})
    if kind == "business":
        return Business(
            key, body["name"], body["category"], tuple(body["aliases"]), body["summary"]
        )
    if kind == "lexicon":
        return LexiconEntry(
            key,
            body["category"],
            body["intensity"],
            body["escalation"],
            body["churn"],
            body["domain"],
        )
    raise ItemError(f"unknown kind {kind!r}")


def article_markdown(key: str, body: dict) -> str:
    """An article as its Markdown file (the format of moqi/data/articles and of exports)."""

    flow = _yaml_text
    lines = ["---", f"id: {key}", f"title: {_yaml_text(body['title'])}"]
    if body.get("question"):
        lines.append(f"question: {_yaml_text(body['question'])}")
    for name in ("businesses", "reasons", "brands", "regions"):
        lines.append(f"{name}: {flow(body.get(name) or [])}")
    for name in ("valid_from", "valid_to"):
        if body.get(name):
            lines.append(f"{name}: {body[name]}")
    if body.get("tags"):
        lines.append(f"tags: {flow(body['tags'])}")
    lines += ["---", "## 答复", body["answer"].strip(), ""]
    if body.get("steps"):
        lines += ["## 步骤", *(f"{i}. {s}" for i, s in enumerate(body["steps"], 1)), ""]
    if body.get("key_points"):
        lines += ["## 要点", *(f"- {p}" for p in body["key_points"]), ""]
    return "\n".join(lines)


def _yaml_text(value) -> str:
    import yaml

    return (
        yaml.safe_dump(value, allow_unicode=True, default_flow_style=True, width=10_000)
        .strip()
        .removesuffix("...")
        .strip()
    )


def article_from_markdown(text: str, where: str) -> tuple[str, dict]:
    """(id, body) of an article's Markdown; ItemError with the file and line at fault."""
    try:
        article = parse_article(text, where)
    except ContentError as exc:
        raise ItemError(str(exc)) from exc
    return body_of(article)[1:]


def render(kind: str, key: str, body: dict | None) -> str:
    """The item as text for reading and diffing (an article as its Markdown)."""
    if body is None:
        return ""
    if kind == "article":
        return article_markdown(key, body)
    lines = []
    for name in FIELDS[kind]:
        value = body.get(name)
        if name in LIST_FIELDS:  # a version saved before the field existed has none
            value = "、".join(value or [])
        lines.append(f"{name}: {value}")
    return "\n".join(lines) + "\n"


def diff(
    kind: str, key: str, old: dict | None, new: dict | None, old_label: str, new_label: str
) -> list[str]:
    """Unified diff lines between two bodies (None = absent)."""
    a, b = render(kind, key, old).splitlines(), render(kind, key, new).splitlines()
    return list(difflib.unified_diff(a, b, fromfile=old_label, tofile=new_label, lineterm=""))
