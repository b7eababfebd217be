"""Scenario content: every shipped scenario loads and names only businesses of the catalogue;
a broken file is refused with an error naming the file and the field at fault."""

from __future__ import annotations

import shutil

import pytest
import yaml

from moqi.training.roleplay.scenario import FOLDER, ScenarioError
from moqi.training.roleplay.scenario_files import from_dict, load_scenarios
from moqi.training.roleplay.scoring import score
from tests.training.roleplay.good_calls import GOOD_CALLS


def test_the_shipped_scenarios_load_with_every_mood_written(scenarios):
    assert set(scenarios) >= {
        "data_overage_complaint",
        "roaming_before_trip",
        "broadband_repeat_fault",
        "porting_retention",
        "sp_unknown_charge",
    }
    for s in scenarios.values():
        assert s.operation is not None and len(s.states) >= 5
        for state in s.states:
            assert all(state.say[m] and state.again[m] for m in ("calm", "neutral", "angry"))


def test_every_business_a_scenario_names_is_in_the_catalogue(scenarios, engine):
    known = set(engine.map.businesses)
    named = {
        (s.key, code)
        for s in scenarios.values()
        for code in (*s.operation.businesses, *(c for f in s.facts for c in f.businesses))
    }
    assert named
    assert sorted((k, c) for k, c in named if c not in known) == []


def test_a_stored_scenario_reads_back_the_same(scenarios):
    for s in scenarios.values():
        assert from_dict(s.as_dict()) == s


def _broken(tmp_path, change):
    shutil.copy(FOLDER / "_common.yaml", tmp_path / "_common.yaml")
    data = yaml.safe_load((FOLDER / "data_overage_complaint.yaml").read_text(encoding="utf-8"))
    change(data)
    (tmp_path / "broken.yaml").write_text(
        yaml.safe_dump(data, allow_unicode=True), encoding="utf-8"
    )
    return tmp_path


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (lambda d: d.pop("title"), r"broken\.yaml: title: must be a non-empty string"),
        (
            lambda d: d["customer"].update(phone="12345"),
            r"broken\.yaml: customer\.phone: must be an 11-digit",
        ),
        (
            lambda d: d["states"][1]["say"].pop("angry"),
            r"broken\.yaml: states\[1\]\.say: missing mood\(s\) angry",
        ),
        (
            lambda d: d["states"][0].update(needs=["nothing"]),
            r"broken\.yaml: states\[0\]\.needs: unknown need\(s\) nothing",
        ),
        (
            lambda d: d["facts"][0].update(words=["(unclosed"]),
            r"broken\.yaml: facts\[0\]\.words\[0\]: not a valid pattern",
        ),
        (
            lambda d: d["states"][-1].update(needs=["verify"]),
            r"broken\.yaml: states\[5\]\.needs: the last state must need closing",
        ),
        (
            lambda d: d.update(start_anger=11),
            r"broken\.yaml: start_anger: must be a whole number from 0 to 10",
        ),
        (
            lambda d: d["states"][2]["say"].update(sad=["…"]),
            r"broken\.yaml: states\[2\]\.say: unknown mood\(s\) sad",
        ),
        (
            lambda d: d["operation"].update(businesses=[]),
            r"broken\.yaml: operation\.businesses: names no business",
        ),
    ],
    ids=[
        "no-title",
        "bad-phone",
        "missing-mood",
        "unknown-need",
        "bad-pattern",
        "no-closing",
        "anger-range",
        "unknown-mood",
        "empty-operation",
    ],
)
def test_a_broken_scenario_file_is_refused_naming_file_and_field(tmp_path, change, message):
    with pytest.raises(ScenarioError, match=message):
        load_scenarios(_broken(tmp_path, change))


def test_a_file_that_is_not_yaml_names_the_file(tmp_path):
    shutil.copy(FOLDER / "_common.yaml", tmp_path / "_common.yaml")
    (tmp_path / "bad.yaml").write_text("key: [unclosed", encoding="utf-8")
    with pytest.raises(ValueError, match=r"bad\.yaml: not valid YAML"):
        load_scenarios(tmp_path)


@pytest.mark.parametrize("key", sorted(GOOD_CALLS))
def test_every_shipped_scenario_is_won_by_a_model_answer(customer, key):
    """Each scenario's facts, read-back businesses and closing are what the engine reads in a
    model answer: written wrongly, no agent could ever finish it."""
    sim = customer(key)
    for line in GOOD_CALLS[key]:
        assert not sim.finished
        sim.hear(line)
    assert sim.outcome == "resolved"
    assert all(
        r.checked in ({}, {"business": True, "number": True, "result": True}) for r in sim.readings
    )
    card = score(sim.scenario, [t.as_dict() for t in sim.turns], sim.outcome)
    assert card["parts"]["correctness"]["score"] == 100
    assert card["parts"]["confirmation"]["score"] == 100


def test_every_shipped_scenario_has_a_model_answer(scenarios):
    assert set(GOOD_CALLS) == set(scenarios)
