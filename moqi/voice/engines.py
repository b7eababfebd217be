"""Which recogniser to build, by the MOQI_ASR_ENGINE setting: "faster-whisper" (the default,
local, needs the `asr` extra) or "module:callable", a factory of any other engine that follows
moqi.voice.recognizer.Recognizer (a vendor's ASR, a test's fake), called with no arguments."""

from __future__ import annotations

import importlib
from dataclasses import dataclass
from pathlib import Path

from moqi.errors import Invalid
from moqi.voice.recognizer import Recognizer

WHISPER = "faster-whisper"


@dataclass(frozen=True)
class EngineSpec:
    """Everything a worker process needs to build its own recogniser (plain, picklable values)."""

    engine: str = WHISPER
    model_dir: Path | None = None  # resolved (assembled) before workers start
    threads: int = 1


def resolve(engine: str, configured_model: Path | None, models_dir: Path) -> EngineSpec:
    """The spec for `engine`; for faster-whisper the model folder is found or assembled here,
    once, before any worker starts. AsrNotInstalled / Invalid when it cannot be."""
    if engine == WHISPER:
        from moqi.voice.model_files import model_dir

        return EngineSpec(engine, model_dir(configured_model, models_dir))
    if ":" not in engine:
        raise Invalid(f"MOQI_ASR_ENGINE={engine!r}: expected {WHISPER!r} or 'module:callable'")
    return EngineSpec(engine)


def build(spec: EngineSpec) -> Recognizer:
    """A loaded recogniser (one per process: a model is not shared between processes)."""
    if spec.engine == WHISPER:
        from moqi.voice.decoding import default_decoding
        from moqi.voice.whisper import WhisperRecognizer

        assert spec.model_dir is not None
        return WhisperRecognizer(spec.model_dir, threads=spec.threads, decoding=default_decoding())
    module, _, name = spec.engine.partition(":")
    try:
        factory = getattr(importlib.import_module(module), name)
    except (ImportError, AttributeError) as exc:
        raise Invalid(f"MOQI_ASR_ENGINE={spec.engine!r}: {exc}") from None
    return factory()
