"""An agent works a simulated call in the browser; the team lead sees the alert and whispers."""

import subprocess
import sys
from pathlib import Path

from sqlalchemy import select

from moqi.db import session_scope
from moqi.service.models import Contact

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"


def test_agent_and_team_lead_work_a_live_call(server, login, shot):
    agent = login("agent_li")
    assert agent.url.endswith("/workbench")
    lead = login("lead_wang")
    assert lead.url.endswith("/wall")
    lead.wait_for_selector("body[data-live='1']")

    # The simulator opens the contact for agent_li and replays the call fast.
    sim = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "moqi",
            "simulate",
            str(EXAMPLES / "bill_overage.jsonl"),
            "--speed",
            "40",
            "--agent",
            "agent_li",
            "--url",
            server["url"],
        ],
        env=server["env"],
        stdout=subprocess.PIPE,
        text=True,
    )
    first = sim.stdout.readline()
    assert "is live" in first, first
    contact_id = int(first.split("#")[1].split()[0])
    # The plain workbench shows the new contact without a reload.
    agent.wait_for_selector(f"#my-contacts a[href='/workbench/{contact_id}']", timeout=15000)
    agent.goto(f"{server['url']}/workbench/{contact_id}")
    agent.wait_for_selector("#workbench[data-live='1']")

    # The team lead sees the contact cross the risk threshold and whispers to the agent.
    lead.wait_for_selector("#alerts li.fresh", timeout=30000)
    assert f"#{contact_id}" in lead.inner_text("#alerts")
    row = lead.locator(f"tr[data-contact='{contact_id}']")
    row.locator("input").fill("先致歉，申请减免，不要争辩")
    row.locator("button").click()
    shot(lead, "wall")

    assert sim.wait(timeout=60) == 0
    sim.stdout.close()
    agent.wait_for_selector("#whispers .whisper")
    assert "申请减免" in agent.inner_text("#whispers")

    # Keywords highlighted in place, the map drawn, scripts recommended.
    assert agent.locator("mark.kw.anger").count() >= 1
    assert agent.locator("#bizmap .node").count() >= 2
    # each business once on the map, and its whole name (on two lines where it is long)
    codes = agent.eval_on_selector_all("#bizmap .node", "ns => ns.map(n => n.dataset.code)")
    assert len(codes) == len(set(codes))
    names = agent.eval_on_selector_all(
        "#bizmap .node",
        "ns => ns.map(n => [n.querySelector('title').textContent, "
        "[...n.querySelectorAll('text')].map(t => t.textContent).join('')])",
    )
    assert all(full == shown for full, shown in names) and "…" not in str(names)
    assert agent.locator("#scripts li").count() == 3
    assert agent.locator("#reasons li").count() == 3
    agent.locator("#bizmap .node.main").click()
    agent.wait_for_selector("#biz-detail h3")
    # The customer agreed to the read-back in the call ("嗯对没问题"): the checklist is ticked.
    assert agent.locator("#confirm-items li.checked").count() == 3
    shot(agent, "workbench")

    agent.select_option("select[name=result]", "resolved")
    agent.fill("textarea[name=notes]", "超出流量费减免一半，已办流量月包")
    agent.click("#wrapup-form button[type=submit]")
    agent.wait_for_selector(".saved")

    with session_scope(server["factory"]) as s:
        contact = s.scalars(select(Contact).where(Contact.id == contact_id)).one()
        assert (
            contact.status == "closed"
            and contact.result == "resolved"
            and len(contact.utterances) == 25
        )


def test_chat_agent_types_and_cannot_close_unconfirmed(server, login):
    agent = login("agent_li")
    assert agent.url.endswith("/workbench")
    agent.select_option("select[name=customer]", "C1006")
    agent.select_option("select[name=channel]", "wechat")
    agent.click("#open-form button[type=submit]")
    agent.wait_for_selector("#workbench[data-live='1']")
    agent.fill("#search-form input", "密码忘了怎么办")
    agent.click("#search-form button")
    agent.wait_for_selector("#search-results li.hit mark")
    say = agent.locator("#say-form")
    say.locator("select").select_option("customer")
    say.locator("input").fill("我的服務密碼被鎖住了，急死了")
    say.locator("button").click()
    agent.wait_for_selector("mark.kw.anxiety")
    say.locator("select").select_option("agent")
    say.locator("input").fill("已经为您重置成功了")
    say.locator("button").click()
    agent.wait_for_selector("#confirm-panel:not([hidden])")
    agent.click("#wrapup-form button[type=submit]")
    agent.wait_for_selector("#wrapup-error:not([hidden])")
    assert "not confirmed" in agent.inner_text("#wrapup-error")
    agent.click("#confirm-yes")
    agent.wait_for_selector("#confirm-items li.checked")
    agent.click("#wrapup-form button[type=submit]")
    agent.wait_for_selector(".saved")


def test_a_figure_only_the_agent_knows_is_a_field_filled_before_copying(server, login):
    agent = login("agent_li")
    agent.select_option("select[name=channel]", "wechat")
    agent.click("#open-form button[type=submit]")
    agent.wait_for_selector("#workbench[data-live='1']")
    say = agent.locator("#say-form")
    for speaker, text in [
        # How long a refund takes to reach the customer's account is the agent's to say (the
        # desk's own time limits, such as 4个工作日内给您答复, are filled in: test_promises.py).
        ("customer", "上个月说好的退款到现在还没到账，你们怎么回事"),
        ("agent", "非常抱歉，我帮您查一下退款进度，马上帮您催办"),
        ("customer", "好吧，那就这样吧"),
    ]:
        said = agent.locator("#transcript .utt").count()
        say.locator("select").select_option(speaker)
        say.locator("input").fill(text)
        say.locator("button").click()
        agent.wait_for_function(
            "n => document.querySelectorAll('#transcript .utt').length > n", arg=said
        )
    line = agent.locator("#scripts li", has=agent.locator("input.slot")).first
    line.wait_for()
    assert "〔" not in line.locator("p").inner_text()
    copy = line.locator("button.copy")
    copy.click()
    assert copy.inner_text() == "请先填写空格"
    line.locator("input.slot").first.fill("3")
    copy.click()
    assert copy.inner_text() == "已使用"
