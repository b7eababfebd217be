"""A team lead opens the demo panel's wave comparison and the journey ranking from /insight,
splits the ranking by brand, and a service manager answers a call-back."""

from moqi.cli.common import now
from moqi.db import session_scope
from moqi.insight import panel_work
from moqi.service import demo_history


def test_team_lead_reads_the_panel_and_the_journey_ranking(server, login, shot):
    with session_scope(server["factory"]) as s:
        demo_history.generate(s, now=now(), link_base=server["url"])

    lead = login("lead_wang")
    lead.goto(f"{server['url']}/insight")
    with lead.expect_navigation():
        lead.click("text=固定客户跟踪测评")
    lead.wait_for_selector("svg.waves")
    assert lead.locator("svg.waves rect").count() > 12  # six questions × two waves, and keys
    text = lead.inner_text("#report")
    assert "第 1 波 → 第 2 波" in text and "自述“与上次相比有改善”" in text
    shot(lead, "panel-waves")

    with lead.expect_navigation():
        lead.click("text=客户旅程调研")
    lead.wait_for_selector("svg.ipa")
    assert lead.locator("svg.ipa circle").count() == 48
    assert lead.locator("table.ranking tr.core").count() >= 1
    shot(lead, "journey-ranking")
    lead.select_option("select[name=by]", "brand")
    with lead.expect_navigation():
        lead.click("form.filters button")
    assert "全球通 ·" in lead.inner_text("body") and "神州行 ·" in lead.inner_text("body")


def test_a_manager_answers_a_call_back(server, login):
    with session_scope(server["factory"]) as s:
        panel = panel_work.create_panel(
            s, name="浏览器测试", segment={}, size=1, seed=3, stratify=False, now=now(), by="t"
        )
        wave = panel_work.plan_wave(s, panel.id, planned_at=now())
        panel_work.start_wave(s, wave.id, owners=["agent_li"], now=now())
    agent = login("agent_li")
    agent.goto(f"{server['url']}/insight/panel/tasks")
    form = agent.locator("form.task").first
    form.locator("select[name=overall]").select_option("4")
    form.locator("select[name=improved]").select_option("yes")
    with agent.expect_navigation():
        form.locator("button", has_text="保存答案").click()
    assert "已记录" in agent.inner_text("body")
    with session_scope(server["factory"]) as s:
        done = panel_work.tasks(s, owner="agent_li", status="answered")
    assert done and done[0]["answers"] == {"overall": 4, "improved": "yes"}
