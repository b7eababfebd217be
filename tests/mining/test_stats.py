"""Lift, intervals and merging on constructed calls whose answers are known."""

from __future__ import annotations

import random

import pytest

from moqi.mining.analyse import analyse_calls, line_key
from moqi.mining.rules import Rules
from moqi.mining.stats import TallyIndex, dominant, groups_of, lifts, wilson
from moqi.mining.tally import Tally
from moqi.nlp import normalize
from tests.mining.calls_made import APOLOGY, REFUSAL, made_calls


@pytest.fixture(scope="module")
def tally(engine):
    return analyse_calls(made_calls(60), engine, Rules())


@pytest.fixture(scope="module")
def index(tally):
    return TallyIndex(tally)


def test_the_turns_are_counted_where_they_were_made(tally):
    assert tally.calls == 60
    # Each call has one position (its second customer utterance): 20 flare up, 20 calm down.
    assert tally.bases[("cword", "*", "n")] == 60
    assert tally.bases[("cword", "*", "up")] == 20
    assert tally.bases[("cword", "*", "down")] == 20


def test_a_word_said_only_at_escalations_has_the_top_lift(index):
    up = lifts(index, "cword", "up")
    assert up, "no word reached the minimum support"
    top = up[0]
    assert top.k == top.n == 20 and top.lift == pytest.approx(3.0)
    assert top.item in {"乱扣费", "太过分了", "投诉到工信部", "明天", "营业厅", "销户"}
    assert all(1.0 < x.lift <= 3.0 for x in up)


def test_only_items_that_make_the_turn_likelier_are_ranked():
    tally = Tally()
    tally.bases.update({("cword", "*", "n"): 100, ("cword", "*", "up"): 50})
    for item, n, k in (("常见", 40, 20), ("少见", 10, 1), ("升级", 10, 9), ("偶尔", 4, 4)):
        tally.events.update({("cword", "*", item, "n"): n, ("cword", "*", item, "up"): k})
    ranked = lifts(TallyIndex(tally), "cword", "up", min_support=5)
    assert [(x.item, x.n, x.k) for x in ranked] == [("升级", 10, 9)]
    assert ranked[0].lift == pytest.approx(1.8) and ranked[0].low < 1.8 < ranked[0].high


def test_the_agent_line_before_the_flare_up_is_found_and_the_apology_before_the_calm_down(
    index,
):
    up = lifts(index, "aline", "up")
    down = lifts(index, "aline", "down")
    assert up[0].item == line_key(normalize(REFUSAL)) and up[0].lift == pytest.approx(3.0)
    assert down[0].item == line_key(normalize(APOLOGY)) and (down[0].n, down[0].k) == (20, 20)
    assert all(x.item != line_key(normalize(APOLOGY)) for x in up)
    category, intensity = dominant(index, "aline", line_key(normalize(APOLOGY)), "down")
    assert category == "anger" and 0.5 < intensity <= 1.0  # what the apology was said to


def test_groups_are_counted_by_region_and_brand(tally):
    groups = groups_of(tally, "cword")
    assert groups[0] == "*"
    assert {"region=广东", "region=北京", "brand=全球通", "brand=神州行"} <= set(groups)
    by_region = sum(tally.bases[("cword", g, "n")] for g in groups if g.startswith("region="))
    assert by_region == 60


def test_minimum_support_leaves_rare_items_out(index):
    assert lifts(index, "cword", "up", min_support=21) == []


def test_wilson_intervals_hold_the_truth_about_95_percent_of_the_time():
    rnd = random.Random(3)
    truth, n, held = 0.3, 40, 0
    for _ in range(2000):
        k = sum(rnd.random() < truth for _ in range(n))
        low, high = wilson(k, n)
        held += low <= truth <= high
    assert 0.93 <= held / 2000 <= 0.975


def test_wilson_at_the_edges():
    assert wilson(0, 0) == (0.0, 1.0)
    low, high = wilson(20, 20)
    assert high == 1.0 and 0.8 < low < 0.9
    low, high = wilson(0, 20)
    assert low == 0.0 and 0.1 < high < 0.2


def test_merging_partial_tallies_equals_one_pass_in_any_order(engine):
    calls = made_calls(45)
    rules = Rules(sample=5)
    whole = analyse_calls(calls, engine, rules)
    parts = [analyse_calls(calls[i : i + 7], engine, rules) for i in range(0, 45, 7)]
    forward = Tally(sample=5)
    for p in parts:
        forward.add(p)
    backward = Tally(sample=5)
    for p in reversed(parts):
        backward.add(p)
    assert forward == whole and backward == whole
    assert Tally.from_json(whole.as_json()) == whole
