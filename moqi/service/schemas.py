"""What the service desk's API accepts."""

from __future__ import annotations

from pydantic import BaseModel, Field


class Resolution(BaseModel):
    resolution: str = Field(
        min_length=1, max_length=4000, description="what was done for the customer"
    )
