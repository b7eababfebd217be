"""Searches, clicks and uses feed hot topics and gaps; logged searches mask personal data."""

from tests.conftest import PASSWORD
from tests.web.knowledge.conftest import AGENT, LEAD


def test_clicks_uses_and_hot_topics(client):
    search = client.get("/api/knowledge/search", params={"q": "出国漫游怎么开"}, auth=AGENT).json()
    assert search["search_id"] and search["hits"]
    hit = search["hits"][0]["id"]
    assert (
        client.post(
            f"/api/knowledge/searches/{search['search_id']}/click", json={"item": hit}, auth=AGENT
        ).status_code
        == 204
    )
    # Someone else's search, or an item that does not exist, is refused.
    assert (
        client.post(
            f"/api/knowledge/searches/{search['search_id']}/click",
            json={"item": hit},
            auth=("agent2", PASSWORD),
        ).status_code
        == 404
    )
    assert (
        client.post("/api/knowledge/uses", json={"item": "script:NOPE"}, auth=AGENT).status_code
        == 404
    )
    client.get("/api/knowledge/search", params={"q": "卫星电话套餐"}, auth=AGENT)
    client.get("/api/knowledge/search", params={"q": "卫星电话套餐"}, auth=("agent2", PASSWORD))
    assert (
        client.post(
            "/api/knowledge/uses", json={"item": "script:S0001", "action": "copy"}, auth=AGENT
        ).status_code
        == 204
    )
    hot = client.get("/api/knowledge/hot", auth=LEAD).json()
    assert hot["searched"][0] == {"query": "卫星电话套餐", "count": 2, "clicked": 0}
    assert "卫星电话套餐" in [g["query"] for g in hot["gaps"]]
    assert "出国漫游怎么开" not in [g["query"] for g in hot["gaps"]]
    assert {u["item"] for u in hot["used"]} == {hit, "script:S0001"}


def test_searches_mask_personal_data(client, db):
    client.get("/api/knowledge/search", params={"q": "13812345678 停机了"}, auth=AGENT)
    hot = client.get("/api/knowledge/hot", auth=AGENT).json()
    # The search is there (so its absence below is not for want of a log), masked.
    assert [s["query"] for s in hot["searched"]] == ["138****5678 停机了"]
    assert "13812345678" not in str(hot)
