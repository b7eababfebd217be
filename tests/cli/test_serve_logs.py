"""`moqi serve` logs request lines with personal data masked: a search for a customer's
number must not put the number in the access log."""

import logging
import logging.config
from urllib.parse import quote

import pytest
from uvicorn.logging import AccessFormatter

from moqi.web.logs import MaskRequestTargets, mask_target, uvicorn_log_config


def access_record(target: str) -> logging.LogRecord:
    """A record shaped like the one uvicorn's HTTP protocols log for each response."""
    return logging.LogRecord(
        "uvicorn.access",
        logging.INFO,
        __file__,
        1,
        '%s - "%s %s HTTP/%s" %d',
        ("127.0.0.1:53412", "GET", target, "1.1", 200),
        None,
    )


def logged(target: str) -> str:
    record = access_record(target)
    assert MaskRequestTargets().filter(record) is True  # the line is kept, only rewritten
    return AccessFormatter(
        '%(client_addr)s - "%(request_line)s" %(status_code)s', use_colors=False
    ).format(record)


@pytest.mark.parametrize(
    ("target", "shown"),
    [
        (
            f"/api/knowledge/search?q={quote('我的号码13812345678')}&limit=5",
            f"/api/knowledge/search?q={quote('我的号码138****5678', safe='*')}&limit=5",
        ),
        ("/knowledge?q=138+1234+5678", "/knowledge?q=138****5678"),
        ("/knowledge?q=zhang.san%40example.com", "/knowledge?q=z***%40example.com"),
        ("/api/assist/customers/13812345678/profile", "/api/assist/customers/138****5678/profile"),
    ],
)
def test_personal_data_in_request_targets_is_masked(target, shown):
    line = logged(target)
    assert line == f'127.0.0.1:53412 - "GET {shown} HTTP/1.1" 200 OK'
    assert (
        "13812345678" not in line
        and "1234" not in line.replace("1234+5678", "")
        and "zhang.san" not in line
    )


@pytest.mark.parametrize(
    "target",
    [
        "/static/app.js",
        "/knowledge?q=%E5%A5%97%E9%A4%90199%E5%85%83&page=2",
        "/x?a=1&b=&c",
        "/api/health",
    ],
)
def test_other_targets_are_logged_as_they_were(target):
    assert mask_target(target) == target
    assert f"GET {target} HTTP/1.1" in logged(target)


def test_a_decoded_line_break_cannot_forge_a_log_line():
    assert "\n" not in mask_target("/knowledge?q=13812345678%0Aforged")


def test_serve_installs_the_filter_on_uvicorns_loggers():
    config = uvicorn_log_config()
    logging.config.dictConfig(config)
    try:
        for name in ("uvicorn.access", "uvicorn.error"):
            assert any(isinstance(f, MaskRequestTargets) for f in logging.getLogger(name).filters)
    finally:
        for name in ("uvicorn.access", "uvicorn.error"):
            logger = logging.getLogger(name)
            for f in [f for f in logger.filters if isinstance(f, MaskRequestTargets)]:
                logger.removeFilter(f)
    # uvicorn's own configuration is copied, not changed.
    from uvicorn.config import LOGGING_CONFIG

    assert "filters" not in LOGGING_CONFIG["loggers"]["uvicorn.access"]


def test_moqi_serve_writes_masked_access_lines(instance, db_url):
    import os
    import socket
    import subprocess
    import sys
    import time
    import urllib.request

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    # Any database will do: the db_url fixture's (SQLite, and PostgreSQL when CI has one).
    env = {**os.environ, "MOQI_HOME": str(instance), "MOQI_DATABASE_URL": db_url}
    proc = subprocess.Popen(
        [sys.executable, "-m", "moqi", "serve", "--port", str(port)],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        # First use loads the shipped content, which takes a while on a busy 2-core machine.
        deadline = time.monotonic() + 180
        while True:
            try:
                urllib.request.urlopen(
                    f"http://127.0.0.1:{port}/api/health?q=13812345678", timeout=1
                )
                break
            except OSError:
                if proc.poll() is not None or time.monotonic() > deadline:
                    pytest.fail("moqi serve did not start")
                time.sleep(0.2)
    finally:
        proc.terminate()
        out, _ = proc.communicate(timeout=30)
    assert "GET /api/health?q=138****5678 HTTP/1.1" in out, out
    assert "13812345678" not in out
