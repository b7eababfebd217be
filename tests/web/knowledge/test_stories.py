"""Success stories: shared, rated by colleagues, promoted by editors to a script proposal."""

from tests.conftest import PASSWORD
from tests.web.knowledge.conftest import AGENT, EDITOR, LEAD


def test_stories_are_rated_and_promoted_to_a_script_proposal(client):
    story = {
        "title": "欠费停机老人着急",
        "situation": "老人手机欠费停机，联系不上子女，情绪很急。",
        "what_worked": "先安抚，再帮老人开通信用额度临时复机，并设置家人代缴提醒。",
        "reason": "suspend_resume",
    }
    r = client.post("/api/knowledge/stories", json=story, auth=AGENT)
    assert r.status_code == 201
    sid = r.json()["id"]
    assert (
        client.post(
            f"/api/knowledge/stories/{sid}/ratings", json={"stars": 5}, auth=AGENT
        ).status_code
        == 403
    )  # own story
    assert (
        client.post(
            f"/api/knowledge/stories/{sid}/ratings", json={"stars": 6}, auth=LEAD
        ).status_code
        == 422
    )
    assert (
        client.post(
            f"/api/knowledge/stories/{sid}/ratings", json={"stars": 5}, auth=LEAD
        ).status_code
        == 204
    )
    assert (
        client.post(
            f"/api/knowledge/stories/{sid}/ratings", json={"stars": 4}, auth=("agent2", PASSWORD)
        ).status_code
        == 204
    )
    listed = client.get("/api/knowledge/stories", auth=AGENT).json()
    assert listed[0]["id"] == sid and listed[0]["ratings"] == 2 and listed[0]["average"] == 4.5
    promote = {
        "script_id": "S9100",
        "kind": "reassurance",
        "text": "阿姨您别着急，我先帮您临时恢复通话，再给家里人设个代缴提醒。",
    }
    assert (
        client.post(f"/api/knowledge/stories/{sid}/promote", json=promote, auth=AGENT).status_code
        == 403
    )
    r = client.post(f"/api/knowledge/stories/{sid}/promote", json=promote, auth=EDITOR)
    assert (
        r.status_code == 201
        and r.json()["source"] == "story"
        and r.json()["body"]["reason"] == "suspend_resume"
    )
    assert (
        client.post(f"/api/knowledge/stories/{sid}/promote", json=promote, auth=EDITOR).status_code
        == 409
    )
    bad = {**story, "reason": "no_such_reason"}
    assert client.post("/api/knowledge/stories", json=bad, auth=AGENT).status_code == 422
    assert (
        client.post(
            "/api/knowledge/stories", json={**story, "contact_id": 99999}, auth=AGENT
        ).status_code
        == 404
    )
