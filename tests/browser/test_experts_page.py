"""The virtual expert centre in a real browser: an agent on a live call asks the roaming desk,
the expert on duty answers on /experts and proposes the answer to the knowledge base, and the
answer appears on the agent's workbench without a reload."""

from __future__ import annotations

from datetime import UTC, datetime

from playwright.sync_api import expect

from moqi.accounts.services import add_user
from moqi.db import session_scope
from moqi.service import clocks
from moqi.service.experts import services as experts
from tests.browser.conftest import PASSWORD


def _expert_on_duty(server) -> None:
    with session_scope(server["factory"]) as s:
        clocks.import_shipped(s, now=datetime.now(UTC))
        experts.load_departments(s)
        add_user(s, "expert_qian", PASSWORD, "expert", "钱专家")
        # The roaming desk works round the clock, so the expert is on duty whenever this runs.
        experts.set_expert(s, "expert_qian", "intl_business", ["境外网络与运营商选网"])
        experts.set_duty(s, "expert_qian", True)


def test_agent_asks_expert_answers_workbench_shows_it(server, login, shot):
    _expert_on_duty(server)
    url = server["url"]
    agent = login("agent_li")
    contact = agent.request.post(f"{url}/api/contacts", data={"customer": "C1002"}).json()
    cid = contact["contact_id"]
    said = agent.request.post(
        f"{url}/api/contacts/{cid}/utterances",
        data={"speaker": "customer", "text": "我在泰国开了国际漫游，可手机一直上不了网"},
    )
    assert said.ok, said.text()
    agent.goto(f"{url}/workbench/{cid}")
    # The consult panel offers the business the call has named, preselected.
    expect(agent.locator("#consult-panel")).to_be_visible()
    expect(agent.locator("#consult-business")).to_have_value("intl_roaming")

    asked = agent.request.post(
        f"{url}/api/consultations",
        data={
            "question": "客户在泰国已开漫游，重启后仍无法上网，号码13812345678",
            "business": "intl_roaming",
            "contact_id": cid,
        },
    )
    assert asked.status == 201, asked.text()
    consultation = asked.json()
    assert consultation["expert"] == "expert_qian"
    thread = agent.locator(f"#consult-threads li[data-id='{consultation['id']}']")
    expect(thread).to_contain_text("待答复")
    expect(thread).to_contain_text("138****5678")

    expert = login("expert_qian")
    expert.goto(f"{url}/experts")
    expect(expert.locator("#duty-state")).to_have_text("在岗")
    row = expert.locator(f"#queue tr[data-id='{consultation['id']}']")
    expect(row).to_contain_text("泰国已开漫游")
    expect(row).to_contain_text("剩")
    with expert.expect_navigation():
        row.locator("a").click()
    expert.fill(
        "#answer-form textarea[name=body]",
        "请客户进入设置手动选择当地运营商网络（如AIS），并确认数据漫游已打开",
    )
    with expert.expect_navigation():
        expert.click("#answer-form button[type=submit]")
    expect(expert.locator("#thread p[data-role=expert]")).to_contain_text("手动选择当地运营商")
    shot(expert, "experts-answer")
    with expert.expect_navigation():
        expert.click("#propose")
    expect(expert.locator("#proposed")).to_contain_text("已提交到知识库审核")

    answer = agent.request.get(f"{url}/api/consultations/{consultation['id']}").json()
    assert answer["status"] == "answered" and answer["proposal_id"]
    assert answer["messages"][-1]["author"] == "expert_qian"
    # The workbench polls: the answer shows without a reload.
    expect(thread.locator("p.answer")).to_contain_text("手动选择当地运营商", timeout=15000)
    expect(thread).to_contain_text("已提交知识库审核")
    thread.scroll_into_view_if_needed()
    shot(agent, "workbench-consult")


def test_admin_places_an_expert_from_the_roster(server, login):
    with session_scope(server["factory"]) as s:
        clocks.import_shipped(s, now=datetime.now(UTC))
        experts.load_departments(s)
        add_user(s, "admin_zhou", PASSWORD, "admin", "周管理员")
        add_user(s, "expert_sun", PASSWORD, "expert", "孙专家")
    admin = login("admin_zhou")
    admin.goto(f"{server['url']}/experts")
    row = admin.locator("#roster tr", has_text="expert_sun")
    expect(row).to_contain_text("未指定部门")
    row.locator("select[name=department]").select_option("broadband_support")
    row.locator("input[name=skills]").fill("光猫与路由器配置，不存在的专长")
    row.locator("button").click()
    expect(admin.locator("#roster-status")).to_contain_text("不存在的专长")
    row.locator("input[name=skills]").fill("光猫与路由器配置")
    with admin.expect_navigation():
        row.locator("button").click()
    row = admin.locator("#roster tr", has_text="expert_sun")
    expect(row).to_contain_text("离岗")
    expect(row.locator("input[name=skills]")).to_have_value("光猫与路由器配置")
    expert = login("expert_sun")
    expert.goto(f"{server['url']}/experts")
    expect(expert.locator("#duty-panel")).to_contain_text("家庭宽带支撑中心")
