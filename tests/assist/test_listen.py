"""AssistSession.listen, the batch reading of a call, reads feeling and need as feed does."""

from __future__ import annotations

from moqi.assist import AssistSession

CALL = [
    ("agent", "您好，请问有什么可以帮您？"),
    ("customer", "我这个月流量怎么超了这么多，扣了我一百多块，太离谱了"),
    ("agent", "非常抱歉，我马上帮您查一下流量使用情况。"),
    ("customer", "我都没怎么用，你们是不是乱扣费"),
    ("agent", "已经为您申请退还超出的费用，三个工作日内到账。"),
    ("customer", "好的，谢谢你"),
]


def test_listen_reads_the_feelings_and_the_need_that_feed_reads(engine):
    fed, heard = AssistSession(engine=engine), AssistSession(engine=engine)
    for speaker, text in CALL:
        event = fed.feed(speaker, text)
        clean, emotion = heard.listen(speaker, text)
        assert clean == event.text
        assert (emotion.category, round(emotion.intensity, 3)) == (
            event.emotion["category"],
            event.emotion["intensity"],
        )
    assert heard.predicted_need() == fed.predicted_need()
    assert heard.predicted_need()["moment"] == "complaint"
    assert heard.mood.trend == fed.mood.trend


def test_listen_masks_personal_data():
    clean, _ = AssistSession().listen("customer", "我的号码是13812345678")
    assert "13812345678" not in clean and "138****5678" in clean
