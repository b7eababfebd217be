"""Transcripts in both formats are read; anything untrustworthy is refused with the line at fault."""

import json

import pytest

from moqi.assist.transcript import TranscriptError, parse_transcript


def test_jsonl_with_header_and_speaker_synonyms():
    raw = "\n".join(
        json.dumps(x, ensure_ascii=False)
        for x in [
            {"customer": "C1001", "channel": "voice"},
            {"speaker": "坐席", "text": "您好", "ts": 0},
            {"speaker": "客户", "text": "我要查话费", "ts": 2.5},
            {"speaker": "helpdesk", "text": "好的", "ts": 4},
        ]
    )
    t = parse_transcript(raw.encode())
    assert t.header == {"customer": "C1001", "channel": "voice"}
    assert [s for s, _, _ in t.turns] == ["agent", "customer", "agent"]
    assert t.turns[1] == ("customer", "我要查话费", 2.5)


def test_plain_lines_with_either_colon():
    t = parse_transcript("坐席：您好，请问有什么可以帮您\n客户:我的宽带断了\n\n客户：好几天了")
    assert t.turns == [
        ("agent", "您好，请问有什么可以帮您", None),
        ("customer", "我的宽带断了", None),
        ("customer", "好几天了", None),
    ]


def test_plain_lines_after_an_asr_time_and_in_traditional_characters():
    t = parse_transcript(
        "[00:00:03] 坐席：您好\n00:12 客戶：我的寬帶又斷了\n（1:02:03.5）顧客: 好的\n客户：约的12:30到了吗"
    )
    assert t.turns == [
        ("agent", "您好", 3.0),
        ("customer", "我的寬帶又斷了", 12.0),
        ("customer", "好的", 3723.5),
        ("customer", "约的12:30到了吗", None),
    ]


def test_a_blank_utterance_among_others_is_kept():
    t = parse_transcript(
        '{"speaker": "customer", "text": ""}\n{"speaker": "customer", "text": "喂？"}'
    )
    assert [text for _, text, _ in t.turns] == ["", "喂？"]


def test_jsonl_speakers_in_traditional_and_full_width_forms():
    raw = "\n".join(
        json.dumps({"speaker": s, "text": "好"}, ensure_ascii=False)
        for s in ("客戶", "用戶", "ＡＧＥＮＴ", "Helpdesk")
    )
    assert [s for s, _, _ in parse_transcript(raw).turns] == [
        "customer",
        "customer",
        "agent",
        "agent",
    ]


@pytest.mark.parametrize(
    ("raw", "message"),
    [
        (b"", "empty transcript"),
        (b"\n  \n", "empty transcript"),
        (b"\xff\xfe\x00\x81", "not UTF-8 or GBK text"),
        (b"hello world", "line 1: unknown format"),
        ("[00:01] 老板：快点".encode(), "unknown speaker"),
        ("00:01 我的宽带断了".encode(), "line 1: unknown speaker"),
        (b'{"speaker": "customer", "text": "hi"}\n{broken', "line 2: not valid JSON"),
        (b'{"speaker": "boss", "text": "hi"}', "unknown speaker"),
        (b'{"speaker": "customer"}', "needs both speaker and text"),
        (b'{"speaker": "customer", "text": 5}', "text must be a string"),
        (b'{"speaker": "customer", "text": "x", "ts": "soon"}', "ts must be a number"),
        (b'{"customer": "C1"}', "empty transcript"),
        (
            b'{"speaker": "customer", "text": ""}\n{"speaker": "agent", "text": "  "}',
            "empty call: every utterance is blank",
        ),
        ("客户：\n坐席：   ".encode(), "empty call"),
        (
            b'{"speaker": "customer", "text": "x"}\n{"customer": "C1"}',
            "header object must be the first line",
        ),
        (("客户：" + "啊" * 5001).encode(), "over the 5000-character limit"),
    ],
)
def test_bad_transcripts_are_refused_with_a_reason(raw, message):
    with pytest.raises(TranscriptError, match=message):
        parse_transcript(raw)


@pytest.mark.parametrize("encoding", ["gbk", "gb18030", "utf-8-sig"])
def test_transcripts_saved_by_chinese_windows_tools_are_read(encoding):
    raw = "客户：宽带又断了，这个月第三次了\n坐席：非常抱歉，我马上帮您查一下线路".encode(encoding)
    transcript = parse_transcript(raw)
    assert transcript.turns[0][:2] == ("customer", "宽带又断了，这个月第三次了")
    assert transcript.turns[1][1] == "非常抱歉，我马上帮您查一下线路"
