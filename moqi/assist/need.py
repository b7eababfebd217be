"""Need prediction: the moment of truth and the fine-grained reason, from words, profile and events.

A small additive model in log space: event priors from the customer's recent account
history, cue words heard so far (recent turns weigh more), how much the words are like each
reason's own texts (moqi.assist.reason_text), businesses mentioned and the customer's emotion. Pure: the caller passes the matches and the profile.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np

from moqi.assist.profile import CustomerProfile
from moqi.content.model import MOMENTS, Reason

_DECAY = 0.8  # how much of the evidence of earlier turns survives each new customer turn
_NEW_MATTER = 0.25  # … and how much survives the customer turning to another matter ("对了，…")
_EVENT_HALF_LIFE_DAYS = 7.0
_CUE = 1.6
_TEMPERATURE = 0.75  # < 1 keeps the probabilities honest when evidence piles up
_MOMENT_CUE = 0.8
# "帮我开吧", "那就帮我换" ask for the operation itself: no inquiry cue says as much.
_REQUEST_CUE = 1.6
_BUSINESS = 0.45
_ISSUE = 0.3
# How much the likeness of the words to each reason's texts counts (moqi.assist.reason_text;
# a cosine, 0–1): chosen on the project's own labelled utterances, tests/assist/data.
_TEXT = 24.0


@dataclass
class NeedModel:
    """The reasons of the taxonomy with their businesses and event weights, indexed."""

    reasons: tuple[Reason, ...]
    by_business: dict[str, list[int]] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self.index = {r.code: i for i, r in enumerate(self.reasons)}
        self.moment_of = [r.moment for r in self.reasons]
        self.moment_at = np.array([MOMENTS.index(m) for m in self.moment_of], dtype=np.intp)
        self.moment_sizes = {m: self.moment_of.count(m) for m in MOMENTS}
        # Businesses a customer has done for them (开通, 变更, 退订): those of the handling reasons.
        self.handled = frozenset(
            b for r in self.reasons if r.moment == "handling" for b in r.businesses
        )
        for i, r in enumerate(self.reasons):
            for b in r.businesses:
                self.by_business.setdefault(b, []).append(i)

    def reasons_of(self, business: str) -> frozenset[str]:
        """Codes of the reasons a business belongs to."""
        return frozenset(self.reasons[i].code for i in self.by_business.get(business, ()))

    def event_prior(self, profile: CustomerProfile) -> np.ndarray:
        """Log-score of each reason from the customer's recent events, before any word."""
        scores = [0.0] * len(self.reasons)
        for e in profile.events:
            if e.days_ago > 60:
                continue
            decay = 0.5 ** (max(e.days_ago, 0.0) / _EVENT_HALF_LIFE_DAYS)
            for i, r in enumerate(self.reasons):
                for kind, weight in r.events:
                    if kind == e.type:
                        scores[i] += weight * decay
        return np.asarray(scores, dtype=np.float64)


@dataclass
class NeedTracker:
    """The need as it builds up over one call.

    Scores are numpy vectors in reason order: every utterance updates and reads all of them."""

    model: NeedModel
    prior: np.ndarray  # log-score of each reason before any word (NeedModel.event_prior)
    evidence: np.ndarray = field(init=False)  # … and what the call has added since
    moment_evidence: dict[str, float] = field(default_factory=lambda: dict.fromkeys(MOMENTS, 0.0))

    def __post_init__(self) -> None:
        self.prior = np.asarray(self.prior, dtype=np.float64)
        self.evidence = np.zeros(len(self.model.reasons))

    def observe(
        self,
        *,
        reason_cues: list[tuple[int, int, int]],
        moment_cues: list[str],
        businesses: list[str],
        issues: list[str],
        negative: float,
        likeness: Sequence[float] | np.ndarray = (),
        weight: float = 1.0,
    ) -> None:
        """Fold one utterance's cues in; agent turns come with a smaller weight.

        `reason_cues` holds (reason index, cue length, how many reasons share the cue): a
        long cue says more than a short one, and a cue shared by reasons says less of each.
        `likeness` is the utterance's similarity to each reason's texts, in reason order.
        """
        if weight >= 1.0:
            self._fade(_DECAY)
        evidence = self.evidence
        for i, length, shared in reason_cues:
            evidence[i] += weight * _CUE * (0.6 + 0.15 * min(length, 6)) / shared
        if len(likeness):
            evidence += (weight * _TEXT) * np.asarray(likeness, dtype=np.float64)
        for code in businesses:
            for i in self.model.by_business.get(code, ()):
                evidence[i] += weight * _BUSINESS
        for code in issues:
            at = self.model.index.get(code)
            if at is not None:
                evidence[at] += weight * _ISSUE
        for m in moment_cues:
            self.moment_evidence[m] += weight * (_REQUEST_CUE if m == "handling" else _MOMENT_CUE)
        if negative > 0:
            self.moment_evidence["complaint"] += weight * 1.5 * negative

    def requested(self) -> None:
        """The customer asks for what they asked about to be done ("那你帮我开吧"): the inquiry
        becomes the handling of it. The handling reasons that share a business with the
        inquiry leading now (国际漫游咨询 → 开通国际漫游) are lifted together, the likeliest of
        them to just ahead of it, in their own order. (A complaint's requests — 约个时间上门,
        帮我退了 — are how the complaint is settled: it stays the complaint.)"""
        score = self.prior + self.evidence
        top = int(score.argmax())
        if self.model.moment_of[top] != "inquiry":
            return
        businesses = set(self.model.reasons[top].businesses)
        near = [
            i
            for i, r in enumerate(self.model.reasons)
            if r.moment == "handling" and businesses.intersection(r.businesses)
        ]
        if near:
            self.evidence[near] += score[top] - score[near].max() + _REQUEST_CUE

    def new_matter(self) -> None:
        """The customer turns to another matter ("对了，…"): what the call was about so far
        says little of the new question."""
        self._fade(_NEW_MATTER)

    def _fade(self, keep: float) -> None:
        """Keep this share of the evidence so far, of reasons and of moments alike."""
        self.evidence *= keep
        self.moment_evidence = {m: s * keep for m, s in self.moment_evidence.items()}

    def operation_done(self, businesses: list[str | None]) -> None:
        """An agent reported an operation (one report may name several businesses): this call is
        business handling, about those businesses."""
        self.moment_evidence["handling"] += 2.0
        for business in businesses:
            for i in self.model.by_business.get(business or "", ()):
                if self.model.moment_of[i] == "handling":
                    self.evidence[i] += 2.0

    def distribution(self) -> np.ndarray:
        """Probability of each reason (softmax of prior + evidence + moment evidence)."""
        moments = np.array([self.moment_evidence[m] for m in MOMENTS])
        scores = _TEMPERATURE * (self.prior + self.evidence + 0.5 * moments[self.model.moment_at])
        # The ufuncs' own reductions: ndarray.max() and .sum() go through numpy's Python wrappers.
        exps = np.exp(scores - np.maximum.reduce(scores))
        return exps / np.add.reduce(exps)

    def predict(self, k: int = 3) -> tuple[str, float, list[tuple[Reason, float]]]:
        """The moment of truth with its probability, and the top-k reasons with theirs."""
        dist = self.distribution()
        # Each moment gets an equal prior: average its reasons' mass rather than summing it,
        # or the moment with the most reasons in the taxonomy would win by default.
        mass = np.bincount(self.model.moment_at, weights=dist, minlength=len(MOMENTS)).tolist()
        # The moment's own evidence (帮我开吧, an operation done) counts in full here: within the
        # reasons it is only half, and a moment's many cue-rich reasons ("漫游" cues the inquiry
        # and the activation alike) would otherwise outvote the customer asking for the operation.
        mean = {
            m: mass[j]
            / self.model.moment_sizes[m]
            * math.exp(0.5 * _TEMPERATURE * self.moment_evidence[m])
            for j, m in enumerate(MOMENTS)
            if self.model.moment_sizes.get(m)
        }
        total = sum(mean.values())
        by_moment = {m: v / total for m, v in mean.items()}
        # Rounded, so that a tie (nothing known yet) goes to the first moment, inquiry, not to float noise.
        moment = max(by_moment, key=lambda m: round(by_moment[m], 9))
        ranked = (
            (-dist).argsort(kind="stable")[:k].tolist()
        )  # stable: a tie goes to the reason listed first
        return moment, by_moment[moment], [(self.model.reasons[i], float(dist[i])) for i in ranked]

    @property
    def informed(self) -> bool:
        """Whether anything (an event or a word) has moved the need away from uniform."""
        return bool(np.count_nonzero(self.prior) or np.count_nonzero(self.evidence)) or any(
            self.moment_evidence.values()
        )
