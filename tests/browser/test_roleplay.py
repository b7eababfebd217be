"""Role-play in a real browser: an agent picks the data-overage scenario, answers the simulated
customer line by line (the mood indicator follows), and the call ends with the score card and
its evidence; the team lead sees the session on the team page."""

from __future__ import annotations

from playwright.sync_api import expect

from tests.training.roleplay.conftest import GOOD_OVERAGE


def test_one_role_play_from_the_scenario_list_to_the_score_card(server, login, shot):
    url = server["url"]
    agent = login("agent_li")
    agent.goto(f"{url}/training/roleplay")
    expect(agent.locator("#scenarios")).to_contain_text("流量超套扣费投诉")
    agent.click("button.start[data-key='data_overage_complaint']")
    agent.wait_for_url("**/training/roleplay/*")
    expect(agent.locator("#transcript p.customer")).to_have_count(1)
    expect(agent.locator("#mood-label")).to_have_text("一般")

    box = agent.locator("#say-form textarea")
    box.fill(GOOD_OVERAGE[0])
    box.press("Enter")
    expect(agent.locator("#transcript p.customer")).to_have_count(2)
    expect(agent.locator("#mood-label")).to_have_text("平静")  # soothed and answered: 6 → 3
    expect(agent.locator("#anger")).to_have_text("3")

    for said, line in enumerate(GOOD_OVERAGE[1:-1], start=2):
        box.fill(line)
        agent.click("#say-form button[type=submit]")
        expect(agent.locator("#transcript p.agent")).to_have_count(said)
        expect(box).to_have_value("")
    box.fill(GOOD_OVERAGE[-1])
    with agent.expect_navigation():  # the call is over: the page reloads with the score card
        box.press("Enter")
    card = agent.locator("#score-card")
    expect(card).to_be_visible()
    expect(card.locator("h3[data-part='confirmation']")).to_contain_text("三维确认：100")
    expect(card).to_contain_text("三维确认完整")
    expect(agent.locator("#status")).to_have_text("已解决")
    expect(agent.locator("#say-form")).to_have_count(0)
    shot(agent, "roleplay-score-card")
    session_path = agent.url.split(url, 1)[1]

    lead = login("lead_wang")
    lead.goto(f"{url}/training/roleplay/team")
    row = lead.locator("#team-sessions tbody tr").first
    expect(row).to_contain_text("agent_li")
    expect(row).to_contain_text("已解决")
    lead.goto(f"{url}{session_path}")
    expect(lead.locator("#score-card")).to_be_visible()
    expect(lead.locator("#say-form")).to_have_count(0)  # leads read; only the agent speaks
