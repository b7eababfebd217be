"""The faster-whisper (CTranslate2) recogniser, tuned for Chinese telephone speech: Mandarin
forced, a prompt with the catalogue's business names, voice-activity filtering, beam search,
simplified characters out. Needs the `asr` extra."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np

from moqi.nlp.normalize import to_simplified
from moqi.voice.model_files import INSTALL_HINT, AsrNotInstalled
from moqi.voice.recognizer import Segment


@dataclass(frozen=True)
class Decoding:
    """How to decode. `prompt`: the text Whisper is told came before (its style and vocabulary
    are what it expects next); `hotwords`: words it should prefer."""

    language: str = "zh"
    beam_size: int = 5
    vad_filter: bool = True
    prompt: str | None = None
    hotwords: str | None = None
    condition_on_previous_text: bool = True


class WhisperRecognizer:
    """One loaded model; `threads` CPU threads per transcription (one per worker in a pool)."""

    def __init__(self, model_dir: Path, *, threads: int = 1, decoding: Decoding | None = None):
        try:
            from faster_whisper import WhisperModel
        except ImportError as exc:
            raise AsrNotInstalled(
                f"speech recognition needs faster-whisper: {INSTALL_HINT}"
            ) from exc
        self.decoding = decoding or Decoding()
        self._model = WhisperModel(
            str(model_dir), device="cpu", compute_type="int8", cpu_threads=threads, num_workers=1
        )

    def transcribe(self, samples: np.ndarray) -> list[Segment]:
        d = self.decoding
        segments, _info = self._model.transcribe(
            np.ascontiguousarray(samples, dtype=np.float32),
            language=d.language,
            beam_size=d.beam_size,
            vad_filter=d.vad_filter,
            initial_prompt=d.prompt,
            hotwords=d.hotwords,
            condition_on_previous_text=d.condition_on_previous_text,
        )
        out = []
        for s in segments:
            text = to_simplified(s.text.strip())
            if text:
                out.append(Segment(start=float(s.start), end=float(s.end), text=text))
        return out
