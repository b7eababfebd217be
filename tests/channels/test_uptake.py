"""Self-service, counted: an agent offers the path of the customer's reason on a contact, the
customer later uses it (an SMS command to the centre), and the lead sees offers and uptake per
agent; refusals for a reason without a path, a repeat, or someone else's contact."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

from moqi.channels.models import ChannelMessage, SelfServiceOffer
from moqi.db import session_scope
from moqi.settings import get_settings
from tests.channels.test_sms_route import SECRET, body, send
from tests.conftest import add_users, count, login, serving


@pytest.fixture
def app(loaded_db, db_url, monkeypatch):
    monkeypatch.setenv("MOQI_SMS_SECRET", SECRET)
    monkeypatch.setenv("MOQI_ROUTE_SECONDS", "0")
    get_settings.cache_clear()
    add_users(loaded_db, ana="agent/north", bo="agent/north", lead="team_lead/north")
    yield from serving(db_url)


def test_an_offer_taken_up_is_counted_for_the_agent(app, loaded_db):
    with TestClient(app) as client, login(app, "ana") as ana, login(app, "bo") as bo:
        paths = ana.get("/api/channels/selfservice/paths").json()
        assert "CXHF" in paths["balance_query"]["line"] and "bill_dispute" not in paths
        first = ana.post("/api/contacts", json={"customer": "C1001", "channel": "voice"}).json()
        second = ana.post("/api/contacts", json={"customer": "C1002", "channel": "voice"}).json()
        offer = {"contact_id": first["contact_id"], "reason": "balance_query"}
        assert ana.post("/api/channels/selfservice/offers", json=offer).status_code == 200
        assert ana.post("/api/channels/selfservice/offers", json=offer).status_code == 409
        other = {"contact_id": second["contact_id"], "reason": "data_usage_query"}
        assert ana.post("/api/channels/selfservice/offers", json=other).status_code == 200
        complaint = {"contact_id": first["contact_id"], "reason": "bill_dispute"}
        r = ana.post("/api/channels/selfservice/offers", json=complaint)
        assert r.status_code == 422 and "no self-service path" in r.json()["detail"]
        assert bo.post("/api/channels/selfservice/offers", json=offer).status_code == 403
        missing = {"contact_id": 999999, "reason": "balance_query"}
        assert ana.post("/api/channels/selfservice/offers", json=missing).status_code == 404

        # Later, 王先生 (C1001) checks his balance himself by SMS: uptake of ana's offer.
        assert send(client, body("CXHF", "u-1")).json()["status"] == "answered"
        report = login(app, "lead").get("/api/channels/selfservice/report").json()
        [mine] = report["agents"]
        assert mine == {"agent": "ana", "offers": 2, "uptake": 1, "rate": 0.5}
        by_reason = {r["reason"]: r for r in report["reasons"]}
        assert by_reason["balance_query"]["uptake"] == 1
        assert by_reason["data_usage_query"]["uptake"] == 0
        assert ana.get("/api/channels/selfservice/report").status_code == 403
    assert count(loaded_db, SelfServiceOffer) == 2
    with session_scope(loaded_db) as s:
        assert s.query(ChannelMessage).one().self_service == "balance_query"
