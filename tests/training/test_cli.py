"""`moqi training`: the courseware written as printable HTML or Markdown files, and a quiz
printed with its answers; bad options get one line and a non-zero exit."""

import json

from typer.testing import CliRunner

from moqi.cli import app


def _run(*args):
    return CliRunner().invoke(app, ["training", *args])


def test_the_courseware_is_written_one_file_per_course(loaded_db, tmp_path):
    done = _run("courseware", "--out", str(tmp_path / "html"))
    assert done.exit_code == 0, done.output
    assert "6 门课程" in done.output
    page = (tmp_path / "html" / "peak_end.html").read_text(encoding="utf-8")
    assert "<h1>峰终定律与服务关键时刻</h1>" in page and "@media print" in page
    assert "依据内容修订版 1" in page
    done = _run("courseware", "--out", str(tmp_path / "md"), "--format", "md")
    assert done.exit_code == 0
    text = (tmp_path / "md" / "business_map.md").read_text(encoding="utf-8")
    assert text.startswith("# 业务关联地图") and "| 前置条件 |" in text


def test_a_bad_format_or_folder_is_one_line(loaded_db, tmp_path):
    done = _run("courseware", "--out", str(tmp_path), "--format", "pdf")
    assert done.exit_code == 2 and "html or md" in done.output
    blocker = tmp_path / "file"
    blocker.write_text("x")
    done = _run("courseware", "--out", str(blocker / "sub"))
    assert done.exit_code == 2 and "cannot write" in done.output


def test_a_quiz_prints_with_its_answers_and_the_same_seed_gives_the_same_quiz(loaded_db):
    first = _run("quiz", "--count", "4", "--seed", "3")
    assert first.exit_code == 0, first.output
    assert first.output.count("答案：") == 4
    assert _run("quiz", "--count", "4", "--seed", "3").output == first.output
    rows = [json.loads(line) for line in _run("quiz", "--count", "2", "--json").output.splitlines()]
    assert len(rows) == 2 and all(0 <= r["answer"] < len(r["options"]) for r in rows)
    assert _run("quiz", "--count", "0").exit_code == 2
