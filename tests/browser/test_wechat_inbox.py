"""A WeChat message posted with the test signature waits on the agent's workbench, the agent takes
it with 接入, lands on the live contact with the message assisted, and a later message follows."""

import os
import urllib.request

import pytest

from tests.channels.test_intake import SIGNED, text_xml

OPENID = "oBrowserTestOpenid000000001"


@pytest.fixture(scope="module")
def wechat_token():
    old = os.environ.get("MOQI_WECHAT_TOKEN")
    os.environ["MOQI_WECHAT_TOKEN"] = "test"
    yield
    if old is None:
        os.environ.pop("MOQI_WECHAT_TOKEN", None)
    else:
        os.environ["MOQI_WECHAT_TOKEN"] = old


@pytest.fixture(scope="module")
def server(wechat_token, server):
    """The shared `moqi serve`, started with MOQI_WECHAT_TOKEN=test."""
    return server


def _post(server, xml: str) -> str:
    query = "&".join(f"{k}={v}" for k, v in SIGNED.items())
    request = urllib.request.Request(
        f"{server['url']}/channels/wechat?{query}",
        data=xml.encode("utf-8"),
        headers={"Content-Type": "text/xml"},
        method="POST",
    )
    with urllib.request.urlopen(request, timeout=10) as r:
        return r.read().decode()


def test_a_wechat_message_is_taken_from_the_workbench_and_followed(server, login, shot):
    agent = login("agent_li")
    for _ in range(3):  # WeChat's retries: one conversation, one message
        assert (
            _post(server, text_xml("查一下我的流量还剩多少", "990001", openid=OPENID)) == "success"
        )
    agent.wait_for_selector("#wechat-inbox li button", timeout=15000)
    assert agent.locator("#wechat-inbox li").count() == 1
    assert "（1 条）" in agent.inner_text("#wechat-inbox")
    shot(agent, "wechat-inbox")
    with agent.expect_navigation():
        agent.click("#wechat-inbox li button")
    assert "/workbench/" in agent.url
    agent.wait_for_selector("#workbench[data-live='1']")
    agent.wait_for_selector("#transcript >> text=查一下我的流量还剩多少")

    assert _post(server, text_xml("流量包怎么办理", "990002", openid=OPENID)) == "success"
    agent.wait_for_selector("#transcript >> text=流量包怎么办理", timeout=15000)
    assert agent.locator("#transcript >> text=查一下我的流量还剩多少").count() == 1
