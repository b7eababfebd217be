"""Reading calls: each format, and input that is refused whole with the line at fault."""

from __future__ import annotations

import json

import pytest

from moqi.mining.calls import CallFormatError, read_calls, select_calls
from tests.mining.calls_made import made_calls, write_jsonl


def test_jsonl_one_call_a_line(tmp_path):
    calls = made_calls(6)
    read = read_calls(write_jsonl(calls, tmp_path / "calls.jsonl"))
    assert [c.id for c in read] == [c.id for c in calls]
    assert read[0].turns == calls[0].turns and read[0].region == calls[0].region
    assert read[0].month == calls[0].month


def test_stc3_shape_reads_helpdesk_as_agent(tmp_path):
    row = {
        "id": "3830772740080373",
        "turns": [
            {"sender": "customer", "text": "信号差，投诉几年都没人处理", "nugget": "CNUG0"},
            {"sender": "helpdesk", "text": "您好，已关注到您反映的问题", "nugget": "HNUG"},
        ],
        "A": 0.5,
    }
    path = tmp_path / "stc3.jsonl"
    path.write_text(json.dumps(row, ensure_ascii=False) + "\n", encoding="utf-8")
    (call,) = read_calls(path)
    assert call.id == "3830772740080373"
    assert [s for s, _ in call.turns] == ["customer", "agent"]


def test_jsonl_one_utterance_a_row_grouped_by_call(tmp_path):
    rows = [
        {"call_id": "a", "speaker": "坐席", "text": "您好", "region": "广东", "date": "2026-03-14"},
        {"call_id": "b", "speaker": "客户", "text": "我要查话费"},
        {"call_id": "a", "speaker": "客户", "text": "流量怎么没了"},
    ]
    path = tmp_path / "rows.jsonl"
    path.write_text("\n".join(json.dumps(r, ensure_ascii=False) for r in rows), encoding="utf-8")
    a, b = read_calls(path)
    assert (a.id, a.region, a.month) == ("a", "广东", "2026-03")
    assert a.turns == [("agent", "您好"), ("customer", "流量怎么没了")]
    assert b.turns == [("customer", "我要查话费")]


def test_csv_one_utterance_a_row_in_gbk(tmp_path):
    path = tmp_path / "calls.csv"
    text = (
        "call_id,speaker,text,region,brand,month\n"
        "c1,agent,您好，请讲,北京,神州行,2026-02\n"
        'c1,customer,"我的宽带断了,三天了",,,\n'
    )
    path.write_bytes(text.encode("gbk"))
    (call,) = read_calls(path)
    assert (call.region, call.brand, call.month) == ("北京", "神州行", "2026-02")
    assert call.turns[1] == ("customer", "我的宽带断了,三天了")


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        (
            "bad.jsonl",
            '{"id": "a", "turns": []}\n{"id": "b", "turns": [\n',
            "line 2: not valid JSON",
        ),
        ("empty.jsonl", "\n\n", "empty: no calls"),
        ("empty.csv", "", "empty: no calls"),
        ("calls.txt", "客户：你好", "unknown format .txt"),
        (
            "who.jsonl",
            '{"call": "a", "speaker": "robot", "text": "hi"}\n',
            "line 1: unknown speaker",
        ),
        ("nohead.csv", "id,who,text\n1,agent,hi\n", "line 1: the header lacks call_id, speaker"),
        (
            "silent.jsonl",
            '{"id": "a", "turns": [{"speaker": "客户", "text": " "}]}\n',
            "line 1: nobody says",
        ),
        (
            "month.csv",
            "call_id,speaker,text,month\na,客户,hi,March\n",
            "line 2: 'March' is not a month",
        ),
        (
            "mixed.jsonl",
            '{"id": "a", "turns": [{"speaker": "客户", "text": "hi"}]}\n{"call": "b", "speaker": "客户", "text": "x"}\n',
            "line 2: calls and single utterances mixed",
        ),
    ],
)
def test_bad_input_is_refused_whole_with_a_clear_message(tmp_path, name, content, message):
    path = tmp_path / name
    path.write_text(content, encoding="utf-8")
    with pytest.raises(CallFormatError, match=message):
        read_calls(path)


def test_a_missing_file_is_named(tmp_path):
    with pytest.raises(CallFormatError, match="no such file"):
        read_calls(tmp_path / "nothing.jsonl")


def test_select_by_region_brand_and_month():
    calls = made_calls(12)
    assert {c.region for c in select_calls(calls, region="广东")} == {"广东"}
    assert {c.brand for c in select_calls(calls, brand="全球通")} == {"全球通"}
    later = select_calls(calls, since="2026-02-15")
    assert later and all(c.month >= "2026-02" for c in later)
    assert len(select_calls(calls, since="2026-02")) == len(later)
