from moqi.voice.recognizer import Segment
from moqi.voice.speakers import Turn, agent_greetings, split_mono, split_stereo

S = Segment


def test_stereo_each_channel_is_one_speaker_in_time_order():
    agent = [S(0.0, 2.0, "您好，很高兴为您服务"), S(6.0, 7.0, "我帮您查一下")]
    customer = [S(2.5, 5.5, "我的流量怎么用完了")]
    assert split_stereo(agent, customer) == [
        Turn("agent", "您好，很高兴为您服务", 0.0),
        Turn("customer", "我的流量怎么用完了", 2.5),
        Turn("agent", "我帮您查一下", 6.0),
    ]


def test_stereo_joins_one_speakers_close_segments_and_keeps_far_ones_apart():
    customer = [S(0.0, 1.0, "我想问一下"), S(1.3, 2.0, "流量包"), S(5.0, 6.0, "还有话费")]
    turns = split_stereo([], customer)
    assert turns == [
        Turn("customer", "我想问一下，流量包", 0.0),
        Turn("customer", "还有话费", 5.0),
    ]


def test_mono_greeting_marks_the_agent_and_pauses_alternate():
    segments = [
        S(0.0, 1.0, "喂"),  # the customer spoke first here
        S(2.0, 4.0, "您好，很高兴为您服务"),
        S(5.0, 7.0, "我的流量用完了"),
        S(7.2, 8.0, "怎么回事"),  # no pause: same speaker
        S(9.0, 10.0, "我帮您查一下"),
    ]
    assert [(t.speaker, t.text) for t in split_mono(segments)] == [
        ("customer", "喂"),
        ("agent", "您好，很高兴为您服务"),
        ("customer", "我的流量用完了，怎么回事"),
        ("agent", "我帮您查一下"),
    ]


def test_mono_without_a_greeting_starts_with_the_agent():
    turns = split_mono([S(0, 1, "喂你好"), S(2, 3, "我查话费")], greetings=("很高兴为您服务",))
    assert [t.speaker for t in turns] == ["agent", "customer"]


def test_mono_prefers_the_more_reliable_greeting():
    segments = [S(0, 1, "您好我想问一下"), S(2, 3, "您好，工号1234为您服务")]
    turns = split_mono(segments)
    assert [t.speaker for t in turns] == ["customer", "agent"]


def test_empty_text_is_dropped_and_nothing_gives_nothing():
    assert split_mono([]) == []
    assert split_mono([S(0, 1, "")]) == []
    assert split_stereo([S(0, 1, "")], []) == []


def test_greetings_come_from_the_data_file():
    greetings = agent_greetings()
    assert "很高兴为您服务" in greetings and greetings[-1] == "您好"


def test_turn_as_dict_is_what_moqi_assist_reads():
    assert Turn("agent", "您好", 1.23456).as_dict() == {
        "speaker": "agent",
        "text": "您好",
        "ts": 1.23,
    }
