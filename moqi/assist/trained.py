"""Models an operator trains from labelled data of their own (`moqi train`), used when present.

Character 1–3-grams, jieba word 1–2-grams and moqi's own lexicon readings, into a logistic
regression: small, fast, no download. The characters catch what a tokenizer splits wrongly
(网络用语, typos); the words catch phrases; the lexicon readings carry what the shipped
content knows (negation, degree, irony, telecom phrases) into kinds of text the training
data did not cover, such as short chat utterances. Nothing trained is shipped with moqi;
models live in MOQI_HOME/models.
"""

from __future__ import annotations

import json
import math
from pathlib import Path
from weakref import WeakKeyDictionary

import joblib
import numpy as np
from scipy.sparse import csr_matrix, issparse
from scipy.special import softmax
from sklearn.base import BaseEstimator, ClassifierMixin, TransformerMixin
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.pipeline import FeatureUnion, Pipeline

from moqi.assist.emotion import UtteranceEmotion
from moqi.assist.scorer import CompiledModel, NotCompilable, compile_model
from moqi.content.model import EMOTIONS, NEGATIVE_EMOTIONS, POSITIVE_EMOTIONS
from moqi.nlp.normalize import normalize

KINDS = ("polarity", "emotion")


def words(text: str) -> list[str]:
    """jieba words of a text, with moqi's lexicon and catalogue in the dictionary."""
    from moqi.assist.engine import default_engine

    return default_engine().tokenizer.cut(normalize(text))


class LexiconFeatures(BaseEstimator, TransformerMixin):
    """Per text: what moqi's lexicon reads in it.

    Always: valence, intensity, the weight of each emotion category, whether a negation was
    seen. With `detail` (every model trained since chat utterances were measured): how many
    positive and negative keywords and the strongest of each, negated praise and negated
    complaints, whether nothing emotional was found and whether it still leans negative,
    question and exclamation marks, and the length (log).
    """

    COLUMNS = 23  # with detail; valence comes first
    # Models saved before `detail` existed unpickle without it and keep their 12 columns.
    detail = False

    def __init__(self, detail: bool = True):
        self.detail = detail

    def fit(self, texts, y=None):
        return self

    def transform(self, texts):
        return csr_matrix(np.asarray([self.row(t) for t in texts], dtype=float))

    def row(self, text: str, reading: UtteranceEmotion | None = None) -> list[float]:
        """The readings of one text; `reading` is the lexicon's reading of it when already made."""
        text = normalize(text)
        if reading is None:
            from moqi.assist.engine import default_engine

            reading = default_engine().read_emotion(text)
        return self._row(reading, text)

    def _row(self, e: UtteranceEmotion, text: str) -> list[float]:
        by_cat = dict.fromkeys(EMOTIONS, 0.0)
        for k in e.keywords:
            by_cat[k.category] += k.weight
        row = [e.valence, e.intensity, *by_cat.values(), float(any(k.negated for k in e.keywords))]
        if not self.detail:
            return row
        pos = [k.weight for k in e.keywords if k.weight > 0 and k.category in POSITIVE_EMOTIONS]
        neg = [k.weight for k in e.keywords if k.weight > 0 and k.category in NEGATIVE_EMOTIONS]
        return row + [
            len(pos),
            len(neg),
            max(pos, default=0.0),
            max(neg, default=0.0),
            sum(1 for k in e.keywords if k.negated and k.weight > 0),
            sum(1 for k in e.keywords if k.negated and k.weight == 0),
            float(e.category == "neutral" and e.valence < 0),
            float(e.category == "neutral"),
            min(text.count("?"), 3) / 3,
            min(text.count("!"), 3) / 3,
            math.log1p(len(text)) / 6,
        ]


class LexiconPrior(ClassifierMixin, BaseEstimator):
    """A balanced logistic regression whose positive and negative scores also get the lexicon's valence.

    Fitted on reviews and posts, the regression learns that n-grams say most of what the
    lexicon says, and gives the lexicon little weight. On a kind of text it never saw (short
    chat utterances) the n-grams know less and the lexicon still knows as much, so its valence
    is added with a fixed weight, `prior` (chosen on bench/polarity_dev.py --cross).
    Models without positive and negative classes (emotion) are plain logistic regressions.
    """

    def __init__(self, C: float = 2.0, prior: float = 0.5, valence_column: int = -LexiconFeatures.COLUMNS):
        self.C = C
        self.prior = prior
        self.valence_column = valence_column

    def fit(self, X, y):
        self.lr_ = LogisticRegression(max_iter=3000, C=self.C, class_weight="balanced").fit(X, y)
        self.classes_ = self.lr_.classes_
        return self

    def decision_function(self, X) -> np.ndarray:
        # The product itself, without scikit-learn's input checks: live assist scores one
        # utterance at a time, and the checks would cost more than the arithmetic.
        scores = np.asarray(X @ self.lr_.coef_.T) + self.lr_.intercept_
        if scores.shape[1] == 1:  # two classes: the score is for classes_[1] against classes_[0]
            scores = np.column_stack([np.zeros(len(scores)), scores[:, 0]])
        classes = list(self.classes_)
        if self.prior and "positive" in classes and "negative" in classes:
            column = X[:, self.valence_column]
            lexicon = np.asarray(column.todense() if issparse(column) else column, dtype=float).ravel()
            scores[:, classes.index("positive")] += self.prior * lexicon
            scores[:, classes.index("negative")] -= self.prior * lexicon
        return scores

    def predict_proba(self, X) -> np.ndarray:
        return softmax(self.decision_function(X), axis=1)

    def predict(self, X) -> np.ndarray:
        return self.classes_[self.decision_function(X).argmax(axis=1)]


def build(texts: list[str], labels: list[str]) -> Pipeline:
    """Fit a classifier on the texts."""
    if len(set(labels)) < 2:
        raise ValueError("training data needs at least two different labels")
    model = Pipeline([
        ("features", FeatureUnion([
            ("chars", TfidfVectorizer(analyzer="char", ngram_range=(1, 3), min_df=2, sublinear_tf=True, max_features=300_000, preprocessor=normalize)),
            ("words", TfidfVectorizer(tokenizer=words, token_pattern=None, lowercase=False, ngram_range=(1, 2), min_df=2, sublinear_tf=True, max_features=300_000)),
            ("lexicon", LexiconFeatures()),
        ])),
        # C, prior and the features were chosen with bench/polarity_dev.py (development data only).
        ("lr", LexiconPrior(C=2.0, prior=0.5)),
    ])
    model.fit(texts, labels)
    for _, step in model.named_steps["features"].transformer_list:
        # The n-grams that did not make the cut are kept only for inspection; they would
        # make the saved model several times larger.
        if hasattr(step, "stop_words_"):
            del step.stop_words_
    return model


def compact(model: Pipeline | CompiledModel) -> Pipeline | CompiledModel:
    """The compiled form of a model (moqi.assist.scorer) where it has one, else the model itself."""
    try:
        return compile_model(model)
    except NotCompilable:
        return model


# Pipelines built in this process (evaluations, benches) are compiled on first use.
_compiled: WeakKeyDictionary = WeakKeyDictionary()


def _probabilities(model, texts: list[str], readings: list[UtteranceEmotion] | None = None) -> np.ndarray:
    """model.predict_proba(texts), through the compiled form where the model has one."""
    if not isinstance(model, CompiledModel):
        if model not in _compiled:
            scorer = compact(model)
            _compiled[model] = scorer if scorer is not model else None
        model = _compiled[model] or model
    return model.predict_proba(texts, readings) if isinstance(model, CompiledModel) else model.predict_proba(texts)


def save(model: Pipeline | CompiledModel, directory: Path, kind: str, meta: dict) -> Path:
    """Write the model (compiled where it can be: a fraction of the size) and a JSON note of what it was trained on."""
    directory.mkdir(parents=True, exist_ok=True)
    path = directory / f"{kind}.joblib"
    tmp = path.with_suffix(".tmp")
    joblib.dump(compact(model), tmp)
    tmp.replace(path)
    (directory / f"{kind}.json").write_text(json.dumps(meta, ensure_ascii=False, indent=2), encoding="utf-8")
    return path


def load(directory: Path, kind: str) -> Pipeline | CompiledModel | None:
    """The trained model of this kind, or None when the operator has not trained one.

    Files written before models were saved compiled hold the pipeline; it is compiled here.
    """
    path = directory / f"{kind}.joblib"
    return compact(joblib.load(path)) if path.exists() else None


def predict(model: Pipeline | CompiledModel, texts: list[str], labels: list[str] | None = None) -> list[str]:
    """Labels for texts, chosen among `labels` when given (a three-way model on two-way data)."""
    classes = [str(c) for c in model.classes_]
    allowed = [i for i, c in enumerate(classes) if labels is None or c in labels]
    if not allowed:
        allowed = list(range(len(classes)))  # the data's labels do not overlap the model's
    probs = _probabilities(model, texts)[:, allowed]
    return [classes[allowed[j]] for j in probs.argmax(axis=1)]


def valence(model: Pipeline | CompiledModel, texts: list[str], readings: list[UtteranceEmotion] | None = None) -> list[float]:
    """P(positive) − P(negative) per text, for satisfaction and trends; `readings` are the lexicon's, when already made."""
    classes = list(model.classes_)
    probs = _probabilities(model, texts, readings)
    pos = probs[:, classes.index("positive")] if "positive" in classes else 0.0
    neg = probs[:, classes.index("negative")] if "negative" in classes else 0.0
    return list(np.asarray(pos - neg, dtype=float).reshape(-1))
