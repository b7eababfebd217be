"""Models an operator trains from labelled data of their own (`moqi train`), used when present.

This module loads, saves and scores them and never imports scikit-learn: a model is saved
in its compiled form (moqi.assist.model.compiled), so live assist reads a customer's words
with it on NumPy alone. Fitting is moqi.assist.model.training's (scikit-learn); its names are
reachable from here too (`trained.build`, and the classes that models saved by older versions
unpickle as `moqi.assist.trained.LexiconFeatures` …). Nothing trained is shipped with
moqi; models live in MOQI_HOME/models.
"""

from __future__ import annotations

import importlib
import json
import sys
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from types import ModuleType
from weakref import WeakKeyDictionary

import joblib
import numpy as np

from moqi.assist.emotion import UtteranceEmotion
from moqi.assist.model.compiled import CompiledModel, compile_model
from moqi.assist.model.features import NotCompilable

KINDS = ("polarity", "emotion")
_TRAINING = {"LexiconFeatures", "LexiconPrior", "build"}


def __getattr__(name: str):
    # Imported on first use only: scoring never needs scikit-learn.
    if name in _TRAINING:
        from moqi.assist.model import training

        return getattr(training, name)
    if name in ("words", "LexiconReadings"):
        from moqi.assist.model import readings

        return getattr(readings, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def compact(model):
    """The compiled form of a model (moqi.assist.model.compiled) where it has one, else the model itself."""
    try:
        return compile_model(model)
    except NotCompilable:
        return model


# Pipelines built in this process (evaluations, benches) are compiled on first use.
_compiled: WeakKeyDictionary = WeakKeyDictionary()


def _probabilities(
    model, texts: list[str], readings: list[UtteranceEmotion] | None = None
) -> np.ndarray:
    """model.predict_proba(texts), through the compiled form where the model has one."""
    if not isinstance(model, CompiledModel):
        if model not in _compiled:
            scorer = compact(model)
            _compiled[model] = scorer if scorer is not model else None
        model = _compiled[model] or model
    return (
        model.predict_proba(texts, readings)
        if isinstance(model, CompiledModel)
        else model.predict_proba(texts)
    )


def save(model, directory: Path, kind: str, meta: dict) -> Path:
    """Write the model (compiled where it can be: a fraction of the size) and a JSON note of what it was trained on."""
    directory.mkdir(parents=True, exist_ok=True)
    path = directory / f"{kind}.joblib"
    tmp = path.with_suffix(".tmp")
    joblib.dump(compact(model), tmp)
    tmp.replace(path)
    (directory / f"{kind}.json").write_text(
        json.dumps(meta, ensure_ascii=False, indent=2), encoding="utf-8"
    )
    return path


def load(directory: Path, kind: str):
    """The trained model of this kind, or None when the operator has not trained one.

    Files written before models were saved compiled hold the pipeline; it is compiled here.
    """
    path = directory / f"{kind}.joblib"
    if not path.exists():
        return None
    with _old_module_names():
        return compact(joblib.load(path))


# Models saved before the trained model had its own package name its classes and functions
# by the modules they were in then (moqi.assist.scorer._CharBlock, moqi.assist.readings.words,
# moqi.assist.trained.LexiconFeatures …): while a model is loaded, those names find them in
# the modules they are in now, in this order.
_OLD_MODULES = {
    "moqi.assist.scorer": ("compiled", "features"),
    "moqi.assist.readings": ("readings",),
    "moqi.assist.training": ("training",),
    "moqi.assist.trained": ("trained",),
}
_loading = threading.Lock()


class _OldModule(ModuleType):
    def __init__(self, name: str, now: tuple[str, ...]):
        super().__init__(name)
        self._now = now

    def __getattr__(self, name: str):
        for module in self._now:
            found = importlib.import_module(f"moqi.assist.model.{module}")
            if hasattr(found, name):
                return getattr(found, name)
        raise AttributeError(f"module {self.__name__!r} has no attribute {name!r}")


@contextmanager
def _old_module_names() -> Iterator[None]:
    with _loading:
        added = [old for old in _OLD_MODULES if old not in sys.modules]
        for old in added:
            sys.modules[old] = _OldModule(old, _OLD_MODULES[old])
        try:
            yield
        finally:
            for old in added:
                del sys.modules[old]


def predict(model, texts: list[str], labels: list[str] | None = None) -> list[str]:
    """Labels for texts, chosen among `labels` when given (a three-way model on two-way data)."""
    classes = [str(c) for c in model.classes_]
    allowed = [i for i, c in enumerate(classes) if labels is None or c in labels]
    if not allowed:
        allowed = list(range(len(classes)))  # the data's labels do not overlap the model's
    probs = _probabilities(model, texts)[:, allowed]
    return [classes[allowed[j]] for j in probs.argmax(axis=1)]


def valence(model, texts: list[str], readings: list[UtteranceEmotion] | None = None) -> list[float]:
    """P(positive) − P(negative) per text, for satisfaction and trends; `readings` are the lexicon's, when already made."""
    classes = list(model.classes_)
    probs = _probabilities(model, texts, readings)
    pos = probs[:, classes.index("positive")] if "positive" in classes else 0.0
    neg = probs[:, classes.index("negative")] if "negative" in classes else 0.0
    return list(np.asarray(pos - neg, dtype=float).reshape(-1))
