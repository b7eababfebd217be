"""Evaluation of moqi's emotion reading against labelled data: metrics and the label mappings.

Pure: readers and data come in, figures go out.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass

from moqi.assist.emotion import UtteranceEmotion
from moqi.assist.events import EmotionPart

# How moqi's nine categories answer the six SMP2020-EWECT labels. Confusion is a
# question, not a feeling, on Weibo, so it counts as neutral; distrust is a kind of anger.
EWECT_OF = {
    "anger": "angry",
    "distrust": "angry",
    "anxiety": "fear",
    "disappointment": "sad",
    "sadness": "sad",
    "confusion": "neutral",
    "surprise": "surprise",
    "satisfaction": "happy",
    "gratitude": "happy",
    "neutral": "neutral",
}
EWECT_LABELS = ("happy", "angry", "sad", "fear", "surprise", "neutral")


@dataclass
class Scores:
    """Classification figures: n, accuracy, macro-F1 and the confusion table."""

    n: int
    accuracy: float
    macro_f1: float
    labels: list[str]
    confusion: list[list[int]]  # rows: gold, columns: predicted

    def as_dict(self) -> dict:
        return {
            "n": self.n,
            "accuracy": round(self.accuracy, 4),
            "macro_f1": round(self.macro_f1, 4),
            "labels": self.labels,
            "confusion": self.confusion,
        }


def classification_scores(
    gold: list[str], predicted: list[str], labels: Iterable[str] | None = None
) -> Scores:
    """Accuracy and macro-F1 over the gold labels (predictions outside them count as wrong)."""
    if len(gold) != len(predicted):
        raise ValueError("gold and predicted differ in length")
    labels = list(labels) if labels is not None else sorted(set(gold))
    index = {label: i for i, label in enumerate(labels)}
    confusion = [[0] * len(labels) for _ in labels]
    correct = 0
    for g, p in zip(gold, predicted, strict=True):
        correct += g == p
        if g in index and p in index:
            confusion[index[g]][index[p]] += 1
    f1s = []
    for i, label in enumerate(labels):
        tp = confusion[i][i]
        fp = sum(1 for g, p in zip(gold, predicted, strict=True) if p == label and g != label)
        fn = sum(1 for g in gold if g == label) - tp
        f1s.append(0.0 if tp == 0 else 2 * tp / (2 * tp + fp + fn))
    n = len(gold)
    return Scores(
        n, correct / n if n else 0.0, sum(f1s) / len(f1s) if f1s else 0.0, labels, confusion
    )


def polarity_label(e: UtteranceEmotion, labels: set[str]) -> str:
    """moqi's polarity in the label set of the data (two-way sets have no neutral)."""
    if "neutral" in labels:
        return e.polarity
    if e.polarity != "neutral":
        return e.polarity
    # Nothing emotional was found. In two-way data an utterance with no complaint word in it
    # is more often the positive one (tuned on data/sentiment, never on held-out sets).
    return "negative" if e.valence < 0 else "positive"


def spearman(x: list[float], y: list[float]) -> float:
    """Spearman rank correlation (average ranks for ties)."""
    from scipy.stats import spearmanr

    if len(x) < 3:
        raise ValueError("need at least 3 items for a correlation")
    value = spearmanr(x, y).statistic
    return float(value) if value == value else 0.0


def dialogue_satisfaction(valences: list[float]) -> float:
    """Predicted satisfaction of a dialogue from its customer turns (peak–end rule).

    People judge an experience by its worst moment and by how it ended, so the mean is
    blended with the peak negative and the last customer turn.
    """
    if not valences:
        return 0.0
    mean = sum(valences) / len(valences)
    return 0.4 * mean + 0.3 * min(valences) + 0.3 * valences[-1]


def predict_all(
    reader: Callable[[str], str], texts: list[str], progress: Callable[[int], None] | None = None
) -> list[str]:
    """Run `reader` over texts, reporting progress every 500 items."""
    out = []
    for i, t in enumerate(texts, 1):
        out.append(reader(t))
        if progress and i % 500 == 0:
            progress(500)
    if progress:
        progress(len(texts) % 500)
    return out


@dataclass
class NeedScores:
    """Call-reason prediction figures: moment accuracy, top-1 and top-3 reason accuracy, macro-F1
    over the reasons in the data, and the commonest mistakes (gold, predicted, count)."""

    n: int
    moment_accuracy: float
    top1: float
    top3: float
    macro_f1: float
    mistakes: list[tuple[str, str, int]]

    def as_dict(self) -> dict:
        return {
            "n": self.n,
            "moment_accuracy": round(self.moment_accuracy, 4),
            "top1": round(self.top1, 4),
            "top3": round(self.top3, 4),
            "macro_f1": round(self.macro_f1, 4),
            "mistakes": [{"gold": g, "predicted": p, "count": c} for g, p, c in self.mistakes],
        }


def need_scores(
    gold: list[tuple[str, str]], predicted: list[tuple[str, list[str]]], shown: int = 5
) -> NeedScores:
    """`gold`: (reason, moment) per contact; `predicted`: (moment, reasons best first) per contact."""
    if len(gold) != len(predicted) or not gold:
        raise ValueError("need as many predictions as labelled contacts, and at least one")
    reasons = sorted({r for r, _ in gold})
    firsts = [codes[0] if codes else "" for _, codes in predicted]
    n = len(gold)
    mistakes: dict[tuple[str, str], int] = {}
    for (g, _), p in zip(gold, firsts, strict=True):
        if g != p:
            mistakes[g, p] = mistakes.get((g, p), 0) + 1
    return NeedScores(
        n=n,
        moment_accuracy=sum(m == pm for (_, m), (pm, _) in zip(gold, predicted, strict=True)) / n,
        top1=sum(g == p for (g, _), p in zip(gold, firsts, strict=True)) / n,
        top3=sum(g in codes[:3] for (g, _), (_, codes) in zip(gold, predicted, strict=True)) / n,
        macro_f1=classification_scores([g for g, _ in gold], firsts, reasons).macro_f1,
        mistakes=[
            (g, p, c)
            for (g, p), c in sorted(mistakes.items(), key=lambda kv: (-kv[1], kv[0]))[:shown]
        ],
    )


def _rates(gold: list[bool], predicted: list[bool]) -> dict:
    """Recall over the gold positives and the false-alarm rate over the gold negatives."""
    positives = sum(gold)
    negatives = len(gold) - positives
    hits = sum(g and p for g, p in zip(gold, predicted, strict=True))
    alarms = sum(p and not g for g, p in zip(gold, predicted, strict=True))
    return {
        "positives": positives,
        "recall": round(hits / positives, 4) if positives else None,
        "false_alarm_rate": round(alarms / negatives, 4) if negatives else None,
        "false_alarms": alarms,
    }


def call_scores(gold: list[dict], read: list[EmotionPart]) -> dict:
    """Per customer turn (`read`: the assist event's `emotion` part): polarity accuracy (and
    macro-F1), and the recall and false-alarm rate of escalation and churn, where a turn
    signals one when it holds a keyword so flagged that is not negated — what the agent's
    screen and the wall act on."""
    if len(gold) != len(read) or not gold:
        raise ValueError("need one reading per labelled turn, and at least one")

    def said(e: EmotionPart, flag: str) -> bool:
        flagged = (k["escalation"] if flag == "escalation" else k["churn"] for k in e["keywords"])
        negated = (k["negated"] for k in e["keywords"])
        return any(f and not n for f, n in zip(flagged, negated, strict=True))

    polarity = classification_scores(
        [g["polarity"] for g in gold],
        [e["polarity"] for e in read],
        ("negative", "neutral", "positive"),
    )
    return {
        "turns": len(gold),
        "polarity": polarity.as_dict(),
        "escalation": _rates(
            [g["escalation"] for g in gold], [said(e, "escalation") for e in read]
        ),
        "churn": _rates([g["churn"] for g in gold], [said(e, "churn") for e in read]),
    }
