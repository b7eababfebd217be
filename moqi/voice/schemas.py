"""What a live audio socket is told first (docs/live-protocol.md, "Live audio")."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

RATES = (8_000, 16_000)


class AudioStart(BaseModel):
    """The first message of an audio socket."""

    model_config = ConfigDict(extra="forbid")

    type: Literal["start"]
    format: Literal["pcm_s16le"] = "pcm_s16le"
    rate: int = Field(description="samples per second: 8000 or 16000")
    channels: Literal[1, 2] = 1
    speaker: Literal["agent", "customer"] | None = Field(
        default=None, description="mono: who is speaking"
    )
    agent_channel: Literal["left", "right"] = Field(
        default="left", description="stereo: the agent's channel"
    )
    ts: float = Field(
        default=0.0,
        ge=0,
        le=86_400,
        allow_inf_nan=False,
        description="the stream's start in the call (s)",
    )

    @model_validator(mode="after")
    def _consistent(self) -> AudioStart:
        if self.rate not in RATES:
            raise ValueError(f"rate {self.rate} is not supported: send 8000 or 16000 Hz")
        if self.channels == 1 and self.speaker is None:
            raise ValueError("a mono stream needs its speaker: agent or customer")
        if self.channels == 2 and self.speaker is not None:
            raise ValueError(
                "a stereo stream carries both speakers: give agent_channel, not speaker"
            )
        return self
