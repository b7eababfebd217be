"""The knowledge loop in a real browser: an agent searches, opens an article and proposes a
change; the editor sees the diff, approves it; the new version is live with its history."""

import re

from playwright.sync_api import expect


def test_agent_proposes_editor_publishes(server, login, shot):
    agent = login("agent_li")
    agent.goto(f"{server['url']}/knowledge?q=出国怎么上网不贵")
    expect(agent.locator("#results li").first).to_be_visible()
    expect(agent.locator("#results mark.kw").first).to_be_visible()
    agent.select_option("select[name=kind]", "article")
    agent.click("#search-form button")
    first = agent.locator("#results li a").first
    expect(first).to_be_visible()
    with agent.expect_navigation():
        first.click()
    expect(agent.locator(".kb-answer strong").first).to_be_visible()  # key phrases highlighted
    key = agent.url.rsplit("/", 1)[-1]
    answer = agent.locator("textarea[name=answer]")
    answer.fill(answer.input_value() + "\n\n温馨提示：回国后如不再使用，可随时**关闭数据漫游**。")
    agent.fill("input[name=summary]", "客户常问回国后怎么办")
    agent.click("#propose-form button:has-text('提交审核')")
    expect(agent.locator("#propose-status")).to_contain_text("已提交")
    shot(agent, "knowledge-propose")

    editor = login("editor_zhao")
    assert editor.url.endswith("/knowledge/review")
    card = editor.locator(".proposal").first
    expect(card).to_contain_text(key)
    expect(card.locator("pre.diff .add").first).to_contain_text("关闭数据漫游")
    shot(editor, "knowledge-review")
    card.locator("input[name=note]").fill("补充得好")
    with editor.expect_navigation():
        card.locator("button.approve").click()
    expect(editor.locator(".proposal")).to_have_count(0)

    editor.goto(f"{server['url']}/knowledge/article/{key}")
    expect(editor.locator(".kb-versions tbody tr")).to_have_count(2)
    expect(editor.locator(".kb-answer")).to_contain_text("关闭数据漫游")
    editor.click("#compare")
    expect(editor.locator("#diff .add").first).to_contain_text("关闭数据漫游")
    shot(editor, "knowledge-versions")

    # The agent sees the published text, and the search page lists the hot query.
    agent.goto(f"{server['url']}/knowledge/article/{key}")
    expect(agent.locator(".kb-answer")).to_contain_text("关闭数据漫游")
    agent.goto(f"{server['url']}/knowledge")
    expect(agent.locator("aside")).to_contain_text(re.compile("出国怎么上网不贵"))


def test_story_is_shared_and_rated(server, login):
    agent = login("agent_li")
    agent.goto(f"{server['url']}/knowledge/stories")
    agent.fill("#story-form input[name=title]", "老人欠费停机的安抚")
    agent.fill("#story-form textarea[name=situation]", "老人手机欠费停机，很着急。")
    agent.fill(
        "#story-form textarea[name=what_worked]", "先安抚，再开通临时信用额度复机，并绑定子女代缴。"
    )
    with agent.expect_navigation():
        agent.click("#story-form button")
    story = agent.locator(".story").filter(has_text="老人欠费停机的安抚")
    expect(story).to_contain_text("暂无评分")
    expect(story.locator(".star")).to_have_count(0)  # no rating one's own story
    lead = login("lead_wang")
    lead.goto(f"{server['url']}/knowledge/stories")
    with lead.expect_navigation():
        lead.locator(".story").filter(has_text="老人欠费停机的安抚").locator(
            ".star[data-stars='5']"
        ).click()
    expect(lead.locator(".story").filter(has_text="老人欠费停机的安抚")).to_contain_text("★ 5")
