"""Training a model from labelled data an operator has (`moqi train`): scikit-learn, used here only.

Character 1–3-grams, jieba word 1–2-grams and moqi's own lexicon readings, into a logistic
regression: small, fast, no download. The characters catch what a tokenizer splits wrongly
(网络用语, typos); the words catch phrases; the lexicon readings carry what the shipped
content knows (negation, degree, irony, telecom phrases) into kinds of text the training
data did not cover, such as short chat utterances. A fitted pipeline is saved compiled
(moqi.assist.model.compiled), so live assist scores it without importing this module.
"""

from __future__ import annotations

import numpy as np
from scipy.sparse import csr_matrix, issparse
from scipy.special import softmax
from sklearn.base import BaseEstimator, ClassifierMixin, TransformerMixin
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.pipeline import FeatureUnion, Pipeline

from moqi.assist.model.compiled import shift_odds
from moqi.assist.model.readings import LexiconReadings, WordScores, words
from moqi.nlp.normalize import normalize


class LexiconFeatures(LexiconReadings, TransformerMixin, BaseEstimator):
    """moqi's lexicon readings (moqi.assist.model.readings) as a scikit-learn feature block."""

    def __init__(self, detail: bool = True):
        self.detail = detail

    def fit(self, texts, y=None):
        return self

    def transform(self, texts):
        return csr_matrix(np.asarray([self.row(t) for t in texts], dtype=float))


class WordScoreFeatures(WordScores, TransformerMixin, BaseEstimator):
    """An operator's weighted word list's reading (moqi.assist.model.readings.WordScores) as a
    column; the regression does not weigh it, LexiconPrior.word_prior does."""

    def __init__(
        self, scores: dict[str, float] | None = None, negations: frozenset[str] | None = None
    ):
        super().__init__(scores or {}, negations)

    def fit(self, texts, y=None):
        return self

    def transform(self, texts):
        return csr_matrix(
            np.asarray([self.row(t) for t in texts], dtype=float).reshape(-1, self.COLUMNS)
        )


class LexiconPrior(ClassifierMixin, BaseEstimator):
    """A balanced logistic regression whose positive and negative scores also get the lexicon's valence.

    Fitted on reviews and posts, the regression learns that n-grams say most of what the
    lexicon says, and gives the lexicon little weight. On a kind of text it never saw (short
    chat utterances) the n-grams know less and the lexicon still knows as much, so its valence
    is added with a fixed weight, `prior` (chosen on bench/polarity_dev.py --cross).

    An operator's weighted word list (`word_column`, WordScores) is not weighed by the
    regression: its reading moves only the odds of positive against negative, by
    2 × `word_prior` × the reading, and leaves P(neutral) as it was. Learnt as three more
    features, the list cost three-way data (EWECT usual_eval 3-way macro-F1 0.690 → 0.662):
    it says which way a text leans, not whether it leans.
    Models without positive and negative classes (emotion) are plain logistic regressions.
    """

    def __init__(
        self,
        C: float = 2.0,
        prior: float = 0.5,
        valence_column: int = -LexiconFeatures.COLUMNS,
        word_prior: float = 0.0,
        word_column: int | None = None,
    ):
        self.C = C
        self.prior = prior
        self.valence_column = valence_column
        self.word_prior = word_prior
        self.word_column = word_column

    def fit(self, X, y):
        if self.word_column is None:
            self.lr_ = LogisticRegression(max_iter=3000, C=self.C, class_weight="balanced").fit(
                X, y
            )
        else:
            # Fitted without the word list's column, which then weighs 0 in the regression.
            keep = np.ones(X.shape[1], dtype=bool)
            keep[self.word_column] = False
            self.lr_ = LogisticRegression(max_iter=3000, C=self.C, class_weight="balanced").fit(
                X[:, keep], y
            )
            coef = np.zeros((self.lr_.coef_.shape[0], X.shape[1]))
            coef[:, keep] = self.lr_.coef_
            self.lr_.coef_ = coef
            self.lr_.n_features_in_ = X.shape[1]
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
            lexicon = np.asarray(
                column.todense() if issparse(column) else column, dtype=float
            ).ravel()
            scores[:, classes.index("positive")] += self.prior * lexicon
            scores[:, classes.index("negative")] -= self.prior * lexicon
        if (
            self.word_prior
            and self.word_column is not None
            and "positive" in classes
            and "negative" in classes
        ):
            column = X[:, self.word_column]
            reading = np.asarray(
                column.todense() if issparse(column) else column, dtype=float
            ).ravel()
            scores = shift_odds(
                scores,
                classes.index("positive"),
                classes.index("negative"),
                2 * self.word_prior * reading,
            )
        return scores

    def predict_proba(self, X) -> np.ndarray:
        return softmax(self.decision_function(X), axis=1)

    def predict(self, X) -> np.ndarray:
        return self.classes_[self.decision_function(X).argmax(axis=1)]


def features(word_scores: dict[str, float] | None = None) -> FeatureUnion:
    """What a model reads in a text: character and word n-grams, an operator's word list's
    readings when one is given, and the lexicon's readings (last)."""
    return FeatureUnion(
        [
            (
                "chars",
                TfidfVectorizer(
                    analyzer="char",
                    ngram_range=(1, 3),
                    min_df=2,
                    sublinear_tf=True,
                    max_features=300_000,
                    preprocessor=normalize,
                ),
            ),
            (
                "words",
                TfidfVectorizer(
                    tokenizer=words,
                    token_pattern=None,
                    lowercase=False,
                    ngram_range=(1, 2),
                    min_df=2,
                    sublinear_tf=True,
                    max_features=300_000,
                ),
            ),
            *([("scores", WordScoreFeatures(word_scores))] if word_scores else []),
            ("lexicon", LexiconFeatures()),
        ]
    )


def build(
    texts: list[str], labels: list[str], word_scores: dict[str, float] | None = None
) -> Pipeline:
    """Fit a classifier on the texts (reading `word_scores`, word → score, when given)."""
    if len(set(labels)) < 2:
        raise ValueError("training data needs at least two different labels")
    model = Pipeline(
        [
            ("features", features(word_scores)),
            # C, prior and the features were chosen with bench/polarity_dev.py (development data only).
            # The word list's column sits just before the lexicon's; its weight too was chosen on
            # bench/polarity_dev.py --cross (0.5; at 0.75 weibo virus and stc3 fell).
            (
                "lr",
                LexiconPrior(
                    C=2.0,
                    prior=0.5,
                    word_prior=0.5 if word_scores else 0.0,
                    word_column=-LexiconFeatures.COLUMNS - 1 if word_scores else None,
                ),
            ),
        ]
    )
    model.fit(texts, labels)
    for _, step in model.named_steps["features"].transformer_list:
        # The n-grams that did not make the cut are kept only for inspection; they would
        # make the saved model several times larger.
        if hasattr(step, "stop_words_"):
            del step.stop_words_
    return model
