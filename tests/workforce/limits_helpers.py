"""Helpers for the test_limits_*.py files (issue 20, point 11): every workforce input is bounded
(`moqi/workforce/limits.py`).

Out-of-range values, NaN and ±inf answer at once, naming the input: ValueError from the
algorithms, 422 problem+json from the API, one plain line and exit code 2 from the CLI, a row
number from the ACD import. Nothing hangs, overflows or prints a traceback. Calls that hung
before run in a daemon thread with a timeout, so a regression fails the test instead of
hanging the suite.
"""

import math
import subprocess
import sys
import threading

from tests.conftest import PASSWORD

LEAD = ("team_lead", PASSWORD)
NAN, INF = math.nan, math.inf


def finishes(fn, *args, timeout: float = 20, **kwargs) -> dict:
    """fn(*args) in a daemon thread: {'value': …} or {'error': …}; fails the test after `timeout` s."""
    box: dict = {}

    def run() -> None:
        try:
            box["value"] = fn(*args, **kwargs)
        except BaseException as exc:  # the test inspects whatever came out
            box["error"] = exc

    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    thread.join(timeout)
    assert not thread.is_alive(), f"{getattr(fn, '__name__', fn)} still running after {timeout} s"
    return box


def refused(fn, *args, field: str, **kwargs) -> str:
    """The ValueError message fn(*args) answers with, at once; it must name `field`."""
    box = finishes(fn, *args, **kwargs)
    assert isinstance(box.get("error"), ValueError), box
    message = str(box["error"])
    assert field in message, message
    return message


def moqi(*args: str) -> subprocess.CompletedProcess:
    # A generous timeout for the interpreter's start; a hang still fails instead of blocking.
    return subprocess.run(
        [sys.executable, "-m", "moqi", *args], capture_output=True, text=True, timeout=120
    )


def one_error_line(done: subprocess.CompletedProcess) -> str:
    """The command's one 'moqi: error:' line, after checking it exited 2 without a traceback."""
    errors = [line for line in done.stderr.splitlines() if line.startswith("moqi: error:")]
    assert done.returncode == 2 and len(errors) == 1 and "Traceback" not in done.stderr, done.stderr
    return errors[0]
