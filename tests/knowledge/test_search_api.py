"""GET /api/knowledge/search: filters, snippets and did-you-mean over HTTP, bad filters as problem+json."""

import pytest
from fastapi.testclient import TestClient

from moqi.accounts.services import add_user
from moqi.app import create_app
from moqi.db import session_scope

AGENT = ("agent", "correct-horse-1")


@pytest.fixture
def client(loaded_db, db_url):
    with session_scope(loaded_db) as s:
        add_user(s, *AGENT, "agent")
    with TestClient(create_app(db_url)) as c:
        yield c


def search(client, **params):
    return client.get("/api/knowledge/search", params=params, auth=AGENT)


def test_hits_keep_their_keys_and_gain_a_snippet(client):
    r = search(client, q="出国漫游怎么收费", k=5)
    assert r.status_code == 200, r.text
    body = r.json()
    assert (
        body["query"] == "出国漫游怎么收费"
        and body["did_you_mean"] is None
        and body["corrected"] is False
    )
    for hit in body["hits"]:
        assert {"id", "kind", "title", "text", "score", "highlights", "snippet"} <= set(hit)
        sn = hit["snippet"]
        assert (
            hit["text"][sn["start"] : sn["start"] + len(sn["text"])].replace("\n", " ")
            == sn["text"]
        )
        for start, end in sn["highlights"]:
            assert [sn["start"] + start, sn["start"] + end] in hit["highlights"]


def test_filters(client):
    hits = search(client, q="漫游", kind="script", brand="全球通", k=50).json()["hits"]
    assert hits and all(h["kind"] == "script" for h in hits)
    assert not any("动感地带" in h["title"] for h in hits)
    dated = search(
        client, q="漫游", kind="article", valid_on="2026-03-01", business="intl_roaming"
    ).json()["hits"]
    assert dated and all(h["kind"] == "article" for h in dated)


def ids(client, **params) -> set[str]:
    r = search(client, **params)
    assert r.status_code == 200, r.text
    return {h["id"] for h in r.json()["hits"]}


BEIJING = "article:beijing-broadband-summer-2026"  # regions: 北京
GUANGDONG = "article:guangdong-year-end-upgrade-2026"  # regions: 广东


def test_region_keeps_that_region_and_drops_the_others(client):
    query = {"q": "宽带提速活动", "kind": "article", "k": 10}
    assert {BEIJING, GUANGDONG} <= ids(client, **query)  # both match the query unfiltered
    beijing = ids(client, **query, region="北京")
    assert BEIJING in beijing and GUANGDONG not in beijing
    guangdong = ids(client, **query, region="广东")
    assert GUANGDONG in guangdong and BEIJING not in guangdong
    # Items for every region (no region set) pass any region.
    assert "article:gigabit-upgrade-requirements" in beijing & guangdong


SPRING = "article:spring-festival-roaming-2026"  # valid 2026-01-10 .. 2026-03-05
SUMMER = "article:summer-booster-2026"  # valid 2026-07-01 .. 2026-08-31
OPEN = "article:roaming-before-travel"  # valid 2026-01-01 .. 2027-06-30


def test_valid_on_keeps_only_items_valid_that_day(client):
    query = {"q": "春节出境流量包", "kind": "article", "k": 10}
    assert {SPRING, SUMMER, OPEN} <= ids(client, **query)  # all match the query unfiltered
    february = ids(client, **query, valid_on="2026-02-01")
    assert SPRING in february and OPEN in february and SUMMER not in february
    april = ids(client, **query, valid_on="2026-04-01")
    assert OPEN in april and SPRING not in april and SUMMER not in april


def test_pinyin_falls_back_to_its_suggestion(client):
    body = search(client, q="guojimanyou").json()
    assert body["did_you_mean"] == "国际漫游" and body["corrected"] is True and body["hits"]


def test_a_typo_is_offered_a_correction(client):
    body = search(client, q="流两包").json()
    assert body["did_you_mean"] == "流量包" and body["corrected"] is False


@pytest.mark.parametrize(
    ("params", "message"),
    [
        ({"q": "漫游", "business": "no_such"}, "未知业务"),
        ({"q": "漫游", "valid_on": "2026-13-01"}, "valid_on"),
        ({"q": "漫游", "kind": "poem"}, "kind"),
    ],
)
def test_bad_filters_are_problems(client, params, message):
    r = search(client, **params)
    assert r.status_code == 422
    assert r.headers["content-type"].startswith("application/problem+json")
    assert message in r.json()["detail"]
