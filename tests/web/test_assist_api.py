"""The assist JSON API: roles, unknown ids, malformed and oversized bodies, nothing stored on failure."""

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select

from moqi.app import create_app
from moqi.db import session_scope
from moqi.service.models import Contact
from tests.conftest import PASSWORD, add_users


@pytest.fixture
def client(loaded_db, db_url):
    add_users(loaded_db, agent="agent", expert="expert", team_lead="team_lead")
    with TestClient(create_app(db_url)) as c:
        yield c


def contacts(db) -> int:
    with session_scope(db) as s:
        return s.scalar(select(func.count()).select_from(Contact))


BODY = {
    "customer": "C1001",
    "utterances": [
        {"speaker": "客户", "text": "你们乱扣费，我要投诉", "ts": 1},
        {"speaker": "agent", "text": "非常抱歉，我马上为您核实"},
    ],
}


def test_agent_analyses_and_stores_a_contact(client, db):
    r = client.post("/api/assist/analyze", json=BODY, auth=("agent", PASSWORD))
    assert r.status_code == 200, r.text
    data = r.json()
    assert len(data["events"]) == 2 and data["events"][0]["emotion"]["category"] == "anger"
    r = client.get(
        f"/api/assist/contacts/{data['contact_id']}/events", auth=("team_lead", PASSWORD)
    )
    assert r.status_code == 200 and len(r.json()) == 2


def test_no_login_is_401_and_wrong_role_is_403(client, db):
    assert client.post("/api/assist/analyze", json=BODY).status_code == 401
    assert (
        client.post("/api/assist/analyze", json=BODY, auth=("agent", "wrong-password")).status_code
        == 401
    )
    r = client.post("/api/assist/analyze", json=BODY, auth=("expert", PASSWORD))
    assert r.status_code == 403 and r.headers["content-type"] == "application/problem+json"
    assert contacts(db) == 0


def test_unknown_ids_are_404(client, db):
    r = client.post(
        "/api/assist/analyze", json={**BODY, "customer": "C0000"}, auth=("agent", PASSWORD)
    )
    assert r.status_code == 404 and "C0000" in r.json()["detail"]
    assert (
        client.get("/api/assist/contacts/99999/events", auth=("agent", PASSWORD)).status_code == 404
    )
    assert contacts(db) == 0


@pytest.mark.parametrize(
    "body",
    [
        {"utterances": []},
        {"utterances": [{"speaker": "customer"}]},
        {"utterances": [{"speaker": "boss", "text": "hi"}]},
        {"utterances": [{"speaker": "customer", "text": ""}, {"speaker": "agent", "text": "  "}]},
        {"utterances": [{"speaker": "customer", "text": "啊" * 5001}]},
        {"channel": "pigeon", "utterances": [{"speaker": "customer", "text": "hi"}]},
        "not an object",
    ],
)
def test_malformed_bodies_are_422_problems(client, db, body):
    r = client.post("/api/assist/analyze", json=body, auth=("agent", PASSWORD))
    assert r.status_code == 422, r.text
    assert r.headers["content-type"] == "application/problem+json"
    assert r.json()["status"] == 422 and r.json()["detail"]
    assert contacts(db) == 0


def test_oversized_body_is_413(client, db):
    huge = {"utterances": [{"speaker": "customer", "text": "啊" * 4000}] * 200}
    r = client.post("/api/assist/analyze", json=huge, auth=("agent", PASSWORD))
    assert r.status_code == 413
    assert contacts(db) == 0


def test_store_false_records_nothing(client, db):
    r = client.post("/api/assist/analyze", json={**BODY, "store": False}, auth=("agent", PASSWORD))
    assert r.status_code == 200 and r.json()["contact_id"] is None
    assert contacts(db) == 0
