"""A team lead uploads an ACD file in the browser, sees the heat map, and the plan's chart."""

from datetime import date

from moqi.workforce import demo


def test_team_lead_uploads_and_reads_the_plan(server, login, shot, tmp_path):
    bad = tmp_path / "bad.csv"
    bad.write_text(
        "时段,呼入量,接通量,放弃量,20秒内接通,平均处理时长,在线坐席\n2026-03-02 09:00,5,9,0,1,100,1\n",
        encoding="utf-8",
    )
    good = tmp_path / "acd.csv"
    good.write_text(
        demo.to_csv(demo.generate(date(2026, 3, 2), 3, peak_calls=300, seed=2)), encoding="utf-8"
    )

    lead = login("lead_wang")
    lead.goto(f"{server['url']}/workforce")
    lead.fill("#upload input[name=queue]", "10086人工")
    lead.set_input_files("#upload input[name=file]", str(bad))
    lead.click("#upload button")
    lead.wait_for_selector("#upload-errors li")
    assert "第 2 行：接通量 9 加放弃量 0 超过呼入量 5" in lead.inner_text("#upload-errors")

    lead.set_input_files("#upload input[name=file]", str(good))
    with lead.expect_navigation():
        lead.click("#upload button")
    lead.wait_for_selector("#heatmap")
    assert lead.locator("#heatmap td.cell").count() == 7 * 48
    assert "平衡度" in lead.inner_text("#balance")
    shot(lead, "workforce-heatmap")

    lead.goto(
        f"{server['url']}/workforce/10086人工/plan?time_limit_s=3&held_back_weeks=1&patience_s=90"
    )
    lead.wait_for_selector("#chart", state="attached", timeout=60000)
    assert lead.locator("#under-over tr").count() == 48 + 1
    assert lead.locator("#simulation tr").count() > 10
    assert "排班" in lead.inner_text("#roster-status")
    shot(lead, "workforce-plan")
