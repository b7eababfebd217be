"""Path parameters the routes share, bounded so that no value reaches a query it cannot fit."""

from __future__ import annotations

from typing import Annotated

from fastapi import Path, Query

from moqi.db.base import MAX_ID

__all__ = ["MAX_ID", "Id", "QueryId"]
Id = Annotated[int, Path(ge=1, le=MAX_ID, description="a record's id")]
# An optional id in the query string (?contact_id=…), bounded the same way.
QueryId = Annotated[int | None, Query(ge=1, le=MAX_ID, description="a record's id")]
