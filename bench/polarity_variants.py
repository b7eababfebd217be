"""Variants of the trained polarity model on the development protocol, features computed once.

    python bench/polarity_variants.py [VARIANT …]     # default: all of them

The dev sets and training parts are bench/polarity_dev.py's (data/ only; held-out files are
never opened). The features (moqi.assist.model.training.features) are fitted once on the training
parts of both kinds of text; then each variant fits three regressions — on everything, on
Weibo posts only, on reviews only — and is read in-domain and on the unseen domain as
polarity_dev.py --cross reads it. Per set it prints accuracy, macro-F1 and the share of
items predicted negative beside the true share: a model that leans to one side on text it
never saw (chat) loses macro-F1 before accuracy.

Variants: the shipped fit (base); C = 1; an NB-style scaling of each n-gram by 1 + β·|log
count ratio| of positive to negative (β = 0.5, 1); the lexicon prior at weight 1; sample
weights that balance the classes within each kind of text, reviews and posts ("within": a
kind keeps its share) or give every (kind, class) cell the same total ("cells") — where one
kind's class balance differs from another's, what marks the kind of text should say nothing
of the class; n-gram columns kept only where their polarity agrees across the domains of the
training text (the ten shopping categories, hotel, Weibo: "agree" drops a column that leans
positive in one domain and negative in another, each with at least 5 items holding it;
"shared" also drops one seen in a single domain), the way pivot features carry across
domains; and, on the base fit, two-way decisions that give part of P(neutral) to
positive (λ) or add a constant to the positive log-odds (bias). The weightings only change
the fit on both kinds, so their "unseen domain" columns are the base's except stc3.
"""

from __future__ import annotations

import argparse
import csv
import sys
import time
import warnings
from pathlib import Path

import numpy as np
from sklearn.linear_model import LogisticRegression

warnings.filterwarnings("ignore")
sys.path.insert(0, str(Path(__file__).resolve().parent))
from _data import shared  # noqa: E402
from polarity_dev import dev_protocol  # noqa: E402

from moqi.assist import evaluate as ev  # noqa: E402
from moqi.assist.model.training import LexiconFeatures, LexiconPrior, features  # noqa: E402

FITS = {
    "base": {},
    "C1": {"C": 1.0},
    "nb0.5": {"nb": 0.5},
    "nb1": {"nb": 1.0},
    "prior1": {"prior": 1.0},
    "within": {"weighting": "within"},
    "cells": {"weighting": "cells"},
    "agree": {"invariant": "agree"},
    "shared": {"invariant": "shared"},
}
SUPPORT = 5  # items holding an n-gram in a domain before its lean there counts
DECISIONS = {
    "λ=0.6": (0.6, 0.0),
    "λ=0.8": (0.8, 0.0),
    "λ=1": (1.0, 0.0),
    "bias 0.25": (0.5, 0.25),
    "bias 0.5": (0.5, 0.5),
}


class Variant:
    """A LexiconPrior regression, optionally over NB-scaled n-gram columns (lexicon columns unscaled)."""

    def __init__(
        self,
        C: float = 2.0,
        prior: float = 0.5,
        nb: float | None = None,
        weighting: str | None = None,
        invariant: str | None = None,
    ):
        self.C, self.prior, self.nb, self.weighting, self.invariant = (
            C,
            prior,
            nb,
            weighting,
            invariant,
        )

    def fit(self, X, y, kind=None, domain=None):
        self.scale = None
        if self.invariant and domain is not None and len(set(domain)) > 1:
            self.scale = invariant_columns(X, y, domain, self.invariant)
            X = X.multiply(self.scale).tocsr()
        if self.nb is not None:
            binary = X.copy()
            binary.data[:] = 1
            p = np.asarray(binary[y == "positive"].sum(0)).ravel() + 1
            q = np.asarray(binary[y == "negative"].sum(0)).ravel() + 1
            self.scale = 1 + self.nb * np.abs(np.log((p / p.sum()) / (q / q.sum())))
            self.scale[-LexiconFeatures.COLUMNS :] = 1
            X = X.multiply(self.scale).tocsr()
        self.model = LexiconPrior(C=self.C, prior=self.prior)
        if self.weighting and kind is not None and len(set(kind)) > 1:
            # The weights balance the classes themselves, so no class_weight on top.
            self.model.lr_ = LogisticRegression(max_iter=3000, C=self.C).fit(
                X, y, sample_weight=weights(y, kind, self.weighting)
            )
            self.model.classes_ = self.model.lr_.classes_
        else:
            self.model.fit(X, y)
        self.classes = list(self.model.classes_)
        return self

    def probabilities(self, X) -> dict[str, np.ndarray]:
        """P(class) per item, by class name (a two-way model has no neutral)."""
        if self.scale is not None:
            X = X.multiply(self.scale).tocsr()
        s = self.model.decision_function(X)
        e = np.exp(s - s.max(axis=1, keepdims=True))
        p = e / e.sum(axis=1, keepdims=True)
        return {c: p[:, i] for i, c in enumerate(self.classes)}


def invariant_columns(X, y: np.ndarray, domain: np.ndarray, how: str) -> np.ndarray:
    """1 for each column kept, 0 for each n-gram dropped: one whose smoothed log-odds of
    positive against negative leans (|·| > 0.2) one way in a domain and the other way in
    another ("agree"), and with "shared" also one that leans in fewer than two domains."""
    ngrams = X.shape[1] - LexiconFeatures.COLUMNS
    held = X[:, :ngrams].copy().tocsr()
    held.data[:] = 1
    up = np.zeros(ngrams, dtype=int)
    down = np.zeros(ngrams, dtype=int)
    for d in sorted(set(domain)):
        pos, neg = (domain == d) & (y == "positive"), (domain == d) & (y == "negative")
        p, q = np.asarray(held[pos].sum(0)).ravel(), np.asarray(held[neg].sum(0)).ravel()
        lean = np.log((p + 0.5) / max(pos.sum(), 1)) - np.log((q + 0.5) / max(neg.sum(), 1))
        seen = p + q >= SUPPORT
        up += seen & (lean > 0.2)
        down += seen & (lean < -0.2)
    keep = ~((up > 0) & (down > 0))
    if how == "shared":
        keep &= up + down >= 2
    return np.concatenate([keep.astype(float), np.ones(LexiconFeatures.COLUMNS)])


def domains(by_kind: dict) -> np.ndarray:
    """The domain of each training item of reviews then posts: its shopping category, hotel, or weibo."""
    with shared("data", "sentiment", "online_shopping_10_cats.csv").open(encoding="utf-8-sig") as f:
        category = {(row.get("review") or "").strip(): row["cat"] for row in csv.DictReader(f)}
    reviews = [category.get(t.strip(), "hotel") for t in by_kind["review"][0]]
    return np.array(reviews + ["weibo"] * len(by_kind["weibo"][0]))


def weights(y: np.ndarray, kind: np.ndarray, how: str) -> np.ndarray:
    """Per-item weights: classes balanced within each kind of text ("within": a kind keeps its
    share of the total) or every (kind, class) cell the same total ("cells")."""
    w = np.empty(len(y))
    kinds = sorted(set(kind))
    for k in kinds:
        in_kind = kind == k
        classes = sorted(set(y[in_kind]))
        for c in classes:
            cell = in_kind & (y == c)
            share = in_kind.sum() / len(y) if how == "within" else 1 / len(kinds)
            w[cell] = share / len(classes) / cell.sum()
    return w * len(y)


def decide(
    probs: dict[str, np.ndarray], labels: list[str], lam: float = 0.5, bias: float = 0.0
) -> list[str]:
    """Labels among `labels`; on two-way data a share λ of P(neutral) goes to positive."""
    if "neutral" in labels:
        order = [c for c in labels if c in probs]
        return [order[i] for i in np.column_stack([probs[c] for c in order]).argmax(axis=1)]
    neutral = probs.get("neutral", 0.0)
    pos = probs["positive"] + lam * neutral
    neg = probs["negative"] + (1 - lam) * neutral
    return list(np.where(np.log(pos) - np.log(neg) + bias > 0, "positive", "negative"))


def report(title: str, dev: dict, read) -> None:
    print(
        f"\n{title}\n| dev set | in-domain acc / F1 / predicted negative | unseen domain acc / F1 / predicted negative | true negative |"
    )
    print("|---|---|---|---|")
    for name, (gold, *_) in dev.items():
        labels = (
            ["positive", "negative", "neutral"] if "neutral" in gold else ["positive", "negative"]
        )
        order = [x for x in labels if x in set(gold)]
        cells = []
        for where in ("in", "unseen"):
            pred = read(name, where, labels)
            if pred is None:
                cells.append("—")
                continue
            s = ev.classification_scores(gold, pred, order)
            cells.append(
                f"{s.accuracy:.3f} / {s.macro_f1:.3f} / {pred.count('negative') / len(pred):.3f}"
            )
        print(f"| {name} | {cells[0]} | {cells[1]} | {gold.count('negative') / len(gold):.3f} |")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("variants", nargs="*", help=f"of {', '.join(FITS)} (default: all)")
    args = parser.parse_args()
    unknown = set(args.variants) - set(FITS)
    if unknown:
        sys.exit(
            f"bench: unknown variant(s) {', '.join(sorted(unknown))}; known: {', '.join(FITS)}"
        )

    t = time.perf_counter()
    sets, by_kind = dev_protocol()
    texts = by_kind["review"][0] + by_kind["weibo"][0]
    y = np.array(by_kind["review"][1] + by_kind["weibo"][1])
    kind = np.array(["review"] * len(by_kind["review"][0]) + ["weibo"] * len(by_kind["weibo"][0]))
    domain = domains(by_kind)
    union = features()
    X = union.fit_transform(texts).tocsr()
    dev = {
        name: (list(items[1]), union.transform(items[0]).tocsr(), np.array(kinds))
        for name, (items, kinds) in sets.items()
    }
    print(
        f"features: {X.shape[0]} training items, {X.shape[1]} columns, in {time.perf_counter() - t:.0f}s",
        file=sys.stderr,
    )

    for name in args.variants or list(FITS):
        t = time.perf_counter()
        full = Variant(**FITS[name]).fit(X, y, kind, domain)
        wb, rv = kind == "weibo", kind == "review"
        unseen = {
            "review": Variant(**FITS[name]).fit(X[wb], y[wb], domain=domain[wb]),
            "weibo": Variant(**FITS[name]).fit(X[rv], y[rv], domain=domain[rv]),
            "stc3": full,
        }
        probs = {}
        for set_name, (_, Xd, kinds) in dev.items():
            probs[set_name, "in"] = full.probabilities(Xd)
            if "3-way" not in set_name:
                probs[set_name, "unseen"] = [
                    (kinds == k, m.probabilities(Xd[kinds == k]))
                    for k, m in unseen.items()
                    if (kinds == k).any()
                ]

        def read(set_name, where, labels, lam=0.5, bias=0.0, probs=probs):
            if (set_name, where) not in probs:
                return None
            if where == "in":
                return decide(probs[set_name, where], labels, lam, bias)
            out = np.empty(len(dev[set_name][0]), dtype=object)
            for mask, p in probs[set_name, where]:
                out[mask] = decide(p, labels, lam, bias)
            return list(out)

        report(
            f"## {name} ({FITS[name] or 'as shipped'}; fitted in {time.perf_counter() - t:.0f}s)",
            dev,
            read,
        )
        if name == "base":
            for title, (lam, bias) in DECISIONS.items():
                report(
                    f"## base, two-way decision {title}",
                    dev,
                    lambda s, w, labels, lam=lam, bias=bias: (
                        read(s, w, labels, lam, bias) if "neutral" not in labels else None
                    ),
                )


if __name__ == "__main__":
    main()
