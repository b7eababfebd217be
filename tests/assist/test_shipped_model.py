"""The polarity model moqi ships: built from the project's own corpus, kept in step with it,
and reading feelings said without feeling words (issue 22's calls)."""

from __future__ import annotations

import json

import pytest

from moqi.assist import AssistSession
from moqi.assist.model import shipped


def test_the_shipped_model_was_built_from_the_corpus_as_it_stands():
    note = json.loads((shipped.MODELS / "polarity.json").read_text(encoding="utf-8"))
    assert note["corpus_sha256"] == shipped.corpus_digest(), (
        "the corpus changed: rebuild with `python -m moqi.assist.model.shipped`"
    )
    lines = shipped.CORPUS.read_text(encoding="utf-8").splitlines()
    assert note["n"] == len([line for line in lines if line])


def test_the_default_engine_reads_with_the_shipped_model(engine):
    assert engine.polarity_model is shipped.polarity_model() is not None


@pytest.mark.parametrize(
    "said",
    [
        "你们都报修两回了 师傅一个都没来过",
        "我不要你们那几块钱 我就要今天有网",
        "我在家上网课的孩子这两天课都没上成",
        "以后能不能别让这种东西随便扣我的钱",
        "呵呵 你们真行",
    ],
)
def test_complaints_said_by_facts_read_negative(engine, said):
    emotion = AssistSession(engine=engine).feed("customer", said).emotion
    assert emotion["polarity"] == "negative" and emotion["intensity"] > 0.3
    assert emotion["label"] != "平静"


@pytest.mark.parametrize("said", ["哎呀 那太好了…还以为要停机了", "你真是个好姑娘，说得这么清楚"])
def test_relief_and_praise_read_positive(engine, said):
    assert AssistSession(engine=engine).feed("customer", said).emotion["polarity"] == "positive"


@pytest.mark.parametrize("said", ["嗯输好了", "对 是我本人", "我查一下话费", "尾号是四五六七"])
def test_short_answers_and_plain_requests_stay_calm(engine, said):
    emotion = AssistSession(engine=engine).feed("customer", said).emotion
    assert emotion["label"] == "平静" and emotion["intensity"] == 0.0
