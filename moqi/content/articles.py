"""Knowledge articles: one Markdown file each, YAML front matter then `## 答复`, `## 步骤`,
`## 要点` sections."""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path

import yaml

from moqi.content.model import BRANDS, Article
from moqi.content.reading import ContentError, need

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
    need(isinstance(value, list), where, f"{key} must be a list")
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
    need(
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
    need(isinstance(meta, dict), where, "front matter must be key: value lines")
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
    need(not unknown, where, f"unknown front-matter key(s) {sorted(unknown)}")
    article_id = str(meta.get("id") or "")
    need(
        bool(_ARTICLE_ID.match(article_id)),
        where,
        f"id {article_id!r} must be 2–64 lowercase letters, digits, - or _",
    )
    need(bool(str(meta.get("title") or "").strip()), where, "needs a title")
    sections: dict[str, list[str]] = {}
    current = None
    for number, line in enumerate(lines[end + 1 :], end + 2):
        if line.startswith("## "):
            heading = line[3:].strip()
            need(
                heading in ARTICLE_SECTIONS,
                f"{where}:{number}",
                f"unknown section {heading!r}; use {', '.join(ARTICLE_SECTIONS)}",
            )
            need(heading not in sections, f"{where}:{number}", f"section {heading!r} appears twice")
            current = heading
            sections[current] = []
        elif current is not None:
            sections[current].append(line)
        else:
            need(not line.strip(), f"{where}:{number}", "text before the first ## section")
    answer = "\n".join(sections.get("答复", [])).strip()
    need(bool(answer), where, "needs a ## 答复 section with the answer for the customer")

    def items(heading: str) -> tuple[str, ...]:
        return tuple(_LIST_ITEM.sub("", x).strip() for x in sections.get(heading, []) if x.strip())

    businesses = _strings(meta.get("businesses"), where, "businesses")
    reasons = _strings(meta.get("reasons"), where, "reasons")
    if business_codes is not None:
        unknown_b = [b for b in businesses if b not in business_codes]
        need(not unknown_b, where, f"unknown business code(s) {unknown_b}")
    if reason_codes is not None:
        unknown_r = [r for r in reasons if r not in reason_codes]
        need(not unknown_r, where, f"unknown reason code(s) {unknown_r}")
    brands = _strings(meta.get("brands"), where, "brands")
    need(all(b in BRANDS for b in brands), where, f"brands must be among {', '.join(BRANDS)}")
    valid_from, valid_to = (
        _date(meta.get("valid_from"), where, "valid_from"),
        _date(meta.get("valid_to"), where, "valid_to"),
    )
    need(
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
        need(
            article.id not in seen,
            str(path),
            f"duplicate article id {article.id!r} (also in {seen.get(article.id)})",
        )
        seen[article.id] = path.name
        out.append(article)
    return tuple(out)
