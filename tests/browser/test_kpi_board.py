"""A team lead opens the KPI board on eight weeks of demo history, reads a tile with its
definition and sparkline, and drills down by team and by region."""

from moqi.cli.common import now
from moqi.db import session_scope
from moqi.service import demo_history


def test_team_lead_reads_the_board_and_drills_down(server, login, shot):
    with session_scope(server["factory"]) as s:
        demo_history.generate(s, now=now(), link_base=server["url"])

    lead = login("lead_wang")
    lead.goto(f"{server['url']}/insight")
    with lead.expect_navigation():
        lead.click("text=运营指标看板")
    lead.wait_for_selector(".kpi-board")
    assert lead.locator(".kpi-tile").count() == 10
    tile = lead.locator(".kpi-tile[data-kpi=complaint_timeliness]")
    assert "投诉处理及时率" in tile.inner_text() and "目标 ≥ 95.0%" in tile.inner_text()
    assert tile.locator("svg.kpi-spark polyline").count() >= 1
    assert any(c in tile.get_attribute("class") for c in ("green", "amber", "red"))
    assert "无数据" in lead.locator(".kpi-tile[data-kpi=retention_success]").inner_text()
    shot(lead, "kpi-board")

    with lead.expect_navigation():
        lead.click(".kpi-tile[data-kpi=first_contact_resolution] h3 a")
    lead.wait_for_selector("table.kpi-groups")
    assert "投诉处理组" in lead.inner_text("table.kpi-groups")
    lead.select_option("select[name=by]", "region")
    with lead.expect_navigation():
        lead.click("form.filters button")
    lead.wait_for_selector("table.kpi-groups")
    assert "地区" in lead.inner_text("table.kpi-groups thead")
    shot(lead, "kpi-drill-down")
