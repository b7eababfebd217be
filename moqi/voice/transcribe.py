"""One recording to agent/customer turns: stereo by channel, mono by the greeting-and-pause guess
(moqi.voice.speakers says what that guess gets wrong)."""

from __future__ import annotations

from typing import Literal

import numpy as np

from moqi.errors import Invalid
from moqi.nlp.mask import mask_pii
from moqi.voice.audio import Recording
from moqi.voice.recognizer import Recognizer
from moqi.voice.speakers import Turn, split_mono, split_stereo

AgentChannel = Literal["left", "right"]
# Below this peak (about -80 dBFS) a recording is taken as silent and not sent to the recogniser.
SILENCE_PEAK = 1e-4
# Channels closer than this (largest sample difference) are one mono signal written twice.
SAME_CHANNELS = 1e-3


class NoSpeech(Invalid):
    """A recording with nothing recognisable in it (silent, or noise only)."""


def transcribe_recording(
    recording: Recording, recognizer: Recognizer, *, agent_channel: AgentChannel = "left"
) -> list[Turn]:
    """The recording's turns in time order, text simplified and personal data masked.
    NoSpeech when it is silent or nothing was recognised."""
    channels = recording.channels
    if float(np.max(np.abs(channels))) < SILENCE_PEAK:
        raise NoSpeech("silent: no sound in the recording")
    if recording.stereo and float(np.max(np.abs(channels[0] - channels[1]))) > SAME_CHANNELS:
        left, right = channels
        agent, customer = (left, right) if agent_channel == "left" else (right, left)
        turns = split_stereo(recognizer.transcribe(agent), recognizer.transcribe(customer))
    else:
        turns = split_mono(recognizer.transcribe(channels[0]))
    if not turns:
        raise NoSpeech("no speech recognised in the recording")
    return [Turn(t.speaker, mask_pii(t.text), t.ts) for t in turns]
