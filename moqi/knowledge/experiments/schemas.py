"""What the experiments API takes."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, Field


class ExperimentIn(BaseModel):
    name: str = Field(min_length=1, max_length=80)
    script_id: str = Field(min_length=1, max_length=32, description="the published line tested")
    variant: str = Field(min_length=1, max_length=2000, description="the variant line's text")
    brand: str = Field(default="", max_length=16, description="only this brand's contacts")
    reason: str = Field(default="", max_length=64, description="only contacts of this reason")
    outcome: Literal["emotion", "rating"] = "emotion"
    mde: float = Field(default=0.2, gt=0, le=10, description="minimum detectable effect")
    sd: float = Field(default=0.5, gt=0, le=10, description="the outcome's standard deviation")
