"""An agent opens training from the nav, reads a course (its print style leaves out the
navigation), takes a short quiz in the browser and sees the score with explanations."""


def test_agent_reads_a_course_and_takes_a_quiz(server, login, shot):
    agent = login("agent_li")
    agent.goto(f"{server['url']}/")
    with agent.expect_navigation():
        agent.click("header nav a[href='/training']")
    assert "建议加强" in agent.inner_text("#weak-areas")

    with agent.expect_navigation():
        agent.click("a[href='/training/course/confirmation']")
    assert "依据内容修订版" in agent.inner_text("#built-from")
    assert agent.is_visible("header.topbar")
    agent.emulate_media(media="print")
    assert not agent.is_visible("header.topbar") and not agent.is_visible("#print-course")
    agent.emulate_media(media="screen")
    shot(agent, "training-course")

    agent.goto(f"{server['url']}/training")
    agent.fill("input[name=count]", "3")
    with agent.expect_navigation():
        agent.click("#weak-areas button[type=submit]")
    assert agent.locator("li.question").count() == 3
    for i in range(3):
        agent.check(f"input[name=q{i}][value='0']")
    with agent.expect_navigation():
        agent.click("button:has-text('交卷')")
    assert "得分" in agent.inner_text("#score")
    assert agent.locator("p.why").count() == 3
    assert agent.locator(".options .right").count() == 3
    assert agent.locator("input[type=radio]").count() == 0
    shot(agent, "training-quiz-result")
