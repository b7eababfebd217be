"""Scenarios built from real calls: the customer's lines in order, each answered by what the real
agent said there (the businesses the engine heard, else the answer's own words), the operation
the agent read back, and a closing at the end — playable by the simulated customer."""

from __future__ import annotations

from pathlib import Path

import pytest

from moqi.assist import AssistSession, CustomerProfile
from moqi.assist.transcript import parse_transcript
from moqi.content.files import load_demo_customers
from moqi.training.roleplay.builder import build_scenario, fictitious_phone
from moqi.training.roleplay.customer import SimulatedCustomer
from moqi.training.roleplay.scenario import ScenarioError
from moqi.training.roleplay.scenario_files import from_dict, read_common

EXAMPLES = Path(__file__).resolve().parents[3] / "examples"
CUSTOMERS = {c["id"]: c for c in load_demo_customers()}


def _built(engine, name: str):
    transcript = parse_transcript((EXAMPLES / f"{name}.jsonl").read_text(encoding="utf-8"))
    turns = [(speaker, text) for speaker, text, _ in transcript.turns]
    built = build_scenario(
        turns,
        engine,
        key=name,
        title=transcript.header["title"],
        customer=CUSTOMERS[transcript.header["customer"]],
        common=read_common(),
        source=f"examples/{name}.jsonl",
    )
    return built, turns


def test_the_customer_lines_come_in_order_as_written_and_masked(engine):
    built, turns = _built(engine, "sp_unknown_charge")
    said = "".join(s.say["neutral"][0] for s in built.states)
    customer_lines = [text for speaker, text in turns if speaker == "customer"]
    assert said.startswith(customer_lines[0])
    positions = [said.find(line[:8]) for line in customer_lines if "身份证" not in line]
    assert positions == sorted(positions) and -1 not in positions
    # The ID card number the customer read out is masked (spoken digits included).
    assert "五一零一零四一九五六零三一二零四二八" not in said
    assert all(s.say["calm"] == s.say["angry"] for s in built.states)


def test_the_read_back_operation_and_the_closing_are_needed(engine):
    built, _ = _built(engine, "bill_overage")
    assert built.operation is not None and "data_pack_monthly" in built.operation.businesses
    assert [s.needs for s in built.states].count(("operation",)) == 1
    assert built.states[-1].needs[-1] == "closing"
    assert built.customer["title"] == "王先生" and built.start_anger >= 5


def test_an_answer_naming_no_business_is_recognised_by_its_own_words(engine):
    built, _ = _built(engine, "sp_unknown_charge")
    worded = [f for f in built.facts if f.words]
    assert worded and all(not f.businesses for f in worded)
    assert any("别着急" in f.words for f in worded)


def test_replaying_the_real_agent_resolves_the_built_scenario(engine):
    built, turns = _built(engine, "roaming_trip")
    profile = {k: v for k, v in built.customer.items() if k != "phone"}
    sim = SimulatedCustomer(
        built, AssistSession(customer=CustomerProfile.from_dict(profile), engine=engine), 5
    )
    sim.open()
    agent_lines = [text for speaker, text in turns if speaker == "agent"][1:]  # after the greeting
    for line in agent_lines:
        if sim.finished:
            break
        sim.hear(line)
    assert sim.outcome == "resolved"
    assert from_dict(built.as_dict()) == built


def test_a_call_with_one_customer_line_cannot_be_a_scenario(engine):
    with pytest.raises(ScenarioError, match="at least 2 customer lines"):
        build_scenario(
            [("agent", "您好"), ("customer", "我想查话费")],
            engine,
            key="short",
            title="短",
            customer=CUSTOMERS["C1001"],
            common=read_common(),
            source="short.jsonl",
        )


@pytest.mark.parametrize(
    ("masked", "phone"),
    [("138****1005", "13800001005"), (None, "13800000000"), ("12", "13800000000")],
)
def test_a_made_up_number_keeps_the_real_tail(masked, phone):
    assert fictitious_phone(masked) == phone
