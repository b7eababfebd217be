"""The service desk in a real browser: an agent opens a ticket for a demo customer, replies and
resolves it; the customer answers "not solved" on the tracking page (no login); the owner finds
the callback on the ticket and closes it with the customer's word."""

from playwright.sync_api import expect


def test_ticket_page_and_tracking_page(server, login, browser, shot):
    agent = login("agent_li")
    agent.goto(f"{server['url']}/tickets")
    form = agent.locator("form[data-api='/api/tickets']")
    form.locator("select[name=kind]").select_option("complaint")
    form.locator("input[name=customer]").fill("C1001")
    form.locator("input[name=title]").fill("国际漫游流量包扣费有误")
    form.locator("textarea[name=description]").fill("客户称已订 30 元包，仍按标准资费扣了 86 元")
    with agent.expect_navigation():
        form.locator("button").click()
    expect(agent.locator("h1")).to_contain_text("国际漫游流量包扣费有误")
    expect(agent.locator("#clocks .clock").first).to_contain_text("首次响应")
    expect(agent.locator("#owner")).to_have_text("agent_li")

    reply = agent.locator("form[data-api$='/replies']")
    reply.locator("textarea").fill("您好，已为您提交退费核查，预计 1 个工作日内处理完毕")
    with agent.expect_navigation():
        reply.locator("button").click()
    expect(agent.locator("#history")).to_contain_text("已为您提交退费核查")
    expect(agent.locator("#clocks")).to_contain_text("进展告知")

    resolve = agent.locator("#resolve")
    resolve.locator("select[name=code]").select_option("refunded")
    resolve.locator("textarea[name=resolution]").fill("已退还 56 元差价")
    with agent.expect_navigation():
        resolve.locator("button").click()
    expect(agent.locator("#status")).to_have_text("待客户确认")
    expect(agent.locator("#surveys")).to_contain_text("待答复")
    shot(agent, "ticket-resolved")
    link = agent.locator("#tracking").get_attribute("href")
    path = link.split("/t/", 1)[1]

    customer = browser.new_context(viewport={"width": 390, "height": 844}, locale="zh-CN")
    try:
        page = customer.new_page()
        page.goto(f"{server['url']}/t/{path}")
        expect(page.locator("#title")).to_contain_text("国际漫游流量包扣费有误")
        expect(page.locator("#messages")).to_contain_text("已为您提交退费核查")
        expect(page.locator("body")).not_to_contain_text("agent_li")
        page.check("input[name=solved][value=no]")
        page.check("input[name=score][value='2']")
        page.fill("textarea[name=comment]", "钱还没到账")
        with page.expect_navigation():
            page.click("#survey button")
        expect(page.locator(".ok")).to_contain_text("感谢")
        expect(page.locator("#status")).to_have_text("处理中")
        expect(page.locator("body")).not_to_contain_text("agent_li")
        shot(page, "tracking-page")
    finally:
        customer.close()

    agent.reload()
    expect(agent.locator("#status")).to_have_text("处理中")
    done = agent.locator("#callbacks form")
    expect(done).to_be_visible()
    done.locator("select[name=outcome]").select_option("solved")
    done.locator("input[name=notes]").fill("客户确认已到账")
    with agent.expect_navigation():
        done.locator("button").click()
    expect(agent.locator("#status")).to_have_text("已关闭")
    agent.goto(f"{server['url']}/tickets?queue=mine&status=closed")
    expect(agent.locator("#queue")).to_contain_text("国际漫游流量包扣费有误")


def test_sla_alerts_reach_the_owners_workbench_and_the_leads_wall(server, login):
    from datetime import UTC, datetime, timedelta

    from moqi.db import session_scope
    from moqi.service import sweep, tickets

    long_ago = datetime.now(UTC) - timedelta(days=2)
    with session_scope(server["factory"]) as s:
        t = tickets.create(
            s,
            kind="complaint",
            priority="urgent",
            title="扬言向工信部申诉的携转投诉",
            owner="agent_li",
            team="default",
            now=long_ago,
        )
        tid = t.id
    with session_scope(server["factory"]) as s:
        assert sweep.sweep(s, now=datetime.now(UTC), link_base=server["url"])["breaches"] >= 1

    agent = login("agent_li")
    agent.goto(f"{server['url']}/workbench")
    expect(agent.locator("#desk-alerts")).to_contain_text("扬言向工信部申诉的携转投诉")
    expect(agent.locator("#desk-alerts li.breach").first).to_contain_text("超时")
    lead = login("lead_wang")
    lead.goto(f"{server['url']}/wall")
    expect(lead.locator("#desk-alerts")).to_contain_text(f"#{tid}")
    lead.goto(f"{server['url']}/tickets?queue=breaching")
    expect(lead.locator("#queue")).to_contain_text("扬言向工信部申诉的携转投诉")
    expect(lead.locator("#queue .clock.breached").first).to_be_visible()
