"""Models an operator trains from labelled data of their own (`moqi train`), used when present.

A character n-gram TF-IDF with logistic regression: small, fast, no download. Nothing
trained is shipped with moqi; models live in MOQI_HOME/models.
"""

from __future__ import annotations

import json
from pathlib import Path

import joblib
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.pipeline import Pipeline

from moqi.nlp.normalize import normalize

KINDS = ("polarity", "emotion")


def build(texts: list[str], labels: list[str]) -> Pipeline:
    """Fit a classifier on normalised texts."""
    if len(set(labels)) < 2:
        raise ValueError("training data needs at least two different labels")
    model = Pipeline([
        ("tfidf", TfidfVectorizer(analyzer="char", ngram_range=(1, 3), min_df=2, sublinear_tf=True, max_features=300_000)),
        ("lr", LogisticRegression(max_iter=2000, C=4.0, class_weight="balanced")),
    ])
    model.fit([normalize(t) for t in texts], labels)
    return model


def save(model: Pipeline, directory: Path, kind: str, meta: dict) -> Path:
    """Write the model and a JSON note of what it was trained on."""
    directory.mkdir(parents=True, exist_ok=True)
    path = directory / f"{kind}.joblib"
    tmp = path.with_suffix(".tmp")
    joblib.dump(model, tmp)
    tmp.replace(path)
    (directory / f"{kind}.json").write_text(json.dumps(meta, ensure_ascii=False, indent=2), encoding="utf-8")
    return path


def load(directory: Path, kind: str) -> Pipeline | None:
    """The trained model of this kind, or None when the operator has not trained one."""
    path = directory / f"{kind}.joblib"
    return joblib.load(path) if path.exists() else None


def predict(model: Pipeline, texts: list[str]) -> list[str]:
    """Labels for texts, normalised the same way as in training."""
    return list(model.predict([normalize(t) for t in texts]))
