"""Read and validate the shipped content files under moqi/data (or an operator's copy)."""

from __future__ import annotations

import csv
import re
from collections.abc import Iterator
from dataclasses import replace
from datetime import date
from pathlib import Path

import yaml

from moqi.content.model import (
    BRANDS,
    EMOTIONS,
    MOMENTS,
    RELATIONS,
    SCRIPT_CONDITIONS,
    SCRIPT_KINDS,
    STAGES,
    Article,
    Business,
    Content,
    GenericTerm,
    LexiconEntry,
    Moment,
    QuestionType,
    Reason,
    Relation,
    Script,
)

DATA_DIR = Path(__file__).resolve().parent.parent / "data"


class ContentError(ValueError):
    """A content file is malformed; the message names the file and the line or item at fault."""


def _text(path: Path, encoding: str = "utf-8") -> str:
    """A content file's text; a missing or non-UTF-8 file is a ContentError naming it."""
    try:
        return path.read_text(encoding=encoding)
    except FileNotFoundError as exc:
        raise ContentError(f"{path}: file is missing") from exc
    except UnicodeDecodeError as exc:
        raise ContentError(f"{path}: not UTF-8: {exc}") from exc


def _yaml(path: Path):
    text = _text(path)
    try:
        return yaml.safe_load(text)
    except yaml.YAMLError as exc:
        raise ContentError(f"{path}: not valid YAML: {exc}") from exc


def _csv(path: Path, columns: tuple[str, ...]) -> Iterator[tuple[int, dict[str, str]]]:
    text = _text(path, "utf-8-sig")
    reader = csv.DictReader(text.splitlines())
    missing = [c for c in columns if c not in (reader.fieldnames or [])]
    if missing:
        raise ContentError(f"{path}: header lacks column(s) {', '.join(missing)}")
    for row in reader:
        if None in row or any(row.get(c) is None for c in columns):
            raise ContentError(f"{path}:{reader.line_num}: wrong number of fields")
        yield reader.line_num, {k: (v or "").strip() for k, v in row.items()}


def _need(cond: bool, where: str, message: str) -> None:
    if not cond:
        raise ContentError(f"{where}: {message}")


def _businesses(path: Path) -> tuple[Business, ...]:
    items = _yaml(path)
    _need(isinstance(items, list), str(path), "expected a list of businesses")
    seen: set[str] = set()
    out = []
    for i, item in enumerate(items, 1):
        where = f"{path} item {i}"
        _need(
            isinstance(item, dict) and bool(item.get("code") and item.get("name")),
            where,
            "needs code and name",
        )
        _need(item["code"] not in seen, where, f"duplicate code {item['code']!r}")
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
    _need(isinstance(items, list), where, "expected a list of {words, businesses, default}")
    codes = {b.code for b in businesses}
    aliases = {a for b in businesses for a in (b.name, *b.aliases)}
    seen: dict[str, int] = {}
    out = []
    for i, item in enumerate(items, 1):
        at = f"{where} group {i}"
        _need(isinstance(item, dict), at, "expected words, businesses and an optional default")
        words, meant, default = item.get("words"), item.get("businesses"), item.get("default")
        for name, value in (("words", words), ("businesses", meant)):
            _need(
                isinstance(value, list) and bool(value) and all(isinstance(v, str) for v in value),
                at,
                f"{name} must be a non-empty list of strings",
            )
        words = [w.strip() for w in words]
        short = [w for w in words if len(w) < 2]
        _need(not short, at, f"one-character words fire inside other words: {short}")
        taken = [w for w in words if w in aliases]
        _need(not taken, at, f"already a business alias (say it there): {taken}")
        again = [f"{w} (group {seen[w]})" for w in words if w in seen]
        _need(not again, at, f"word(s) in two groups: {again}")
        unknown = [c for c in meant if c not in codes]
        _need(not unknown, at, f"unknown business code(s) {unknown}")
        _need(
            default is None or default in meant,
            at,
            f"default {default!r} is not one of the group's businesses",
        )
        seen.update(dict.fromkeys(words, i))
        out.append(GenericTerm(tuple(words), tuple(meant), default))
    return tuple(out)


def shipped_yaml(name: str, root: Path = DATA_DIR):
    """A YAML content file as written (e.g. "catalogue/generic.yaml"), unchecked."""
    return _yaml(root / name)


def shipped_words(name: str, root: Path = DATA_DIR) -> tuple[str, ...]:
    """A one-word-a-line content file as shipped (e.g. "lexicon/not_emotion.txt")."""
    return word_list(root / name)


def question_types(items, where: str) -> tuple[QuestionType, ...]:
    """Kinds of follow-up question from their file (or stored document): each a `code`, a
    `label`, what customers say to ask it (`asks`, two characters or more) and the words of a
    line that answers it (`answers`)."""
    _need(isinstance(items, list), where, "expected a list of {code, label, asks, answers}")
    out, seen = [], set()
    for i, item in enumerate(items, 1):
        at = f"{where} item {i}"
        _need(
            isinstance(item, dict)
            and isinstance(item.get("code"), str)
            and isinstance(item.get("label"), str),
            at,
            "needs a code and a label",
        )
        _need(item["code"] not in seen, at, f"duplicate code {item['code']!r}")
        for name in ("asks", "answers"):
            value = item.get(name)
            _need(
                isinstance(value, list)
                and bool(value)
                and all(isinstance(v, str) and v.strip() for v in value),
                at,
                f"{name} must be a non-empty list of strings",
            )
        short = [w for w in item["asks"] if len(w.strip()) < 2]
        _need(not short, at, f"one-character asks fire inside other words: {short}")
        seen.add(item["code"])
        out.append(
            QuestionType(
                item["code"],
                item["label"],
                tuple(w.strip() for w in item["asks"]),
                tuple(w.strip() for w in item["answers"]),
            )
        )
    return tuple(out)


def _taxonomy(
    path: Path, business_codes: set[str]
) -> tuple[tuple[Moment, ...], tuple[Reason, ...]]:
    doc = _yaml(path)
    _need(isinstance(doc, dict), str(path), "expected moments: and reasons:")
    moments = []
    for m in doc.get("moments") or ():
        _need(m.get("code") in MOMENTS, str(path), f"unknown moment {m.get('code')!r}")
        moments.append(
            Moment(m["code"], str(m.get("label", m["code"])), tuple(m.get("cues") or ()))
        )
    reasons, seen = [], set()
    for i, r in enumerate(doc.get("reasons") or (), 1):
        where = f"{path} reason {i} ({r.get('code')})"
        _need(bool(r.get("code")) and r["code"] not in seen, where, "missing or duplicate code")
        _need(r.get("moment") in MOMENTS, where, f"unknown moment {r.get('moment')!r}")
        unknown = [b for b in r.get("businesses") or () if b not in business_codes]
        _need(not unknown, where, f"unknown business code(s) {unknown}")
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
    _need(bool(reasons), str(path), "no reasons")
    return tuple(moments), tuple(reasons)


def _relations(
    path: Path, business_codes: set[str], reason_codes: set[str]
) -> tuple[Relation, ...]:
    out = []
    for line, row in _csv(path, ("from", "to", "relation", "note")):
        where = f"{path}:{line}"
        _need(row["relation"] in RELATIONS, where, f"unknown relation {row['relation']!r}")
        _need(row["from"] in business_codes, where, f"unknown business {row['from']!r}")
        targets = reason_codes if row["relation"] == "common_issue" else business_codes
        _need(row["to"] in targets, where, f"unknown target {row['to']!r}")
        out.append(Relation(row["from"], row["to"], row["relation"], row["note"]))
    return tuple(out)


def _lexicon(path: Path) -> tuple[LexiconEntry, ...]:
    out, seen = [], set()
    for line, row in _csv(path, ("word", "category", "intensity", "escalation", "churn")):
        where = f"{path}:{line}"
        _need(
            bool(row["word"]) and row["word"] not in seen,
            where,
            f"empty or duplicate word {row['word']!r}",
        )
        _need(row["category"] in EMOTIONS, where, f"unknown category {row['category']!r}")
        _need(row["intensity"] in {"1", "2", "3", "4", "5"}, where, "intensity must be 1–5")
        _need(
            row["escalation"] in {"0", "1"} and row["churn"] in {"0", "1"},
            where,
            "flags must be 0 or 1",
        )
        seen.add(row["word"])
        out.append(
            LexiconEntry(
                row["word"],
                row["category"],
                int(row["intensity"]),
                row["escalation"] == "1",
                row["churn"] == "1",
                row.get("domain") or "telecom",
            )
        )
    return tuple(out)


def _scripts(path: Path, reason_codes: set[str]) -> tuple[Script, ...]:
    out, seen = [], set()
    for line, row in _csv(
        path, ("id", "kind", "reason", "emotion", "brand", "region", "stage", "conditions", "text")
    ):
        where = f"{path}:{line}"
        _need(
            bool(row["id"]) and row["id"] not in seen,
            where,
            f"missing or duplicate id {row['id']!r}",
        )
        _need(row["kind"] in SCRIPT_KINDS, where, f"unknown kind {row['kind']!r}")
        _need(
            row["reason"] == "*" or row["reason"] in reason_codes,
            where,
            f"unknown reason {row['reason']!r}",
        )
        _need(
            row["emotion"] == "*" or row["emotion"] in EMOTIONS,
            where,
            f"unknown emotion {row['emotion']!r}",
        )
        _need(
            row["brand"] == "*" or row["brand"] in BRANDS, where, f"unknown brand {row['brand']!r}"
        )
        _need(
            row["stage"] == "*" or row["stage"] in STAGES, where, f"unknown stage {row['stage']!r}"
        )
        # As the KB's check reads them: stripped, "*" for none, each once.
        conditions = tuple(
            dict.fromkeys(
                c
                for c in (c.strip() for c in re.split(r"[;；]", row["conditions"]))
                if c not in ("", "*")
            )
        )
        unknown = [c for c in conditions if c not in SCRIPT_CONDITIONS]
        _need(
            not unknown,
            where,
            f"unknown condition(s) {unknown}; use {', '.join(SCRIPT_CONDITIONS)} (several joined by ;)",
        )
        _need(bool(row["text"]), where, "empty text")
        seen.add(row["id"])
        out.append(
            Script(
                **{
                    k: row[k]
                    for k in ("id", "kind", "reason", "emotion", "brand", "region", "stage", "text")
                },
                conditions=conditions,
            )
        )
    return tuple(out)


ARTICLE_SECTIONS = {"答复": "answer", "步骤": "steps", "要点": "key_points"}
_ARTICLE_ID = re.compile(r"^[a-z0-9][a-z0-9_-]{1,63}$")
_LIST_ITEM = re.compile(r"^\s*(?:[-*+]|\d+[.、)])\s+")


def _date(value, where: str, key: str) -> date | None:
    if value in (None, ""):
        return None
    if isinstance(value, date):
        return value
    try:
        return date.fromisoformat(str(value))
    except ValueError as exc:
        raise ContentError(f"{where}: {key} must be a date like 2026-12-31, not {value!r}") from exc


def _strings(value, where: str, key: str) -> tuple[str, ...]:
    if value in (None, "", "*"):
        return ()
    if isinstance(value, str):
        value = [value]
    _need(isinstance(value, list), where, f"{key} must be a list")
    return tuple(str(v).strip() for v in value if str(v).strip() and str(v).strip() != "*")


def parse_article(
    text: str,
    where: str,
    *,
    business_codes: set[str] | None = None,
    reason_codes: set[str] | None = None,
) -> Article:
    """One article from its Markdown file: YAML front matter, then `## 答复`, `## 步骤`, `## 要点`.

    `where` names the file in error messages; codes are checked when the known sets are given.
    """
    lines = text.lstrip("\ufeff").splitlines()
    _need(
        bool(lines) and lines[0].strip() == "---", where, "must start with a --- front matter line"
    )
    try:
        end = next(i for i in range(1, len(lines)) if lines[i].strip() == "---")
    except StopIteration:
        raise ContentError(f"{where}: front matter is not closed with ---") from None
    try:
        meta = yaml.safe_load("\n".join(lines[1:end])) or {}
    except yaml.YAMLError as exc:
        raise ContentError(f"{where}: front matter is not valid YAML: {exc}") from exc
    _need(isinstance(meta, dict), where, "front matter must be key: value lines")
    unknown = set(meta) - {
        "id",
        "title",
        "question",
        "businesses",
        "reasons",
        "brands",
        "regions",
        "valid_from",
        "valid_to",
        "tags",
    }
    _need(not unknown, where, f"unknown front-matter key(s) {sorted(unknown)}")
    article_id = str(meta.get("id") or "")
    _need(
        bool(_ARTICLE_ID.match(article_id)),
        where,
        f"id {article_id!r} must be 2–64 lowercase letters, digits, - or _",
    )
    _need(bool(str(meta.get("title") or "").strip()), where, "needs a title")
    sections: dict[str, list[str]] = {}
    current = None
    for number, line in enumerate(lines[end + 1 :], end + 2):
        if line.startswith("## "):
            heading = line[3:].strip()
            _need(
                heading in ARTICLE_SECTIONS,
                f"{where}:{number}",
                f"unknown section {heading!r}; use {', '.join(ARTICLE_SECTIONS)}",
            )
            _need(
                heading not in sections, f"{where}:{number}", f"section {heading!r} appears twice"
            )
            current = heading
            sections[current] = []
        elif current is not None:
            sections[current].append(line)
        else:
            _need(not line.strip(), f"{where}:{number}", "text before the first ## section")
    answer = "\n".join(sections.get("答复", [])).strip()
    _need(bool(answer), where, "needs a ## 答复 section with the answer for the customer")

    def items(heading: str) -> tuple[str, ...]:
        return tuple(_LIST_ITEM.sub("", x).strip() for x in sections.get(heading, []) if x.strip())

    businesses = _strings(meta.get("businesses"), where, "businesses")
    reasons = _strings(meta.get("reasons"), where, "reasons")
    if business_codes is not None:
        unknown_b = [b for b in businesses if b not in business_codes]
        _need(not unknown_b, where, f"unknown business code(s) {unknown_b}")
    if reason_codes is not None:
        unknown_r = [r for r in reasons if r not in reason_codes]
        _need(not unknown_r, where, f"unknown reason code(s) {unknown_r}")
    brands = _strings(meta.get("brands"), where, "brands")
    _need(all(b in BRANDS for b in brands), where, f"brands must be among {', '.join(BRANDS)}")
    valid_from, valid_to = (
        _date(meta.get("valid_from"), where, "valid_from"),
        _date(meta.get("valid_to"), where, "valid_to"),
    )
    _need(
        not (valid_from and valid_to and valid_to < valid_from),
        where,
        "valid_to is before valid_from",
    )
    return Article(
        id=article_id,
        title=str(meta["title"]).strip(),
        question=str(meta.get("question") or "").strip(),
        answer=answer,
        steps=items("步骤"),
        key_points=items("要点"),
        businesses=businesses,
        reasons=reasons,
        brands=brands,
        regions=_strings(meta.get("regions"), where, "regions"),
        valid_from=valid_from,
        valid_to=valid_to,
        tags=_strings(meta.get("tags"), where, "tags"),
    )


def load_articles(
    folder: Path, business_codes: set[str] | None = None, reason_codes: set[str] | None = None
) -> tuple[Article, ...]:
    """Every `*.md` article in `folder` (sorted by file name); ids must be unique."""
    out: list[Article] = []
    seen: dict[str, str] = {}
    for path in sorted(folder.glob("*.md")) if folder.is_dir() else ():
        try:
            text = path.read_text(encoding="utf-8")
        except UnicodeDecodeError as exc:
            raise ContentError(f"{path}: not UTF-8: {exc}") from exc
        article = parse_article(
            text, str(path), business_codes=business_codes, reason_codes=reason_codes
        )
        _need(
            article.id not in seen,
            str(path),
            f"duplicate article id {article.id!r} (also in {seen.get(article.id)})",
        )
        seen[article.id] = path.name
        out.append(article)
    return tuple(out)


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
        _need(code in reason_codes, where, f"unknown reason code {code!r}")
        _need(
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


def word_list(path: Path) -> tuple[str, ...]:
    """A file of one word a line (# starts a comment), in order, each once."""
    lines = _text(path).splitlines()
    return tuple(
        dict.fromkeys(w.strip() for w in lines if w.strip() and not w.lstrip().startswith("#"))
    )


def load_files(root: Path = DATA_DIR) -> Content:
    """Read every content file under `root`, validating codes and cross-references."""
    businesses = _businesses(root / "catalogue" / "businesses.yaml")
    codes = {b.code for b in businesses}
    moments, reasons = _taxonomy(root / "taxonomy.yaml", codes)
    reason_codes = {r.code for r in reasons}
    reasons = with_examples(
        reasons,
        sample_utterances(
            _yaml(root / "utterances.yaml"), reason_codes, str(root / "utterances.yaml")
        ),
    )
    degrees = tuple(
        (row["word"], float(row["weight"]))
        for _, row in _csv(root / "lexicon" / "degree.csv", ("word", "weight"))
    )
    negations = word_list(root / "lexicon" / "negation.txt")
    return Content(
        businesses=businesses,
        relations=_relations(root / "catalogue" / "relations.csv", codes, reason_codes),
        moments=moments,
        reasons=reasons,
        lexicon=_lexicon(root / "lexicon" / "emotion.csv"),
        negations=negations,
        degrees=degrees,
        masks=shipped_words("lexicon/not_emotion.txt", root),
        scripts=_scripts(root / "scripts" / "scripts.csv", reason_codes),
        advice=_yaml(root / "lexicon" / "advice.yaml") or {},
        operations=_yaml(root / "operations.yaml") or {},
        articles=load_articles(root / "articles", codes, reason_codes),
        generic_terms=generic_terms(
            shipped_yaml("catalogue/generic.yaml", root),
            businesses,
            str(root / "catalogue" / "generic.yaml"),
        ),
        questions=question_types(
            shipped_yaml("scripts/questions.yaml", root) or [],
            str(root / "scripts" / "questions.yaml"),
        ),
    )


def load_demo_customers(root: Path = DATA_DIR) -> list[dict]:
    """The demo customers shipped for `moqi init --demo` and the sample calls."""
    items = _yaml(root / "demo" / "customers.yaml")
    _need(isinstance(items, list), str(root / "demo" / "customers.yaml"), "expected a list")
    return items
