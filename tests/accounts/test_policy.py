"""The password policy, and the in-memory limits on login attempts (pure: no database)."""

import threading

import pytest

from moqi.accounts.limits import Busy, HashGate, SlidingWindow
from moqi.accounts.policy import password_problem
from moqi.accounts.services import AccountError, check_password, new_password
from tests.conftest import PASSWORD


def test_the_test_password_and_generated_ones_pass():
    assert password_problem(PASSWORD, "agent") is None
    for name in ("demo_agent", "ab", "li", "admin"):
        for _ in range(50):
            secret = new_password(name)
            assert password_problem(secret, name) is None, secret


@pytest.mark.parametrize(
    ("password", "username", "why"),
    [
        ("short-1", "agent", "at least 10"),
        ("x" * 257, "agent", "at most 256"),
        ("zhangsan-2024!", "zhangsan", "username"),
        ("my-ZhangSan-pass", "zhangsan", "username"),
        ("aaaaaaaaaaaa", "agent", "too few different"),
        ("13812345678", "agent", "digits only"),
        ("1q2w3e4r5t", "agent", "too common"),
        ("qwertyuiop", "agent", "too common"),
        ("Password123456", "agent", "too common"),
        ("!!sunshine2024", "agent", "too common"),
    ],
)
def test_weak_passwords_are_refused_with_a_reason(password, username, why):
    problem = password_problem(password, username)
    assert problem is not None and why in problem[0]
    assert problem[1]  # and a Chinese message for the pages
    with pytest.raises(AccountError, match=why):
        check_password(password, username)


def test_the_minimum_length_is_a_setting(monkeypatch):
    from moqi.settings import get_settings

    monkeypatch.setenv("MOQI_PASSWORD_MIN_LENGTH", "20")
    get_settings.cache_clear()
    with pytest.raises(AccountError, match="at least 20"):
        check_password(PASSWORD)
    assert len(new_password()) >= 20


def test_the_sliding_window_counts_per_key_and_forgets_old_events():
    window = SlidingWindow(limit=3, window=60)
    assert [window.hit("1.2.3.4", t) for t in (0, 1, 2)] == [0, 0, 0]
    assert window.hit("1.2.3.4", 10) == 50  # the first event leaves the window at t=60
    assert window.hit("5.6.7.8", 10) == 0  # another address has its own count
    window.forgive("1.2.3.4", 2)  # that attempt succeeded: it no longer counts
    assert window.hit("1.2.3.4", 11) == 0
    assert window.hit("1.2.3.4", 12) > 0
    assert window.hit("1.2.3.4", 61) == 0  # t=0 has left the window


def test_the_window_sweeps_stale_keys(monkeypatch):
    monkeypatch.setattr(SlidingWindow, "SWEEP_AT", 10)
    window = SlidingWindow(limit=1, window=5)
    for i in range(50):
        window.hit(f"10.0.0.{i}", float(i))
    assert len(window._events) <= 12


def test_the_gate_answers_busy_instead_of_queueing():
    gate = HashGate(slots=2, wait=0.05)
    entered, release = threading.Barrier(3), threading.Event()

    def hold():
        with gate.slot():
            entered.wait()
            release.wait(5)

    holders = [threading.Thread(target=hold) for _ in range(2)]
    for t in holders:
        t.start()
    entered.wait(5)
    with pytest.raises(Busy, match="too many password checks at once") as busy, gate.slot():
        pass
    assert busy.value.retry_after >= 1
    release.set()
    for t in holders:
        t.join(5)
    with gate.slot():  # free again
        pass
