"""The team lead's quality review: the agents' stored words checked again against the phrases a
quality inspector marks down, counted per agent and per rule, within a team and a period."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

import pytest
from fastapi.testclient import TestClient

from moqi.assist.quality import agent_phrase_review
from moqi.db import session_scope
from moqi.errors import Invalid
from moqi.nlp.normalize import normalize
from moqi.service import services as desk
from tests.conftest import add_users, login, serving

UNTIL = datetime(2024, 6, 30, tzinfo=UTC)
SINCE = UNTIL - timedelta(days=7)

NOT_OURS = "这个不归我们管，您找别的部门去吧"
DONT_KNOW = "这个我也不清楚。"
GO_YOURSELF = "您自己去营业厅问吧"
BLAME = "是您自己点的"
FINE = "您好，请问有什么可以帮您"


def _contact(session, agent: str, started_at: datetime, lines: list[tuple[str, str]]) -> int:
    contact = desk.create_contact(
        session, customer_id=None, channel="voice", title="", agent=agent, started_at=started_at
    )
    desk.add_utterances(
        session,
        contact,
        [(turn, speaker, normalize(text), None) for turn, (speaker, text) in enumerate(lines, 1)],
    )
    return contact.id


@pytest.fixture
def stored(db):
    """Teams: a1, a2, lead in "default"; b1, otherlead in "other". Contacts around a week."""
    add_users(
        db,
        a1="agent",
        a2="agent",
        b1="agent/other",
        lead="team_lead",
        otherlead="team_lead/other",
        boss="admin",
    )
    ids = {}
    with session_scope(db) as s:
        ids["a1_first"] = _contact(
            s,
            "a1",
            SINCE,  # the first moment of the period counts
            [("customer", "这个不归我们管吗？"), ("agent", NOT_OURS), ("agent", DONT_KNOW)],
        )
        ids["a1_second"] = _contact(
            s,
            "a1",
            UNTIL - timedelta(days=1),
            [("agent", FINE), ("agent", GO_YOURSELF), ("agent", "这个不归我们管")],
        )
        ids["a2"] = _contact(s, "a2", UNTIL - timedelta(days=2), [("agent", FINE)])
        ids["b1"] = _contact(s, "b1", UNTIL - timedelta(days=3), [("agent", BLAME)])
        # Outside the period: before it, and at its (open) end.
        _contact(s, "a1", SINCE - timedelta(seconds=1), [("agent", BLAME)])
        _contact(s, "a1", UNTIL, [("agent", BLAME)])
    return ids


def _review(db, engine, team, since=SINCE, until=UNTIL) -> dict:
    with session_scope(db) as s:
        return agent_phrase_review(s, engine, team=team, since=since, until=until)


def test_counts_per_agent_and_per_rule(db, engine, stored):
    review = _review(db, engine, "default")
    assert review["team"] == "default"
    assert {r["code"] for r in review["rules"]} == {r.code for r in engine.agent_rules}
    assert [a["agent"] for a in review["agents"]] == ["a1", "a2"]  # most hits first
    a1, a2 = review["agents"]
    assert (a1["utterances"], a1["hits"], a1["team"]) == (5, 4, "default")
    assert {r["code"]: r["hits"] for r in a1["by_rule"]} == {
        "not_our_business": 2,
        "dont_know": 1,
        "go_yourself": 1,
    }
    assert a1["by_rule"][0]["code"] == "not_our_business" and a1["by_rule"][0]["label"]
    # The latest first: the second contact's turns, then the first's.
    assert [(x["contact_id"], x["turn"], x["code"]) for x in a1["examples"]] == [
        (stored["a1_second"], 3, "not_our_business"),
        (stored["a1_second"], 2, "go_yourself"),
        (stored["a1_first"], 3, "dont_know"),
        (stored["a1_first"], 2, "not_our_business"),
    ]
    example = a1["examples"][0]
    assert (
        example["said"] in normalize("这个不归我们管") and example["instead"] and example["label"]
    )
    assert (a2["utterances"], a2["hits"], a2["by_rule"], a2["examples"]) == (1, 0, [], [])


def test_a_team_sees_its_own_agents_and_an_admin_every_team(db, engine, stored):
    other = _review(db, engine, "other")["agents"]
    assert [(a["agent"], a["hits"]) for a in other] == [("b1", 1)]
    assert other[0]["by_rule"][0]["code"] == "blame_customer"
    assert _review(db, engine, "nobody")["agents"] == []
    everyone = _review(db, engine, None)
    assert everyone["team"] is None
    assert [a["agent"] for a in everyone["agents"]] == ["a1", "b1", "a2"]


def test_only_the_latest_five_examples(db, engine):
    add_users(db, a1="agent")
    with session_scope(db) as s:
        for day in range(3):
            _contact(
                s, "a1", SINCE + timedelta(days=day), [("agent", NOT_OURS), ("agent", DONT_KNOW)]
            )
    (a1,) = _review(db, engine, "default")["agents"]
    assert a1["hits"] == 6 and len(a1["examples"]) == 5
    assert a1["examples"][0]["contact_id"] > a1["examples"][-1]["contact_id"]


def test_the_period_is_checked(db, engine, stored):
    with pytest.raises(Invalid):
        _review(db, engine, "default", since=UNTIL, until=UNTIL)
    with pytest.raises(Invalid):
        _review(db, engine, "default", since=UNTIL, until=SINCE)
    with pytest.raises(Invalid):
        _review(db, engine, "default", since=UNTIL - timedelta(days=92, seconds=1))
    quarter = _review(db, engine, "default", since=UNTIL - timedelta(days=92))
    assert quarter["agents"][0]["utterances"] == 6  # the contact a second before SINCE too
    # The same moments in Beijing time name the same period.
    beijing = timezone(timedelta(hours=8))
    shifted = _review(
        db, engine, "default", since=SINCE.astimezone(beijing), until=UNTIL.astimezone(beijing)
    )
    assert shifted["agents"][0]["utterances"] == 5


# --- over the API ---------------------------------------------------------------------------


@pytest.fixture
def app(loaded_db, db_url):
    add_users(
        loaded_db,
        a1="agent",
        b1="agent/other",
        lead="team_lead",
        otherlead="team_lead/other",
        boss="admin",
    )
    recent = datetime.now(UTC) - timedelta(hours=1)
    with session_scope(loaded_db) as s:
        _contact(s, "a1", recent, [("agent", NOT_OURS), ("agent", FINE)])
        _contact(s, "b1", recent, [("agent", BLAME)])
        _contact(s, "a1", recent - timedelta(days=8), [("agent", DONT_KNOW)])
    yield from serving(db_url)


def test_the_review_over_the_api(app):
    url = "/api/quality/agent-phrases"
    with TestClient(app) as anonymous:
        lead, otherlead, boss, agent = (login(app, u) for u in ("lead", "otherlead", "boss", "a1"))
        mine = lead.get(url)
        assert mine.status_code == 200, mine.text
        data = mine.json()
        assert data["team"] == "default"
        since, until = (datetime.fromisoformat(data[k]) for k in ("since", "until"))
        assert until - since == timedelta(days=7)
        assert [(a["agent"], a["utterances"], a["hits"]) for a in data["agents"]] == [("a1", 2, 1)]
        assert data["agents"][0]["by_rule"][0]["code"] == "not_our_business"
        # Nine days back, the older contact counts too.
        assert lead.get(url, params={"days": 9}).json()["agents"][0]["hits"] == 2
        other = otherlead.get(url).json()["agents"]
        assert [(a["agent"], a["hits"]) for a in other] == [("b1", 1)]
        every = boss.get(url).json()
        assert every["team"] is None and {a["agent"] for a in every["agents"]} == {"a1", "b1"}

        for days in (0, 93, "x"):
            assert lead.get(url, params={"days": days}).status_code == 422
        assert lead.get(url, params={"days": 92}).status_code == 200
        assert agent.get(url).status_code == 403
        assert anonymous.get(url).status_code == 401

        # The wall shows it, loaded by wall.js (no inline script).
        page = lead.get("/wall")
        assert page.status_code == 200
        assert "坐席用语质检（近7天）" in page.text and 'id="phrase-review"' in page.text
        assert "<script>" not in page.text
