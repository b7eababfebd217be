"""An ACD export's rows as cells: CSV in UTF-8 or GB18030, or the first sheet of an XLSX."""

from __future__ import annotations

from moqi.nlp import table
from moqi.workforce.acd import AcdError


def read_table(data: bytes, filename: str) -> list[list[object]]:
    """The file's rows as cells; an unreadable file is the ACD import's error (row 0)."""
    try:
        return table.read_table(data, filename)
    except table.TableError as exc:
        raise AcdError([(0, str(exc))]) from None
