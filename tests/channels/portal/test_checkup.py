"""一键检测 on constructed customers: each kind of finding appears when the records say so and
not otherwise; the most pressing come first; the wording promises nothing."""

from dataclasses import replace
from datetime import UTC, datetime, timedelta, timezone

import pytest

from moqi.channels.portal import checkup, content
from moqi.channels.portal.checkup import Event, Facts, TicketFact
from moqi.channels.portal.content import AreaFault

NOW = datetime(2026, 12, 7, 2, 0, tzinfo=UTC)  # 10:00 in Beijing
BEIJING = timezone(timedelta(hours=8))
BASE = Facts(now=NOW, region="广东", city="东莞")


def _codes(facts: Facts) -> list[str]:
    return [f.code for f in checkup.check(facts, content.shipped())]


def _ticket(status: str, label: str = "处理中") -> TicketFact:
    return TicketFact(
        "20261205-000007",
        "宽带反复掉线",
        status,
        label,
        "工作人员处理中",
        "2026-12-08 18:00",
        "/t/abc",
    )


def test_a_customer_with_nothing_on_record_gets_no_finding():
    assert _codes(BASE) == []
    assert "未发现异常" in checkup.summary([])


@pytest.mark.parametrize(
    ("status", "code", "label"),
    [
        ("open", "ticket_open", "查看工单进度"),
        ("waiting", "ticket_waiting", "查看工单进度"),
        ("resolved", "ticket_resolved", "去评价"),
    ],
)
def test_each_open_ticket_is_a_finding_with_its_tracking_page(status, code, label):
    [finding] = checkup.check(replace(BASE, tickets=(_ticket(status),)), content.shipped())
    assert finding.code == code and finding.link == "/t/abc" and finding.link_label == label
    assert "20261205-000007" in finding.seen and "宽带反复掉线" in finding.seen


@pytest.mark.parametrize(
    "kind",
    [
        "overage_charge",
        "sp_subscribed",
        "data_pack_exhausted",
        "payment_overdue",
        "suspended_arrears",
    ],
)
def test_a_recent_account_event_is_a_finding_with_what_the_record_says(kind):
    event = Event(kind, 2, "按 3元/100MB 产生套外流量费 96 元")
    [finding] = checkup.check(replace(BASE, events=(event,)), content.shipped())
    assert finding.code == kind and "96 元" in finding.seen and "96 元" in finding.fix
    assert "2 天前" in finding.seen


def test_an_old_event_says_nothing_any_more():
    assert _codes(replace(BASE, events=(Event("sp_subscribed", 40, "订购某视频会员"),))) == []
    assert _codes(replace(BASE, events=(Event("data_pack_exhausted", 8, "流量包用完"),))) == []


def test_a_suspended_line_is_told_once_not_also_as_an_overdue_bill():
    events = (
        Event("payment_overdue", 10, "欠费 35.6 元"),
        Event("suspended_arrears", 1, "已单向停机"),
    )
    assert _codes(replace(BASE, events=events)) == ["suspended_arrears"]


def test_a_trip_without_roaming_warns_with_destination_and_date():
    events = (Event("trip_registered", 2, "2026-12-08 日本东京"),)
    [finding] = checkup.check(replace(BASE, events=events), content.shipped())
    assert finding.code == "roaming_not_enabled" and finding.severity == "high" and finding.chat
    assert "12月8日" in finding.fix and "日本东京" in finding.fix
    assert finding.article == "roaming-before-travel"


@pytest.mark.parametrize(
    "events",
    [
        (
            Event("trip_registered", 2, "2026-12-08 日本东京"),
            Event("roaming_activated", 1, "已开通国际漫游"),
        ),
        (Event("trip_registered", 30, "2026-11-20 泰国曼谷"),),  # already back
        (Event("trip_registered", 1, "2027-03-01 法国巴黎"),),  # months away
        (Event("trip_registered", 1, "下个月去韩国"),),  # no date: not guessed
    ],
    ids=["roaming-open", "past-trip", "far-trip", "undated"],
)
def test_no_roaming_warning_when_opened_past_far_or_undated(events):
    assert _codes(replace(BASE, events=events)) == []


def _fault(**changes) -> AreaFault:
    fault = AreaFault(
        id="f1",
        region="广东",
        city="东莞",
        service="broadband",
        since=datetime(2026, 12, 6, 8, 0, tzinfo=BEIJING),
        until=datetime(2026, 12, 8, 20, 0, tzinfo=BEIJING),
        text="东莞市部分小区宽带线路升级改造",
    )
    return replace(fault, **changes)


def test_a_known_fault_in_the_customers_city_is_a_finding_with_its_expected_end():
    [finding] = checkup.check(replace(BASE, faults=(_fault(),)), content.shipped())
    assert finding.code == "area_fault" and "宽带" in finding.fix
    assert "12月08日 20:00" in finding.fix and "以最新公告为准" in finding.fix


@pytest.mark.parametrize(
    "fault",
    [
        _fault(city="深圳"),
        _fault(region="河南", city=""),
        _fault(since=datetime(2026, 12, 7, 11, 0, tzinfo=BEIJING)),  # not yet
        _fault(until=datetime(2026, 12, 7, 9, 0, tzinfo=BEIJING)),  # over
    ],
    ids=["other-city", "other-region", "not-yet", "over"],
)
def test_a_fault_elsewhere_or_not_in_force_says_nothing(fault):
    assert _codes(replace(BASE, faults=(fault,))) == []


def test_a_province_wide_fault_reaches_every_city_and_one_without_an_end_says_so():
    [finding] = checkup.check(
        replace(BASE, faults=(_fault(city="", until=None),)), content.shipped()
    )
    assert "恢复时间以最新公告为准" in finding.fix


def test_findings_come_most_pressing_first_and_the_summary_names_them_all():
    facts = replace(
        BASE,
        events=(
            Event("data_pack_exhausted", 1, "1GB 加油包已用完"),
            Event("sp_subscribed", 3, "订购某游戏会员 10 元/月"),
        ),
        tickets=(_ticket("open"),),
        faults=(_fault(),),
    )
    findings = checkup.check(facts, content.shipped())
    assert [f.severity for f in findings] == sorted(
        (f.severity for f in findings), key=["high", "medium", "low"].index
    )
    assert findings[0].code == "sp_subscribed" and findings[-1].code == "data_pack_exhausted"
    text = checkup.summary(findings)
    assert text.startswith("【自助门户·一键检测】发现 4 项")
    assert all(f.title in text for f in findings)
    assert len(checkup.summary(findings * 20)) <= checkup.SUMMARY_MAX


def test_the_wording_never_admits_fault_or_promises_money_back():
    shipped = content.shipped()
    words = " ".join(w.title + w.fix for w in shipped.findings.values())
    assert words
    for promise in ("保证退", "一定退", "全额退", "赔偿", "我们的错", "我方责任", "补偿您"):
        assert promise not in words
