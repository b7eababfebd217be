"""`moqi eval calls`: assist judged turn by turn on calls an expert labelled."""

from __future__ import annotations

import json

import pytest

from moqi.assist.evaluate import call_scores
from tests.cli.test_eval_cli import moqi, write_jsonl

A = {"speaker": "agent", "text": "您好，请问有什么可以帮您？"}


def c(text, polarity, escalation=False, churn=False):
    return {
        "speaker": "customer",
        "text": text,
        "polarity": polarity,
        "escalation": escalation,
        "churn": churn,
    }


CALLS = [
    {
        "id": "t1",
        "turns": [
            A,
            c("你们乱扣费，气死我了", "negative"),
            c("再不解决我就打12300投诉你们", "negative", escalation=True),
            c("我不会去消协的，你放心，帮我查清楚就行", "neutral"),
        ],
    },
    {
        "id": "t2",
        "turns": [
            A,
            c("我想问一下携号转网要怎么弄", "neutral", churn=True),
            c("好的，谢谢你，说得很清楚", "positive"),
        ],
    },
]


def test_eval_calls_prints_turn_figures_as_json(tmp_path, instance):
    data = write_jsonl(tmp_path / "calls.jsonl", CALLS)
    done = moqi("eval", "calls", "--data", str(data), "--json", home=instance)
    assert done.returncode == 0, done.stderr
    figures = json.loads(done.stdout)
    assert figures["calls"] == 2 and figures["turns"] == 5
    assert figures["escalation"]["positives"] == 1 and figures["escalation"]["recall"] == 1.0
    # the negated 消协 is no threat
    assert figures["escalation"]["false_alarms"] == 0
    assert figures["churn"]["positives"] == 1 and figures["churn"]["recall"] == 1.0
    assert sum(map(sum, figures["polarity"]["confusion"])) == 5


def test_eval_calls_table(tmp_path, instance):
    data = write_jsonl(tmp_path / "calls.jsonl", CALLS)
    done = moqi("eval", "calls", "--data", str(data), home=instance)
    assert done.returncode == 0 and "false-alarm rate" in done.stdout and "2 calls" in done.stdout


@pytest.mark.parametrize(
    ("rows", "message"),
    [
        ([{"id": "x", "turns": []}], "non-empty turns"),
        ([{"id": "x", "turns": [{"speaker": "customer", "text": "喂"}]}], "needs polarity"),
        ([{"id": "x", "turns": [{"speaker": "boss", "text": "喂"}]}], "unknown speaker"),
        ([{"id": "x", "turns": [A]}, {"id": "x", "turns": [A]}], "appears twice"),
        ([{"id": "x", "turns": [c("喂", "angry")]}], "needs polarity"),
    ],
)
def test_bad_call_files_are_refused_with_the_line(tmp_path, instance, rows, message):
    data = write_jsonl(tmp_path / "calls.jsonl", rows)
    done = moqi("eval", "calls", "--data", str(data), home=instance)
    assert done.returncode != 0 and message in done.stderr and "calls.jsonl:" in done.stderr


def test_rates_count_false_alarms_over_the_turns_without_the_label():
    emotion = {"polarity": "neutral", "keywords": []}
    threat = {
        "polarity": "negative",
        "keywords": [{"escalation": True, "churn": False, "negated": False}],
    }
    gold = [
        {"polarity": "negative", "escalation": True, "churn": False},
        {"polarity": "neutral", "escalation": False, "churn": False},
        {"polarity": "neutral", "escalation": False, "churn": False},
    ]
    scores = call_scores(gold, [emotion, threat, emotion])
    assert scores["escalation"] == {
        "positives": 1,
        "recall": 0.0,
        "false_alarm_rate": 0.5,
        "false_alarms": 1,
    }
    assert scores["churn"]["recall"] is None and scores["polarity"]["accuracy"] == 0.3333
