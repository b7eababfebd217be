"""A trained pipeline compiled for scoring one utterance at a time: the same numbers, small and fast.

`moqi train` fits a scikit-learn pipeline: TF-IDF blocks of character and word n-grams,
moqi's lexicon readings, a logistic regression. Live assist scores one customer utterance
at a time, where scikit-learn's per-call checks and sparse matrices cost more than the
arithmetic, and where the vocabularies (hundreds of thousands of n-grams kept as Python
strings in dicts) take most of the memory. The compiled form keeps:

- each character n-gram and each word n-gram as integer codes, looked up in sorted arrays
  (moqi.assist.model.features);
- the regression's weights as one features × classes array, so an utterance's scores are
  a gather and a dot product per block.

`compile_model` refuses (NotCompilable) what it cannot reproduce exactly; callers then use
the pipeline itself. Only compiling imports scikit-learn: a compiled model holds NumPy
arrays and moqi's own functions, so loading and scoring one does not.
"""

from __future__ import annotations

import numpy as np

from moqi.assist.model.features import Block, NotCompilable, compile_block
from moqi.assist.model.readings import LexiconReadings, WordScores


def shift_odds(scores: np.ndarray, pos: int, neg: int, shift: np.ndarray) -> np.ndarray:
    """Log-probabilities of the classes whose positive-against-negative log-odds are moved by
    `shift` (one value a row), with P(positive) + P(negative), and so every other class's
    probability, kept: a word list says which way a text leans, not whether it leans."""
    scores = scores - scores.max(axis=1, keepdims=True)
    log_p = scores - np.log(np.exp(scores).sum(axis=1, keepdims=True))
    both = np.logaddexp(log_p[:, pos], log_p[:, neg])
    odds = log_p[:, pos] - log_p[:, neg] + shift
    out = log_p.copy()
    out[:, pos] = both - np.logaddexp(0.0, -odds)
    out[:, neg] = both - np.logaddexp(0.0, odds)
    return out


class CompiledModel:
    """What `predict_proba` of the pipeline answers, one text at a time, without scikit-learn."""

    def __init__(self, pipeline):
        from sklearn.linear_model import LogisticRegression
        from sklearn.pipeline import FeatureUnion, Pipeline

        from moqi.assist.model.training import LexiconFeatures, LexiconPrior, WordScoreFeatures

        if not isinstance(pipeline, Pipeline) or len(pipeline.steps) != 2:
            raise NotCompilable("not a features → classifier pipeline")
        union, final = pipeline.steps[0][1], pipeline.steps[1][1]
        if not isinstance(union, FeatureUnion) or union.transformer_weights:
            raise NotCompilable("features are not a plain FeatureUnion")
        lr = final.lr_ if isinstance(final, LexiconPrior) else final
        if not isinstance(lr, LogisticRegression) or getattr(lr, "multi_class", "auto") not in (
            "auto",
            "multinomial",
        ):
            raise NotCompilable("the classifier is not a multinomial logistic regression")
        coef = np.asarray(lr.coef_, dtype=float)
        width = coef.shape[1]
        steps = [step for _, step in union.transformer_list]
        lexicons = [step for step in steps if isinstance(step, LexiconFeatures)]
        if len(lexicons) > 1:
            raise NotCompilable("two lexicon blocks")
        lexicon = lexicons[0] if lexicons else None
        # Each TF-IDF block is as wide as its idf, a word list's readings as its columns; the
        # lexicon readings take what is left.
        widths = [
            0
            if step is lexicon
            else WordScores.COLUMNS
            if isinstance(step, WordScoreFeatures)
            else len(getattr(step, "idf_", ()))
            for step in steps
        ]
        if lexicon is not None:
            widths[steps.index(lexicon)] = width - sum(widths)
        if sum(widths) != width or min(widths, default=0) < 0:
            raise NotCompilable("the features do not add up to the classifier's width")
        self.blocks: list[Block] = []
        self._lexicon_at = (0, 0)
        # An operator's word list, kept as moqi's own class (with its words): what it reads
        # moves the positive-against-negative odds by a fixed weight (LexiconPrior.word_prior).
        self.word_scores: WordScores | None = None
        offset = 0
        for step, size in zip(steps, widths, strict=True):
            if step is lexicon:
                self._lexicon_at = (offset, offset + size)
            elif isinstance(step, WordScoreFeatures):
                if self.word_scores is not None:
                    raise NotCompilable("two word lists")
                self.word_scores = WordScores(step.scores, step.negations)
                word_at = offset
            else:
                self.blocks.append(compile_block(step, offset))
            offset += size
        # The lexicon block's readings, kept as moqi's own (no scikit-learn class in the saved model).
        self.lexicon = LexiconReadings(lexicon.detail) if lexicon is not None else None
        self.classes_ = np.asarray(lr.classes_)
        # Two classes: scikit-learn keeps one row of weights, for classes_[1] against classes_[0].
        self.weights = np.ascontiguousarray(
            (np.vstack([np.zeros(width), coef[0]]) if len(coef) == 1 else coef).T
        )
        self.intercept = (
            np.asarray(lr.intercept_, dtype=float)
            if len(coef) > 1
            else np.array([0.0, float(lr.intercept_[0])])
        )
        classes = [str(c) for c in self.classes_]
        self.prior = 0.0
        if (
            isinstance(final, LexiconPrior)
            and final.prior
            and "positive" in classes
            and "negative" in classes
        ):
            column = (
                width + final.valence_column if final.valence_column < 0 else final.valence_column
            )
            if not self._lexicon_at[0] <= column < self._lexicon_at[1]:
                raise NotCompilable("the lexicon prior does not read a lexicon column")
            self.prior = float(final.prior)
            self._prior_at = (
                column - self._lexicon_at[0],
                classes.index("positive"),
                classes.index("negative"),
            )
        self.word_prior = 0.0
        if (
            self.word_scores is not None
            and isinstance(final, LexiconPrior)
            and final.word_prior
            and "positive" in classes
            and "negative" in classes
        ):
            if (
                final.word_column is None
                or (width + final.word_column if final.word_column < 0 else final.word_column)
                != word_at
            ):
                raise NotCompilable("the word prior does not read the word list's column")
            if np.any(self.weights[word_at]):
                raise NotCompilable("the word list's column is weighted by the regression too")
            self.word_prior = float(final.word_prior)
            self._word_classes = (classes.index("positive"), classes.index("negative"))

    def scores(self, text: str, reading=None) -> np.ndarray:
        """The scores of one text, whose softmax is its class probabilities; `reading` is the
        lexicon's reading of it, if already made."""
        s = self.intercept.copy()
        for block in self.blocks:
            columns, w = block.weights(block.codes(text))
            if len(columns):
                s += w @ self.weights[columns]
        if self.lexicon is not None:
            row = np.asarray(self.lexicon.row(text, reading), dtype=float)
            start, stop = self._lexicon_at
            s += row @ self.weights[start:stop]
            if self.prior:
                at, pos, neg = self._prior_at
                s[pos] += self.prior * row[at]
                s[neg] -= self.prior * row[at]
        # (Models compiled before word lists have no word prior; one is only set with its list.)
        if getattr(self, "word_prior", 0.0) and self.word_scores is not None:
            pos, neg = self._word_classes
            shift = 2 * self.word_prior * self.word_scores.row(text)[0]
            s = shift_odds(s[None, :], pos, neg, np.array([shift]))[0]
        return s

    def predict_proba(self, texts: list[str], readings=None) -> np.ndarray:
        scores = np.array(
            [self.scores(t, readings[i] if readings else None) for i, t in enumerate(texts)]
        ).reshape(len(texts), len(self.classes_))
        scores -= scores.max(axis=1, keepdims=True)
        np.exp(scores, out=scores)
        return scores / scores.sum(axis=1, keepdims=True)


def compile_model(model) -> CompiledModel:
    """The compiled form of a fitted pipeline (itself when it already is one)."""
    return model if isinstance(model, CompiledModel) else CompiledModel(model)
