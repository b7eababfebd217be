"""`moqi assist` is a contract other tools read: JSON per utterance, one-line errors, nothing stored on failure."""

import json
import os
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
EXAMPLES = sorted((ROOT / "examples").glob("*.jsonl")) + sorted((ROOT / "examples").glob("*.txt"))


def contacts(home: Path) -> int:
    with sqlite3.connect(home / "moqi.sqlite3") as conn:
        return conn.execute("select count(*) from contacts").fetchone()[0]


def moqi(*args, home: Path):
    env = {**os.environ, "MOQI_HOME": str(home), "COLUMNS": "200"}
    env.pop("MOQI_DATABASE_URL", None)
    return subprocess.run(
        [sys.executable, "-m", "moqi", *args], capture_output=True, text=True, env=env, timeout=120
    )


@pytest.fixture(scope="module")
def home(tmp_path_factory):
    home = tmp_path_factory.mktemp("cli-home")
    done = moqi("init", "--demo", home=home)
    assert done.returncode == 0, done.stderr
    assert "demo user demo_agent" in done.stdout
    return home


def test_every_example_gives_sensible_json(home):
    assert len(EXAMPLES) >= 5
    for path in EXAMPLES:
        args = ["assist", str(path), "--json"] + (
            ["--customer", "C1007"] if path.suffix == ".txt" else []
        )
        done = moqi(*args, home=home)
        assert done.returncode == 0, (path, done.stderr)
        events = [json.loads(line) for line in done.stdout.splitlines()]
        assert events and [e["turn"] for e in events] == list(range(1, len(events) + 1))
        for e in events:
            assert set(e) >= {
                "turn",
                "speaker",
                "text",
                "emotion",
                "need",
                "businesses",
                "scripts",
                "confirmation",
            }
            assert set(e["emotion"]) >= {
                "category",
                "polarity",
                "intensity",
                "keywords",
                "trend",
                "risk",
                "advice",
            }
            assert (
                e["need"]["moment"] in {"inquiry", "handling", "complaint"}
                and len(e["need"]["reasons"]) == 3
            )
            assert 0 <= e["emotion"]["risk"] <= 1 and 0 <= e["emotion"]["intensity"] <= 1
            for k in e["emotion"]["keywords"]:
                assert e["text"][k["start"] : k["end"]] == k["text"]
            assert e["scripts"] and all(s["why"] for s in e["scripts"])
        assert any(e["businesses"]["mentioned"] for e in events), path
        assert any(e["emotion"]["keywords"] for e in events), path


def test_bill_overage_call_reads_like_the_call(home):
    done = moqi("assist", str(ROOT / "examples" / "bill_overage.jsonl"), "--json", home=home)
    events = [json.loads(line) for line in done.stdout.splitlines()]
    customer = [e for e in events if e["speaker"] == "customer"]
    assert max(e["emotion"]["risk"] for e in customer) >= 0.6
    assert any(e["emotion"]["category"] == "anger" for e in customer)
    assert any(e["confirmation"] for e in events), "the operation is read back"
    first = events[0]["need"]["reasons"][0]["code"]
    assert first in {"data_overage", "bill_dispute"}, (
        "the overage yesterday predicts the need before a word"
    )


def test_the_sp_charge_call_reads_back_each_operation_and_hears_the_answer(home):
    done = moqi("assist", str(ROOT / "examples" / "sp_unknown_charge.jsonl"), "--json", home=home)
    events = [json.loads(line) for line in done.stdout.splitlines()]
    read_back = next(e["confirmation"] for e in events if e["confirmation"])
    assert [op["name"] for op in read_back["operations"]] == [
        "退订每日健康资讯",
        "关闭短信代收费",
        "退费申请",
    ]
    assert read_back["number"] == "尾号1005"
    # "听清楚了，退订了，关了，钱会退回来，是不是？" confirms it.
    answered = next(
        e for e in events if e["confirmation"] and e["confirmation"]["status"] != "pending"
    )
    assert answered["speaker"] == "customer" and answered["confirmation"]["status"] == "confirmed"
    table = moqi(
        "assist", str(ROOT / "examples" / "sp_unknown_charge.jsonl"), "--no-store", home=home
    ).stdout
    assert "三维确认（pending）：退订每日健康资讯" in table and "尾号1005 / 成功" in table


def test_table_output(home):
    done = moqi("assist", str(ROOT / "examples" / "roaming_trip.jsonl"), home=home)
    assert done.returncode == 0, done.stderr
    assert "需求预判" in done.stdout and "已记录为接触" in done.stdout


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"", "empty transcript"),
        (b"\xff\xfe\x00garbage", "not UTF-8 or GBK"),
        (b"just some words", "unknown format"),
        (
            b'{"speaker": "customer", "text": "' + "啊".encode() * 5001 + b'"}',
            "5000-character limit",
        ),
    ],
)
def test_bad_input_is_one_line_and_stores_nothing(home, tmp_path, content, message):
    path = tmp_path / "call.jsonl"
    path.write_bytes(content)
    before = contacts(home)
    done = moqi("assist", str(path), home=home)
    assert done.returncode != 0
    assert contacts(home) == before
    assert message in done.stderr and len(done.stderr.strip().splitlines()) == 1
    assert done.stdout == ""


def test_missing_file_and_unknown_customer(home, tmp_path):
    done = moqi("assist", str(tmp_path / "nope.jsonl"), home=home)
    assert done.returncode != 0 and "no such file" in done.stderr
    done = moqi(
        "assist", str(ROOT / "examples" / "roaming_trip.jsonl"), "--customer", "C0000", home=home
    )
    assert done.returncode != 0 and "no customer" in done.stderr
