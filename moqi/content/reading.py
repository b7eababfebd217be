"""Reading content files: where the shipped ones live, the error a malformed one raises, and
the readers of their formats (YAML, CSV with a header, one word a line)."""

from __future__ import annotations

import csv
from collections.abc import Iterator
from pathlib import Path

import yaml

DATA_DIR = Path(__file__).resolve().parent.parent / "data"


class ContentError(ValueError):
    """A content file is malformed; the message names the file and the line or item at fault."""


def read_text(path: Path, encoding: str = "utf-8") -> str:
    """A content file's text; a missing or non-UTF-8 file is a ContentError naming it."""
    try:
        return path.read_text(encoding=encoding)
    except FileNotFoundError as exc:
        raise ContentError(f"{path}: file is missing") from exc
    except UnicodeDecodeError as exc:
        raise ContentError(f"{path}: not UTF-8: {exc}") from exc


def read_yaml(path: Path):
    text = read_text(path)
    try:
        return yaml.safe_load(text)
    except yaml.YAMLError as exc:
        raise ContentError(f"{path}: not valid YAML: {exc}") from exc


def read_csv(path: Path, columns: tuple[str, ...]) -> Iterator[tuple[int, dict[str, str]]]:
    text = read_text(path, "utf-8-sig")
    reader = csv.DictReader(text.splitlines())
    missing = [c for c in columns if c not in (reader.fieldnames or [])]
    if missing:
        raise ContentError(f"{path}: header lacks column(s) {', '.join(missing)}")
    for row in reader:
        if None in row or any(row.get(c) is None for c in columns):
            raise ContentError(f"{path}:{reader.line_num}: wrong number of fields")
        yield reader.line_num, {k: (v or "").strip() for k, v in row.items()}


def need(cond: bool, where: str, message: str) -> None:
    if not cond:
        raise ContentError(f"{where}: {message}")


def word_list(path: Path) -> tuple[str, ...]:
    """A file of one word a line (# starts a comment), in order, each once."""
    lines = read_text(path).splitlines()
    return tuple(
        dict.fromkeys(w.strip() for w in lines if w.strip() and not w.lstrip().startswith("#"))
    )


def shipped_yaml(name: str, root: Path = DATA_DIR):
    """A YAML content file as written (e.g. "catalogue/generic.yaml"), unchecked."""
    return read_yaml(root / name)


def shipped_words(name: str, root: Path = DATA_DIR) -> tuple[str, ...]:
    """A one-word-a-line content file as shipped (e.g. "lexicon/not_emotion.txt")."""
    return word_list(root / name)
