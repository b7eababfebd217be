"""`moqi kb`: export and re-import every format, history/diff/rollback, one-line errors, all or nothing."""

import os
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest


def moqi(*args, home: Path):
    env = {**os.environ, "MOQI_HOME": str(home), "COLUMNS": "200"}
    env.pop("MOQI_DATABASE_URL", None)
    return subprocess.run(
        [sys.executable, "-m", "moqi", *args], capture_output=True, text=True, env=env, timeout=180
    )


def versions(home: Path) -> int:
    with sqlite3.connect(home / "moqi.sqlite3") as conn:
        return conn.execute("select count(*) from content_versions").fetchone()[0]


@pytest.fixture(scope="module")
def home(tmp_path_factory):
    home = tmp_path_factory.mktemp("kb-home")
    done = moqi("init", home=home)
    assert done.returncode == 0, done.stderr
    return home


def test_export_then_import_changes_nothing(home, tmp_path):
    before = versions(home)
    for kind, name in (
        ("article", "kb.zip"),
        ("article", "kb.docx"),
        ("script", "s.xlsx"),
        ("lexicon", "l.csv"),
        ("business", "b.csv"),
    ):
        out = tmp_path / name
        done = moqi("kb", "export", kind, str(out), home=home)
        assert done.returncode == 0 and out.stat().st_size > 0, done.stderr
        done = moqi("kb", "import", kind, str(out), home=home)
        assert done.returncode == 0, done.stderr
        assert " 0 created, 0 updated" in done.stdout, (name, done.stdout)
    assert versions(home) == before


def test_second_init_keeps_published_edits(home, tmp_path):
    csv = tmp_path / "one.csv"
    csv.write_text(
        "id,kind,reason,emotion,brand,region,stage,conditions,text\nS0001,greeting,*,*,*,*,*,*,{customer}您好，这里是10086，请讲。\n",
        encoding="utf-8",
    )
    done = moqi("kb", "import", "script", str(csv), "--author", "editor_zhao", home=home)
    assert "1 updated" in done.stdout, done.stderr
    assert moqi("init", home=home).returncode == 0
    history = moqi("kb", "history", "script", "S0001", home=home).stdout.splitlines()
    assert history[0].startswith("v2") and "editor_zhao" in history[0]
    diff = moqi("kb", "diff", "script", "S0001", "1", "2", home=home).stdout
    assert "+text: {customer}您好，这里是10086，请讲。" in diff
    done = moqi("kb", "rollback", "script", "S0001", "1", home=home)
    assert done.returncode == 0 and "v3" in done.stdout
    again = moqi("kb", "rollback", "script", "S0001", "1", home=home)
    assert again.returncode == 2 and "already" in again.stderr


@pytest.mark.parametrize(
    ("kind", "name", "content", "message"),
    [
        ("script", "bad.csv", "id,kind,text\nS1,greeting,x\n", "header lacks"),
        (
            "script",
            "bad.csv",
            "id,kind,reason,emotion,brand,region,stage,conditions,text\nS9,greeting,*,*,*,*,*,,ok\nS10,shout,*,*,*,*,*,,no\n",
            "line 3",
        ),
        (
            "script",
            "bad.csv",
            "id,kind,reason,emotion,brand,region,stage,conditions,text\nS9,greeting,*,*,*,*,*,called_twice,ok\n",
            "unknown condition",
        ),
        ("article", "bad.md", "---\nid: x-1\ntitle: t\n---\n## 答复\n", "答复"),
        ("poem", "x.csv", "a\n", "unknown kind"),
        ("script", "missing.csv", None, "no such file"),
        ("script", "x.pdf", "%PDF", "format"),
    ],
)
def test_bad_files_exit_non_zero_with_one_line(home, tmp_path, kind, name, content, message):
    path = tmp_path / name
    if content is not None:
        path.write_text(content, encoding="utf-8")
    before = versions(home)
    done = moqi("kb", "import", kind, str(path), home=home)
    assert done.returncode != 0
    assert message in done.stderr and len(done.stderr.strip().splitlines()) == 1, done.stderr
    assert versions(home) == before


def test_hot_topics_print(home):
    done = moqi("kb", "hot", home=home)
    assert done.returncode == 0 and "已过有效期" in done.stdout
