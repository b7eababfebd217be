"""Escalation alerts that do not go quiet: the wall hears of each new threat and each new
peak, not only of the first crossing."""

from __future__ import annotations

from moqi.assist import AssistSession
from moqi.assist.live.hub import RISK_ALERT, LiveContact


def _live(engine) -> LiveContact:
    return LiveContact(7, "a1", "north", {"id": "C1001"}, "voice", AssistSession(engine=engine))


def _say(live: LiveContact, speaker: str, text: str):
    event = live.session.feed(speaker, text)
    live.record(event)
    return event, live.alert_for(event)


def test_a_second_channel_later_in_the_call_alerts_again(engine):
    live = _live(engine)
    _, first = _say(live, "customer", "你们乱扣费，再不解决我就发到网上让大家都看看")
    assert first and first["new_channels"] == ["媒体／网络曝光"]
    _, quiet = _say(live, "agent", "非常抱歉，我马上帮您核查")
    assert quiet is None, "the same risk on the agent's turn is no new alert"
    _, again = _say(live, "customer", "我还要打12300投诉你们")
    assert again and again["new_channels"] == ["工信部申诉（12300）"]
    assert any("12300" in r for r in again["reasons"])


def test_a_new_peak_alerts_and_a_calm_call_can_alert_afresh(engine):
    live = _live(engine)
    _, none = _say(live, "customer", "你们乱扣我的钱，气死我了")
    assert none is None
    _, first = _say(live, "customer", "你们就是骗子，太坑人了")
    assert first and first["risk"] >= RISK_ALERT and first["new_channels"] == []
    _, higher = _say(live, "customer", "我这已经是第三次打电话了，还是没人管")
    assert higher and higher["risk"] > first["risk"], "a new peak reaches the wall"
    for _ in range(3):
        calm, quiet = _say(live, "customer", "好的谢谢你，问题解决了，非常满意")
        assert quiet is None
    assert calm.emotion["risk"] < RISK_ALERT - 0.2 and live.alert_peak == 0.0
    _, fresh = _say(live, "customer", "怎么又扣了，你们这些骗子，气死我了")
    assert fresh and fresh["risk"] < higher["risk"], "after calming down, a new crossing alerts"
