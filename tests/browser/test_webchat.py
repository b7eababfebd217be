"""The newcomer's chat, in two browsers: a customer on the operator's site (a phone-sized
window) opens the widget and writes; the agent, available on the workbench, is told at once,
opens the chat with the message assisted, replies, and wraps up; the customer sees the reply
and the agent typing, and rates the chat."""

from moqi.channels import presence
from moqi.channels import rules as routing_rules
from moqi.db import session_scope
from moqi.web.clock import now


def _all_skills(server, username: str) -> None:
    with session_scope(server["factory"]) as s:
        current = routing_rules.current(s)
        skills = {code: 3 for code in current.codes}
        presence.set_routing(s, username, skills=skills, max_chats=3, rules=current, now=now())


def test_a_customer_chats_in_the_widget_and_an_agent_answers(server, browser, login, shot):
    _all_skills(server, "agent_li")
    agent = login("agent_li")
    agent.wait_for_selector("#presence")
    agent.select_option("#presence", "available")
    agent.wait_for_selector("#presence-note >> text=会话 0/3")

    customer_context = browser.new_context(
        viewport={"width": 390, "height": 844}, locale="zh-CN", is_mobile=True, has_touch=True
    )
    try:
        customer = customer_context.new_page()
        customer.goto(f"{server['url']}/chat")
        customer.click("button.open")  # Playwright's CSS reaches into the widget's shadow root
        customer.wait_for_selector(".status >> text=请问有什么可以帮您")
        customer.fill(".say input", "你好，我下周去日本出差，手机要怎么开国际漫游？")
        customer.press(".say input", "Enter")

        agent.wait_for_selector("#assigned li a", timeout=15000)
        assert "国际漫游" in agent.inner_text("#assigned")
        shot(agent, "webchat-assigned")
        with agent.expect_navigation():
            agent.click("#assigned li a")
        agent.wait_for_selector("#workbench[data-live='1']")
        agent.wait_for_selector("#transcript >> text=日本出差")
        customer.wait_for_selector(".log >> text=客服已接入")
        assert agent.is_hidden(
            "#say-form select[name=speaker]"
        )  # a chat: replies go to the customer

        agent.fill("#say-form input[name=text]", "您好，出境前开通国际及港澳台漫游就可以，")
        customer.wait_for_selector(".typing >> text=客服正在输入", timeout=10000)
        agent.fill(
            "#say-form input[name=text]", "您好，出境前开通国际及港澳台漫游就可以，我现在帮您开通。"
        )
        agent.press("#say-form input[name=text]", "Enter")
        customer.wait_for_selector(".msg.agent >> text=我现在帮您开通", timeout=10000)
        shot(customer, "webchat-customer")

        agent.select_option("#wrapup-reason", "roaming_activation")
        agent.click("#wrapup-form button[type=submit]")
        customer.wait_for_selector(".rate:not([hidden])", timeout=10000)
        customer.click(".stars button[data-score='5']")
        customer.click(".rate button:not([data-score])")
        customer.wait_for_selector(".log >> text=感谢您的评价")
    finally:
        customer_context.close()
