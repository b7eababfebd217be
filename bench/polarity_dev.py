"""Polarity on development data only: moqi's shipped lexicon, moqi's trained model and the peers.

    python bench/polarity_dev.py [--no-peers] [--no-train] [--cross] [--with-stc3] [--word-scores FILE]

Every figure here comes from ../shared/data; the held-out files are never opened. The dev
protocol (also in docs/evaluation.md):

- shopping, hotel: the review files, split by a hash of the text (CRC-32 mod 20 == 0 for
  shopping, mod 5 == 0 for hotel → dev), so a review posted twice never sits on both sides.
- weibo usual, weibo virus: EWECT usual_eval and virus_eval with happy → positive and
  angry, sad, fear → negative (neutral and surprise left out). Whole files are dev.
- stc3 weak: customer turns of the STC-3 dialogues with satisfaction S ≥ 0.5 (positive) or
  S ≤ −0.5 (negative); one dialogue in four (CRC-32 of its id mod 4 == 0) is dev. Weak
  labels: a customer who ends satisfied still described a fault first.
- short: every dev item above of at most 20 characters, the nearest thing in data/ to
  chat utterances.
- weibo usual 3-way: EWECT usual_eval again with its neutral posts kept as neutral, for
  three-way data such as dialogue lines (CPED); surprise left out.

The trained model is fitted as `moqi train polarity` would, on what is not dev: the
training parts of shopping and hotel and EWECT virus_train and virus_test (their neutral
posts kept as neutral); with --with-stc3 also the training dialogues' customer turns.
--cross adds "trained, unseen domain": each dev item is read by a model that never saw its
kind of text (reviews by a model trained on Weibo posts and the reverse; STC-3 by the main
model), the way a chat utterance meets a model trained on reviews and posts. --word-scores
gives every trained model a weighted word list to read too (`moqi train --word-scores`).

Guards printed after the table: EWECT usual_eval six-way accuracy of the shipped lexicon and
of an emotion model trained on the three virus files, and the Spearman correlation of
predicted with annotated satisfaction over all 1,850 STC-3 dialogues (peak–end rule), for
the lexicon and the trained model.
"""

from __future__ import annotations

import argparse
import csv
import sys
import time
import warnings
import zlib
from pathlib import Path

warnings.filterwarnings("ignore")
sys.path.insert(0, str(Path(__file__).resolve().parent))
from _data import jsonl, shared, stc3_dialogues  # noqa: E402
from peers import peers, polarity_of  # noqa: E402

from moqi.assist import evaluate as ev  # noqa: E402
from moqi.assist.engine import default_engine  # noqa: E402
from moqi.assist.model import trained  # noqa: E402
from moqi.assist.model.readings import load_word_scores  # noqa: E402
from moqi.nlp.normalize import normalize  # noqa: E402

_BINARY = {"happy": "positive", "angry": "negative", "sad": "negative", "fear": "negative"}
_REVIEW = {"1": "positive", "0": "negative"}
TWO_WAY = ["positive", "negative"]
THREE_WAY = ["positive", "negative", "neutral"]
SHORT = 20

Items = tuple[list[str], list[str]]


def _hash(text: str) -> int:
    return zlib.crc32(text.encode("utf-8"))


def _join(*parts: Items) -> Items:
    return [t for p in parts for t in p[0]], [y for p in parts for y in p[1]]


def _reviews(name: str, modulo: int) -> tuple[Items, Items]:
    """(train, dev) of a review CSV, split by the text's hash."""
    train: Items = ([], [])
    dev: Items = ([], [])
    with shared("data", "sentiment", name).open(encoding="utf-8-sig") as f:
        for row in csv.DictReader(f):
            text = (row.get("review") or "").strip()
            if not text or row.get("label") not in _REVIEW:
                continue
            side = dev if _hash(text) % modulo == 0 else train
            side[0].append(text)
            side[1].append(_REVIEW[row["label"]])
    return train, dev


def _ewect(name: str, *, keep_neutral: bool) -> Items:
    texts, labels = [], []
    for row in jsonl(shared("data", "emotion", name)):
        label = _BINARY.get(
            row["label"], "neutral" if keep_neutral and row["label"] == "neutral" else None
        )
        if label and row["text"].strip():
            texts.append(row["text"])
            labels.append(label)
    return texts, labels


def _stc3() -> tuple[Items, Items]:
    train: Items = ([], [])
    dev: Items = ([], [])
    for d in stc3_dialogues():
        if abs(d["S"]) < 0.5:
            continue
        label = "positive" if d["S"] > 0 else "negative"
        side = dev if _hash(str(d["id"])) % 4 == 0 else train
        for turn in d["turns"]:
            if turn["sender"] == "customer" and turn["text"].strip():
                side[0].append(turn["text"])
                side[1].append(label)
    return train, dev


def dev_protocol() -> tuple[dict[str, tuple[Items, list[str]]], dict[str, Items]]:
    """The dev sets (items and each item's kind of text) and the training items by kind."""
    shop_train, shop_dev = _reviews("online_shopping_10_cats.csv", 20)
    hotel_train, hotel_dev = _reviews("ChnSentiCorp_htl_all.csv", 5)
    stc3_train, stc3_dev = _stc3()
    named = [
        ("shopping", shop_dev, "review"),
        ("hotel", hotel_dev, "review"),
        ("weibo usual", _ewect("ewect_usual_eval.jsonl", keep_neutral=False), "weibo"),
        ("weibo virus", _ewect("ewect_virus_eval.jsonl", keep_neutral=False), "weibo"),
        ("stc3 weak", stc3_dev, "stc3"),
    ]
    sets = {name: (items, [kind] * len(items[0])) for name, items, kind in named}
    short: Items = ([], [])
    kinds: list[str] = []
    for _, (texts, labels), kind in named:
        for t, y in zip(texts, labels, strict=True):
            if len(normalize(t)) <= SHORT:
                short[0].append(t)
                short[1].append(y)
                kinds.append(kind)
    sets[f"short (≤{SHORT} chars)"] = (short, kinds)
    usual3 = _ewect("ewect_usual_eval.jsonl", keep_neutral=True)
    sets["weibo usual 3-way"] = (usual3, ["weibo"] * len(usual3[0]))
    weibo = _join(
        _ewect("ewect_virus_train.jsonl", keep_neutral=True),
        _ewect("ewect_virus_test.jsonl", keep_neutral=True),
    )
    return sets, {"review": _join(shop_train, hotel_train), "weibo": weibo, "stc3": stc3_train}


def _fit(parts: list[Items], note: str, word_scores: dict | None = None) -> object:
    texts, labels = _join(*parts)
    t = time.perf_counter()
    model = trained.build(texts, labels, word_scores=word_scores)
    print(
        f"trained {note} on {len(texts)} items in {time.perf_counter() - t:.0f}s", file=sys.stderr
    )
    return model


def _labels(gold: list[str]) -> list[str]:
    return THREE_WAY if "neutral" in gold else TWO_WAY


def _guards(engine, model) -> None:
    texts, gold = zip(
        *(
            (r["text"], r["label"])
            for r in jsonl(shared("data", "emotion", "ewect_usual_eval.jsonl"))
        ),
        strict=True,
    )
    s = ev.classification_scores(
        list(gold),
        [ev.EWECT_OF[engine.read_emotion(normalize(t)).category] for t in texts],
        ev.EWECT_LABELS,
    )
    print(
        f"\nEWECT usual_eval six-way, moqi lexicon (shipped): accuracy {s.accuracy:.3f}, macro-F1 {s.macro_f1:.3f}"
    )
    if model is not None:
        posts = [
            r
            for name in (
                "ewect_virus_train.jsonl",
                "ewect_virus_eval.jsonl",
                "ewect_virus_test.jsonl",
            )
            for r in jsonl(shared("data", "emotion", name))
        ]
        emotion_model = trained.build([r["text"] for r in posts], [r["label"] for r in posts])
        s = ev.classification_scores(
            list(gold), trained.predict(emotion_model, list(texts)), ev.EWECT_LABELS
        )
        print(
            f"EWECT usual_eval six-way, moqi trained on the virus files: accuracy {s.accuracy:.3f}, macro-F1 {s.macro_f1:.3f}"
        )
    dialogues = [
        ([t["text"] for t in d["turns"] if t["sender"] == "customer"], d["S"])
        for d in stc3_dialogues()
    ]
    readers = [
        (
            "moqi lexicon (shipped)",
            lambda turns: [engine.read_emotion(normalize(t)).valence for t in turns],
        )
    ]
    if model is not None:
        readers.append(
            (
                "moqi trained (dev protocol)",
                lambda turns: trained.valence(model, turns) if turns else [],
            )
        )
    for name, read in readers:
        rho = ev.spearman(
            [ev.dialogue_satisfaction(read(turns)) for turns, _ in dialogues],
            [s for _, s in dialogues],
        )
        print(
            f"STC-3 satisfaction ({len(dialogues)} dialogues, peak–end), {name}: Spearman {rho:.3f}"
        )


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument(
        "--no-peers", action="store_true", help="moqi only (faster while iterating)"
    )
    parser.add_argument("--no-train", action="store_true", help="shipped lexicon only")
    parser.add_argument(
        "--cross",
        action="store_true",
        help="also read each dev item with a model that never saw its kind of text",
    )
    parser.add_argument(
        "--with-stc3",
        action="store_true",
        help="also train on the STC-3 training dialogues (weak labels)",
    )
    parser.add_argument(
        "--word-scores",
        type=Path,
        help='a weighted word list ("word score" lines) the model also reads, as `moqi train --word-scores`',
    )
    args = parser.parse_args()
    scores = load_word_scores(args.word_scores) if args.word_scores else None

    sets, by_kind = dev_protocol()
    extra = [by_kind["stc3"]] if args.with_stc3 else []
    engine = default_engine()
    systems = [
        (
            "moqi lexicon (shipped)",
            lambda texts, kinds, labels: [
                ev.polarity_label(engine.read_emotion(normalize(t)), set(labels)) for t in texts
            ],
        )
    ]
    model = None
    if not args.no_train:
        model = _fit(
            [by_kind["review"], by_kind["weibo"], *extra], "the dev-protocol model", scores
        )
        systems.append(
            (
                "moqi trained (dev protocol)",
                lambda texts, kinds, labels: trained.predict(model, texts, labels),
            )
        )
    if args.cross and not args.no_train:
        unseen = {
            "review": _fit([by_kind["weibo"], *extra], "on Weibo only", scores),
            "weibo": _fit([by_kind["review"], *extra], "on reviews only", scores),
            "stc3": model,
        }

        def cross(texts: list[str], kinds: list[str], labels: list[str]) -> list[str]:
            out = [""] * len(texts)
            for kind, m in unseen.items():
                idx = [i for i, k in enumerate(kinds) if k == kind]
                for i, label in zip(
                    idx,
                    trained.predict(m, [texts[i] for i in idx], labels) if idx else [],
                    strict=True,
                ):
                    out[i] = label
            return out

        systems.append(("moqi trained (unseen domain)", cross))
    if not args.no_peers:
        for name, valence, _ in peers():
            band = 0.2 if name == "snownlp" else 0.0  # as bench/peers.py reads them
            systems.append(
                (
                    name,
                    lambda texts, kinds, labels, v=valence, band=band: [
                        polarity_of(v(t), set(labels), band) for t in texts
                    ],
                )
            )

    print("| dev set | n | system | accuracy | macro-F1 |")
    print("|---|---|---|---|---|")
    for title, ((texts, gold), kinds) in sets.items():
        labels = _labels(gold)
        for name, predict in systems:
            if name.endswith("(unseen domain)") and labels == THREE_WAY:
                continue  # the reviews-only model has no neutral class
            s = ev.classification_scores(gold, predict(texts, kinds, labels), labels)
            print(
                f"| {title} | {len(texts)} | {name} | {s.accuracy:.3f} | {s.macro_f1:.3f} |",
                flush=True,
            )
    _guards(engine, model)


if __name__ == "__main__":
    main()
