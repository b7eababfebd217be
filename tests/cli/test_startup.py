"""The command line starts without loading the database, NLP or numerical libraries: `moqi
--help` and a mistyped command answer at once; each command loads what it uses."""

from __future__ import annotations

import subprocess
import sys

HEAVY = ("sqlalchemy", "scipy", "jieba", "rjieba", "fastapi", "sklearn", "numpy", "moqi.assist")


def test_the_command_line_loads_no_heavy_library_until_a_command_runs():
    probe = f"import sys, moqi.cli; print(','.join(m for m in {HEAVY!r} if m in sys.modules))"
    done = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True)
    assert done.stdout.strip() == ""


def test_help_lists_every_command_group():
    done = subprocess.run(
        [sys.executable, "-m", "moqi", "--help"], capture_output=True, text=True, check=True
    )
    for command in ("init", "assist", "serve", "eval", "train", "user", "staff", "kb", "backup"):
        assert command in done.stdout
