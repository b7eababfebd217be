"""The customer portal on a phone (390×844): a customer opens the home page and an answer,
signs in with the code the outbox holds (what their phone would show), runs 一键检测, sees
their findings and opens the web chat; the agent on duty gets the chat with the findings."""

import re

from sqlalchemy import select

from moqi.db import session_scope
from moqi.service.outbox.models import OutboxMessage
from tests.browser.test_webchat import _all_skills

PHONE = (390, 844)


def _texted_code(server, customer_id: str) -> str:
    with session_scope(server["factory"]) as s:
        body = s.scalar(
            select(OutboxMessage.body)
            .where(OutboxMessage.kind == "verify_code", OutboxMessage.customer_id == customer_id)
            .order_by(OutboxMessage.id.desc())
            .limit(1)
        )
    assert body, "no sign-in code in the outbox"
    return re.match(r"\d{6}", body).group(0)


def test_a_customer_signs_in_checks_their_account_and_chats_with_the_findings(
    server, browser, login, shot
):
    _all_skills(server, "agent_li")
    agent = login("agent_li")
    agent.wait_for_selector("#presence")
    agent.select_option("#presence", "available")
    agent.wait_for_selector("#presence-note >> text=会话 0/3")

    context = browser.new_context(
        viewport={"width": PHONE[0], "height": PHONE[1]},
        locale="zh-CN",
        is_mobile=True,
        has_touch=True,
    )
    try:
        page = context.new_page()
        page.goto(f"{server['url']}/portal")
        page.wait_for_selector("#categories >> text=国际漫游")
        assert page.locator("#hot-roaming li a").count() >= 1
        # Made for the phone: nothing wider than the screen, tap targets a finger can hit.
        assert page.evaluate("document.documentElement.scrollWidth") <= PHONE[0]
        box = page.locator("#categories a").first.bounding_box()
        assert box["height"] >= 44 and box["width"] >= 44
        shot(page, "portal-home")

        question = page.locator("#hot-roaming li a").first
        asked = question.inner_text()
        with page.expect_navigation():
            question.click()
        page.wait_for_selector("#answer h1")
        assert page.inner_text("#answer h1") == asked

        with page.expect_navigation():
            page.click("#sign-in")
        page.fill(
            "input[name=phone]", "１３８ ００００ １００２"
        )  # full-width, as some keyboards type
        with page.expect_navigation():
            page.click("#code-form button")
        page.wait_for_selector("#sent")
        page.fill("input[name=code]", _texted_code(server, "C1002"))
        with page.expect_navigation():
            page.click("#login-form button")
        assert page.url.endswith("/portal/checkup")
        page.wait_for_selector("[data-code=roaming_not_enabled]")
        assert "日本东京" in page.inner_text("#findings")
        shot(page, "portal-checkup")

        finding = page.locator("[data-code=roaming_not_enabled]")
        with page.expect_navigation():
            finding.locator("button >> text=联系在线客服").click()
        assert page.url.endswith("/portal/chat")
        page.wait_for_selector(".log >> text=一键检测", timeout=15000)  # the widget opened itself
        shot(page, "portal-chat")

        # The agent gets the chat for the customer, and the findings are its first message.
        agent.wait_for_selector("#assigned li a", timeout=15000)
        assert "C1002" in agent.inner_text("#assigned")
        with agent.expect_navigation():
            agent.click("#assigned li a")
        agent.wait_for_selector("#workbench[data-live='1']")
        agent.wait_for_selector("#transcript >> text=一键检测", timeout=15000)
        assert "日本东京" in agent.inner_text("#transcript")
        shot(agent, "portal-agent")
        agent.fill(
            "#say-form input[name=text]", "陈女士您好，看到您明天去东京，我帮您开通国际漫游。"
        )
        agent.press("#say-form input[name=text]", "Enter")
        page.wait_for_selector(".msg.agent >> text=我帮您开通国际漫游", timeout=15000)
    finally:
        context.close()
