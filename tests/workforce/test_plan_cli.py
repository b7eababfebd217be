"""`moqi staff import`, `moqi staff plan` and `moqi staff demo` end to end, errors as one line."""

import json
import math
import subprocess
import sys
from datetime import date

import pytest

from moqi.workforce import demo


def moqi(*args: str, timeout: int = 180) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "moqi", *args], capture_output=True, text=True, timeout=timeout
    )


@pytest.fixture(scope="module")
def acd_file(tmp_path_factory):
    path = tmp_path_factory.mktemp("acd") / "acd.xlsx"
    path.write_bytes(demo.to_xlsx(demo.generate(date(2026, 3, 2), 4, peak_calls=150, seed=9)))
    return path


def test_plan_from_a_file_as_json(acd_file):
    done = moqi(
        "staff",
        "plan",
        str(acd_file),
        "--patience-s",
        "90",
        "--shrinkage",
        "0.2",
        "--time-limit-s",
        "4",
        "--held-back-weeks",
        "1",
        "--json",
    )
    assert done.returncode == 0, done.stderr
    out = json.loads(done.stdout)
    assert (
        out["model"] == "erlang_a" and "abandons count against" in out["service_level_definition"]
    )
    assert out["kpis"]["balance"]["spread"] > 0 and len(out["kpis"]["heatmap"]) == 28 * 48 // 4
    assert (
        out["forecast_accuracy"]["held_back_days"] == 7
        and 0 < out["forecast_accuracy"]["wape"] < 0.5
    )
    assert out["roster"]["status"] in ("optimal", "feasible")
    slots = out["slots"]
    assert len(slots) == 7 * 48
    assert all(s["required"] == math.ceil(s["agents"] / 0.8 - 1e-9) for s in slots)
    assert all(
        s["under"] == max(s["required"] - s["rostered"], 0)
        and s["over"] == max(s["rostered"] - s["required"], 0)
        for s in slots
    )
    assert len(out["simulation"]["slots"]) == 48 and out["simulation"]["simulated_calls"] > 0
    # every gap from Erlang comes with the band chance alone allows, and the slots beyond it
    sim = out["simulation"]
    compared = [s for s in sim["slots"] if s["within_noise"] is not None]
    assert compared and all(0 < s["sl_noise"] <= 1 for s in compared)
    assert all(
        s["within_noise"]
        == (abs(s["simulated_service_level"] - s["erlang_service_level"]) <= s["sl_noise"] + 1e-3)
        for s in compared
        if abs(abs(s["simulated_service_level"] - s["erlang_service_level"]) - s["sl_noise"]) > 2e-3
    )
    assert sim["slots_compared"] == len(compared)
    assert sim["slots_beyond_noise"] == sum(not s["within_noise"] for s in compared)


def test_import_then_plan_the_stored_queue_as_text(acd_file):
    done = moqi("staff", "import", str(acd_file), "--queue", "10086人工")
    assert done.returncode == 0, done.stderr
    assert "已导入 1344 个时段" in done.stdout
    again = moqi("staff", "import", str(acd_file), "--queue", "10086人工")
    assert (
        again.returncode != 0
        and len(again.stderr.strip().splitlines()) == 1
        and "相同时段" in again.stderr
    )
    done = moqi(
        "staff",
        "plan",
        "--queue",
        "10086人工",
        "--time-limit-s",
        "3",
        "--held-back-weeks",
        "1",
        "--simulate-days",
        "0",
    )
    assert done.returncode == 0, done.stderr
    for section in (
        "服务水平定义：门限内接通 / 呼入量",
        "平衡度：最好时段",
        "== 预测误差",
        "WAPE",
        "== 需求与排班",
        "排班求解：",
        "的班次",
    ):
        assert section in done.stdout


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["staff", "plan"], "either an ACD FILE or --queue"),
        (["staff", "plan", "--queue", "没有这个"], "没有名为“没有这个”的队列"),
        (["staff", "plan", "missing.csv"], "cannot read missing.csv"),
        (["staff", "plan", "x.csv", "--target-sl", "1.5"], "target service level"),
        (["staff", "plan", "x.csv", "--shrinkage", "1"], "shrinkage"),
        (["staff", "demo", "out.txt"], ".csv or .xlsx"),
    ],
)
def test_errors_are_one_plain_line(args, message):
    done = moqi(*args)
    # (A first use of the instance may add its one-line notice that it creates the database.)
    errors = [line for line in done.stderr.splitlines() if line.startswith("moqi: error:")]
    assert done.returncode != 0 and len(errors) == 1 and message in errors[0]


def test_bad_file_is_not_imported(tmp_path):
    bad = tmp_path / "bad.csv"
    bad.write_text(
        "时段,呼入量,接通量,放弃量,20秒内接通,平均处理时长,在线坐席\n2026-03-02 09:00,5,9,0,1,100,1\n",
        encoding="utf-8",
    )
    done = moqi("staff", "import", str(bad), "--queue", "q")
    assert done.returncode != 0 and "第 2 行：接通量 9 加放弃量 0 超过呼入量 5" in done.stderr
    listed = moqi("staff", "plan", "--queue", "q")
    assert listed.returncode != 0 and "没有名为“q”的队列" in listed.stderr


def test_demo_writes_a_file_the_importer_reads(tmp_path):
    out = tmp_path / "demo.csv"
    done = moqi(
        "staff", "demo", str(out), "--weeks", "1", "--start", "2026-03-02", "--peak-calls", "50"
    )
    assert done.returncode == 0, done.stderr
    assert out.read_text(encoding="utf-8").startswith("时段,呼入量,接通量,放弃量,20秒内接通")
