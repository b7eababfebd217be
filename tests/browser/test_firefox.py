"""The workbench and the wall in real Firefox (headless, over WebDriver BiDi), as in Chromium."""

from __future__ import annotations

import json
import os
import shutil
import time
import urllib.parse
import urllib.request
from pathlib import Path

import pytest
from sqlalchemy import select

from moqi.assist.transcript import parse_transcript
from moqi.db import session_scope
from moqi.service.models import Contact
from moqi.web.auth import COOKIE
from tests.browser.conftest import ARTIFACTS, PASSWORD
from tests.browser.firefox_bidi import Firefox, Page, launch

FIREFOX = shutil.which("firefox-esr") or shutil.which("firefox")
CALL = Path(__file__).resolve().parents[2] / "examples" / "bill_overage.jsonl"

# Where a Chinese text's font comes from, measured in the page: the element's computed
# font-family list, the first family of it that is installed (a family is installed when
# text in it is not measured like the generic fallback alone), how wide Chinese characters
# are drawn in the element's font (CJK ideographs are one em each), and the text's own box.
FONT_PROBE = """(() => {
  const el = document.querySelector(SELECTOR);
  const style = getComputedStyle(el);
  const families = style.fontFamily.split(",").map((f) => f.trim().replace(/^["']|["']$/g, ""));
  const ctx = document.createElement("canvas").getContext("2d");
  const width = (font, text) => { ctx.font = `32px ${font}`; return ctx.measureText(text).width; };
  const probe = "moqi WQ 10086 mmmmllii 默契";
  const installed = (f) => ["monospace", "serif"].some((g) => width(`"${f}", ${g}`, probe) !== width(g, probe));
  const generic = ["serif", "sans-serif", "monospace", "cursive", "fantasy", "system-ui"];
  const range = document.createRange();
  range.selectNodeContents(el);
  const box = range.getBoundingClientRect();
  return {
    families,
    resolved: families.find((f) => !generic.includes(f) && installed(f)) || null,
    em: width(style.fontFamily, "默契坐席工作台") / (7 * 32),
    width: box.width, height: box.height, text: el.textContent,
  };
})()"""


@pytest.fixture(scope="module")
def firefox(tmp_path_factory):
    """Headless Firefox on a throwaway profile, for the whole module."""
    if FIREFOX is None:
        if os.environ.get("MOQI_REQUIRE_FIREFOX"):
            pytest.fail(
                "MOQI_REQUIRE_FIREFOX is set but Firefox is not installed (apt-get install firefox-esr)"
            )
        pytest.skip(
            "Firefox is not installed (apt-get install firefox-esr; MOQI_REQUIRE_FIREFOX=1 makes this a failure)"
        )
    with launch(FIREFOX, tmp_path_factory.mktemp("firefox-profile")) as browser:
        yield browser


def login(firefox: Firefox, base: str, username: str) -> Page:
    """A fresh tab with its own cookies, logged in through the login form."""
    page = firefox.new_page()
    page.goto(f"{base}/login")
    page.type("input[name=username]", username)
    page.type("input[name=password]", PASSWORD)
    page.click("button[type=submit]")
    # While the form's navigation commits, Firefox can answer from a transient about:blank
    # (pathname "blank"): wait for a page of the server itself.
    page.wait_for(
        "location.origin === "
        + json.dumps(base)
        + " && location.pathname !== '/login' && document.readyState === 'complete'"
    )
    return page


def post(base: str, path: str, token: str, body: dict) -> dict:
    request = urllib.request.Request(
        f"{base}{path}",
        data=json.dumps(body, ensure_ascii=False).encode(),
        method="POST",
        headers={"Content-Type": "application/json", "Cookie": f"{COOKIE}={token}"},
    )
    with urllib.request.urlopen(request, timeout=30) as response:
        return json.loads(response.read())


def assert_chinese_renders(page: Page, selector: str) -> None:
    font = page.evaluate(FONT_PROBE.replace("SELECTOR", json.dumps(selector)))
    assert font["resolved"], f"none of the fonts {font['families']} of {selector} is installed"
    assert font["width"] > 0 and font["height"] > 0, font
    assert abs(font["em"] - 1) < 0.1, (
        f"Chinese in {font['resolved']} is not drawn one em per character: {font}"
    )


def shot(page: Page, name: str) -> None:
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(ARTIFACTS / f"{name}.png")


def test_page_errors_are_collected(firefox):
    """The error check below can fail: uncaught errors, rejections and console.error are seen."""
    page = firefox.new_page()
    page.goto(
        "data:text/html;charset=utf-8,"
        + urllib.parse.quote(
            "<script>console.error('控制台错误'); setTimeout(() => { throw new Error('未捕获异常'); }); Promise.reject(new Error('未处理的拒绝'));</script>"
        )
    )
    deadline = time.monotonic() + 10
    while len(page.errors()) < 3 and time.monotonic() < deadline:
        page.evaluate("1")
        time.sleep(0.05)
    errors = "\n".join(page.errors())
    assert "控制台错误" in errors and "未捕获异常" in errors and "未处理的拒绝" in errors, errors


def test_agent_and_team_lead_in_firefox(firefox, server):
    base = server["url"]
    agent = login(firefox, base, "agent_li")
    assert agent.evaluate("location.pathname") == "/workbench"
    lead = login(firefox, base, "lead_wang")
    assert lead.evaluate("location.pathname") == "/wall"
    lead.wait_for("document.body.dataset.live === '1'")

    # The agent takes the call in the page; the lead's wall shows it at once.
    transcript = parse_transcript(CALL.read_bytes())
    assert agent.evaluate("getComputedStyle(document.getElementById('say-form')).display") == "none"
    agent.select("select[name=customer]", transcript.header["customer"])
    agent.select("select[name=channel]", "voice")
    agent.click("#open-form button[type=submit]")
    agent.wait_for("document.getElementById('workbench').dataset.live === '1'")
    contact_id = int(agent.evaluate("document.getElementById('workbench').dataset.contact"))
    assert agent.evaluate("location.pathname") == f"/workbench/{contact_id}"
    lead.wait_for(f"document.querySelector(\"tr[data-contact='{contact_id}']\")")

    # The call's utterances arrive through the API in the agent's session, as from an ASR.
    token = agent.cookie(COOKIE)
    assert token
    for speaker, text, ts in transcript.turns:
        post(
            base,
            f"/api/contacts/{contact_id}/utterances",
            token,
            {"speaker": speaker, "text": text, "ts": ts},
        )
    turns = len(transcript.turns)
    agent.wait_for(f"document.querySelectorAll('#transcript .utt').length === {turns}")

    # Keywords highlighted in place, the map drawn and clickable, scripts recommended.
    assert agent.count("#transcript mark.kw.anger") >= 1
    assert agent.count("#bizmap .node") >= 2
    assert agent.evaluate("document.querySelector('#bizmap .node circle').getBBox().width") > 0
    assert agent.count("#scripts li") == 3
    assert agent.count("#reasons li") == 3
    agent.click("#bizmap .node.main")
    agent.wait_for("document.querySelector('#biz-detail h3')")
    assert agent.count("#confirm-items li.checked") == 3

    # The wall shows the contact, its alert, and the lead's whisper reaches the agent.
    lead.wait_for("document.querySelector('#alerts li.fresh')")
    assert f"#{contact_id}" in lead.text("#alerts")
    assert lead.text(f"tr[data-contact='{contact_id}'] td.risk")
    lead.type(f"tr[data-contact='{contact_id}'] input", "先致歉，申请减免，不要争辩")
    lead.click(f"tr[data-contact='{contact_id}'] button")
    agent.wait_for("document.querySelector('#whispers .whisper')")
    assert "申请减免" in agent.text("#whispers")

    # Chinese renders in a CJK font, and the workbench fits a 1366×768 agent screen.
    assert_chinese_renders(agent, "#transcript .utt.customer")
    assert_chinese_renders(lead, "#wall-table tbody td.last")
    size = agent.evaluate(
        "[document.documentElement.scrollWidth, document.documentElement.scrollHeight, innerWidth, innerHeight]"
    )
    assert size[0] <= size[2] and size[1] <= size[3], f"workbench overflows the screen: {size}"
    shot(agent, "firefox-workbench")
    shot(lead, "firefox-wall")

    agent.select("select[name=result]", "resolved")
    agent.click("#wrapup-form button[type=submit]")
    agent.wait_for("document.querySelector('.saved')")
    with session_scope(server["factory"]) as s:
        contact = s.scalars(select(Contact).where(Contact.id == contact_id)).one()
        assert contact.status == "closed" and contact.result == "resolved"
        assert len(contact.utterances) == turns

    assert agent.errors() == [] and lead.errors() == [], agent.errors() + lead.errors()
