"""ACD import: Chinese and English headers, CSV/GBK/XLSX, and a clear error naming the row at fault."""

import re
from datetime import date, datetime

import pytest

from moqi.workforce import acd, acd_parse, demo

HEAD = "时段,呼入量,接通量,放弃量,20秒内接通,平均处理时长(秒),在线坐席\n"


def parse(text: str, name: str = "acd.csv", **kw) -> acd.AcdData:
    return acd_parse.parse(text.encode("utf-8"), name, **kw)


def test_chinese_headers_and_threshold_from_the_header():
    data = parse(
        HEAD
        + "2026-03-02 09:00-09:30,120,100,20,80,300,18\n2026-03-02 09:30-10:00,90,88,2,85,4:50,17.5\n"
    )
    assert (data.interval_min, data.threshold_s) == (30, 20)
    first, second = data.intervals
    assert (
        first.start == datetime(2026, 3, 2, 9, 0)
        and first.offered == 120
        and first.answered_in_threshold == 80
    )
    assert second.aht_s == 290 and second.agents == 17.5 and second.asa_s is None


def test_english_headers_separate_date_column_and_15_minute_grid():
    text = (
        "Date,Interval,Offered,Answered,Abandoned,Answered within 20s,AHT,Agents logged in,ASA\n"
        + "".join(
            f"2026/3/2,{h:02d}:{m:02d},10,9,1,8,240,3,12\n" for h in (8, 9) for m in (0, 15, 30, 45)
        )
    )
    data = parse(text)
    assert data.interval_min == 15 and data.threshold_s == 20 and len(data.intervals) == 8
    assert data.intervals[-1].start == datetime(2026, 3, 2, 9, 45) and data.intervals[0].asa_s == 12


def test_gbk_csv_and_xlsx_read_the_same():
    rows = demo.generate(date(2026, 3, 2), 1, peak_calls=200, seed=3)
    from_csv = acd_parse.parse(demo.to_csv(rows).encode("gb18030"), "export.csv")
    from_xlsx = acd_parse.parse(demo.to_xlsx(rows), "export.xlsx")
    assert from_csv == from_xlsx and len(from_csv.intervals) == 7 * 48


def test_threshold_must_be_known():
    text = "时段,呼入量,接通量,放弃量,及时接通量,平均处理时长,在线坐席\n2026-03-02 09:00,1,1,0,1,100,1\n"
    with pytest.raises(acd.AcdError, match="门限"):
        parse(text)
    assert parse(text, threshold_s=15).threshold_s == 15
    with pytest.raises(acd.AcdError, match="与指定的门限 30 秒不符"):
        parse(HEAD + "2026-03-02 09:00-09:30,1,1,0,1,100,1\n", threshold_s=30)


@pytest.mark.parametrize(
    ("row", "message"),
    [
        ("2026-03-02 09:30-10:00,abc,1,0,1,100,1", "第 3 行：“呼入量”的值“abc”不是非负整数"),
        ("2026-03-02 09:30-10:00,10,9,3,1,100,1", "第 3 行：接通量 9 加放弃量 3 超过呼入量 10"),
        ("2026-03-02 09:30-10:00,10,5,0,6,100,1", "第 3 行：门限内接通量 6 超过接通量 5"),
        ("2026-03-02 09:30-10:00,10,5,0,5,-1,1", "第 3 行：“平均处理时长(秒)”的值“-1”不是时长"),
        ("2026-03-02 09:30-10:00,10,5,0,5,100,", "第 3 行：“在线坐席”为空"),
        ("09:30-10:00,10,5,0,5,100,1", "第 3 行：“时段”：“09:30-10:00”不含日期"),
        ("2026-03-02 09:00-09:30,10,5,0,5,100,1", "第 3 行：时段 2026-03-02 09:00 与第 2 行重复"),
        ("2026-03-02 09:40-10:10,10,5,0,5,100,1", "第 3 行：时段 09:40 不在 30 分钟的整点时段上"),
        ("2026-03-02 09:30-10:00,2.5,1,0,1,100,1", "第 3 行：“呼入量”的值“2.5”不是非负整数"),
    ],
)
def test_bad_rows_are_named(row, message):
    with pytest.raises(acd.AcdError, match=re.escape(message)):
        parse(HEAD + "2026-03-02 09:00-09:30,10,5,0,5,100,1\n" + row + "\n")


def test_all_bad_rows_are_reported_not_just_the_first():
    body = "".join(f"2026-03-02 {h:02d}:00-{h:02d}:30,10,11,0,1,100,1\n" for h in range(3))
    with pytest.raises(
        acd.AcdError, match="第 2 行：接通量 11 加放弃量 0 超过呼入量 10；第 3 行"
    ) as err:
        parse(HEAD + body)
    assert [r for r, _ in err.value.problems] == [2, 3, 4]


@pytest.mark.parametrize(
    ("data", "name", "message"),
    [
        (b"", "a.csv", "文件是空的"),
        (HEAD.encode(), "a.csv", "没有数据行"),
        (
            "时段,呼入量\n2026-03-02 09:00,1\n".encode(),
            "a.csv",
            "缺少列：接通量、放弃量、门限内接通量、平均处理时长（秒）、在线坐席",
        ),
        (b"PK\x03\x04 not really", "a.xlsx", "不是有效的 XLSX 文件"),
        (b"x", "a.pdf", "不支持的文件类型"),
        (
            (HEAD + "2026-03-02 09:00-10:00,1,1,0,1,100,1\n").encode(),
            "a.csv",
            "时段长度须为 15 或 30 分钟",
        ),
        (
            "时段,呼入量,接通量,呼损量,放弃量,20秒内接通,平均处理时长,在线坐席\n".encode(),
            "a.csv",
            "都是放弃量",
        ),
    ],
)
def test_bad_files(data, name, message):
    with pytest.raises(acd.AcdError, match=message):
        acd_parse.parse(data, name)
