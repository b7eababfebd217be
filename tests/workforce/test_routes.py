"""Workforce API and pages: roles, unknown queues, malformed and oversized input, nothing stored on failure."""

from datetime import date

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select

from moqi.app import create_app
from moqi.db import session_scope
from moqi.workforce import demo
from moqi.workforce.models import IntervalRow, QueueRow
from tests.conftest import PASSWORD, add_users

CSV = demo.to_csv(demo.generate(date(2026, 3, 2), 3, peak_calls=100, seed=4)).encode()
LEAD = ("team_lead", PASSWORD)


@pytest.fixture
def client(db, db_url):
    add_users(db, agent="agent", team_lead="team_lead", admin="admin")
    with TestClient(create_app(db_url)) as c:
        yield c


def stored(db) -> tuple[int, int]:
    with session_scope(db) as s:
        return s.scalar(select(func.count()).select_from(QueueRow)), s.scalar(
            select(func.count()).select_from(IntervalRow)
        )


def upload(client, queue="10086人工", data=CSV, name="acd.csv", auth=LEAD, **form):
    return client.post(
        f"/api/workforce/queues/{queue}/imports",
        files={"file": (name, data, "text/csv")},
        data=form,
        auth=auth,
    )


def test_team_lead_imports_and_reads_kpis_and_plan(client, db):
    r = upload(client)
    assert r.status_code == 201, r.text
    assert r.json()["rows"] == 21 * 48 and r.json()["threshold_s"] == 20
    assert (
        client.get("/api/workforce/queues", auth=("admin", PASSWORD)).json()[0]["intervals"]
        == 21 * 48
    )
    k = client.get(
        "/api/workforce/queues/10086人工/kpis", params={"sl_definition": "answered"}, auth=LEAD
    ).json()
    assert (
        "abandons ignored" in k["service_level_definition"]
        and len(k["by_slot"]) == 48
        and k["balance"]["spread"] > 0
    )
    p = client.get(
        "/api/workforce/queues/10086人工/plan",
        params={"patience_s": 90, "time_limit_s": 3, "held_back_weeks": 1},
        auth=LEAD,
    )
    assert p.status_code == 200, p.text
    plan = p.json()
    assert (
        plan["model"] == "erlang_a"
        and plan["roster"]["status"] in ("optimal", "feasible")
        and len(plan["slots"]) == 7 * 48
    )


def test_wrong_role_is_403_and_no_login_401(client, db):
    assert upload(client, auth=("agent", PASSWORD)).status_code == 403
    assert (
        client.get("/api/workforce/queues", auth=("agent", PASSWORD)).headers["content-type"]
        == "application/problem+json"
    )
    assert client.get("/api/workforce/queues").status_code == 401
    assert stored(db) == (0, 0)


def test_unknown_queue_is_404(client):
    for path in ("/api/workforce/queues/nope/kpis", "/api/workforce/queues/nope/plan"):
        r = client.get(path, auth=LEAD)
        assert r.status_code == 404 and "nope" in r.json()["detail"]


def test_bad_file_is_422_with_rows_and_stores_nothing(client, db):
    lines = CSV.decode().splitlines()
    lines[10] = lines[10].replace(",", ",-", 1)
    r = upload(client, data="\n".join(lines).encode())
    assert r.status_code == 422 and r.headers["content-type"] == "application/problem+json"
    assert r.json()["errors"][0]["row"] == 11 and "不是非负整数" in r.json()["errors"][0]["message"]
    assert upload(client, data=b"not,a,report\n1,2,3\n").status_code == 422
    assert upload(client, name="acd.pdf").status_code == 422
    assert stored(db) == (0, 0)
    assert upload(client).status_code == 201
    again = upload(client)
    assert again.status_code == 422 and "相同时段" in again.json()["detail"]
    assert stored(db) == (1, 21 * 48)


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"target_sl": 1.5}, "target_sl"),
        ({"shrinkage": -0.1}, "shrinkage"),
        ({"sl_definition": "whatever"}, "sl_definition"),
        ({"time_limit_s": 999}, "time_limit_s"),
    ],
)
def test_malformed_plan_options_are_422(client, params, field):
    upload(client)
    r = client.get("/api/workforce/queues/10086人工/plan", params=params, auth=LEAD)
    assert r.status_code == 422 and field in r.json()["detail"]


def test_oversized_upload_is_413(client, db):
    big = CSV + b"#" * (1024 * 1024)
    assert upload(client, data=big).status_code == 413
    assert stored(db) == (0, 0)


def test_erlang_endpoint_keeps_the_cli_contract(client):
    r = client.post(
        "/api/workforce/erlang", json={"calls": 100, "interval_s": 1800, "aht_s": 180}, auth=LEAD
    )
    assert (
        r.status_code == 200
        and r.json()["agents"] == 14
        and set(r.json()) >= {"agents", "service_level", "asa_s", "occupancy", "abandon"}
    )
    r = client.post(
        "/api/workforce/erlang",
        json={"calls": 100, "interval_s": 1800, "aht_s": 180, "patience_s": 120},
        auth=LEAD,
    )
    assert r.json()["model"] == "erlang_a" and r.json()["agents"] == 12
    bad = client.post(
        "/api/workforce/erlang", json={"calls": -1, "interval_s": 1800, "aht_s": 180}, auth=LEAD
    )
    assert bad.status_code == 422 and "calls" in bad.json()["detail"]
    assert (
        client.post(
            "/api/workforce/erlang",
            content=b"{not json",
            headers={"content-type": "application/json"},
            auth=LEAD,
        ).status_code
        == 422
    )


def login(client, role: str) -> None:
    r = client.post("/login", data={"username": role, "password": PASSWORD}, follow_redirects=False)
    assert r.status_code in (302, 303), r.text


def test_pages_show_heat_map_chart_and_simulation(client):
    upload(client)
    assert client.get("/workforce", follow_redirects=False).status_code == 303  # to /login
    login(client, "team_lead")
    index = client.get("/workforce")
    assert index.status_code == 200 and "10086人工" in index.text and 'id="upload"' in index.text
    page = client.get("/workforce/10086人工")
    assert (
        page.status_code == 200
        and 'id="heatmap"' in page.text
        and "hsl(" in page.text
        and "平衡度" in page.text
    )
    plan = client.get(
        "/workforce/10086人工/plan", params={"time_limit_s": 3, "held_back_weeks": 1, "day": 1}
    )
    assert plan.status_code == 200, plan.text
    for marker in (
        '<svg id="chart"',
        'id="under-over"',
        'id="simulation"',
        "服务水平定义",
        "WAPE",
        "差距从哪里来",
        "随机波动",
    ):
        assert marker in plan.text
    assert client.get("/workforce/nope").status_code == 404


def test_pages_are_for_team_leads(client):
    login(client, "agent")
    assert client.get("/workforce").status_code == 403
