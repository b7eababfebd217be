"""Models an operator trains from labelled data of their own (`moqi train`), used when present.

Character n-gram TF-IDF plus moqi's own lexicon readings, into a logistic regression:
small, fast, no download. The lexicon features carry what the shipped content knows
(negation, degree, telecom phrases) into domains the training data did not cover.
Nothing trained is shipped with moqi; models live in MOQI_HOME/models.
"""

from __future__ import annotations

import json
from pathlib import Path

import joblib
import numpy as np
from scipy.sparse import csr_matrix
from sklearn.base import BaseEstimator, TransformerMixin
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.pipeline import FeatureUnion, Pipeline

from moqi.content.model import EMOTIONS
from moqi.nlp.normalize import normalize

KINDS = ("polarity", "emotion")


class LexiconFeatures(BaseEstimator, TransformerMixin):
    """Per text: valence, intensity, the weight of each emotion category, negations seen."""

    def fit(self, texts, y=None):
        return self

    def transform(self, texts):
        from moqi.assist.engine import default_engine

        engine = default_engine()
        rows = []
        for text in texts:
            e = engine.read_emotion(normalize(text))
            by_cat = dict.fromkeys(EMOTIONS, 0.0)
            for k in e.keywords:
                by_cat[k.category] += k.weight
            rows.append([e.valence, e.intensity, *by_cat.values(), float(any(k.negated for k in e.keywords))])
        return csr_matrix(np.asarray(rows, dtype=float))


def build(texts: list[str], labels: list[str]) -> Pipeline:
    """Fit a classifier on the texts."""
    if len(set(labels)) < 2:
        raise ValueError("training data needs at least two different labels")
    model = Pipeline([
        ("features", FeatureUnion([
            ("chars", TfidfVectorizer(analyzer="char", ngram_range=(1, 3), min_df=2, sublinear_tf=True, max_features=300_000, preprocessor=normalize)),
            ("lexicon", LexiconFeatures()),
        ])),
        ("lr", LogisticRegression(max_iter=3000, C=2.0, class_weight="balanced")),  # C chosen on EWECT usual_eval
    ])
    model.fit(texts, labels)
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


def predict(model: Pipeline, texts: list[str], labels: list[str] | None = None) -> list[str]:
    """Labels for texts, chosen among `labels` when given (a three-way model on two-way data)."""
    if labels is None or set(model.classes_) <= set(labels):
        return list(model.predict(texts))
    classes = list(model.classes_)
    allowed = [i for i, c in enumerate(classes) if c in labels]
    probs = model.predict_proba(texts)[:, allowed]
    return [classes[allowed[j]] for j in probs.argmax(axis=1)]


def valence(model: Pipeline, texts: list[str]) -> list[float]:
    """P(positive) − P(negative) per text, for satisfaction and trends."""
    classes = list(model.classes_)
    probs = model.predict_proba(texts)
    pos = probs[:, classes.index("positive")] if "positive" in classes else 0.0
    neg = probs[:, classes.index("negative")] if "negative" in classes else 0.0
    return list(np.asarray(pos - neg, dtype=float).reshape(-1))
