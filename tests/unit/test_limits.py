"""Rate limits: fixed windows, the try past the limit refused until the window ends."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from core.limits import JOIN_BY_ACCOUNT, Limit, counter_key, judge, window_of

HOURLY = Limit("join_tenant", "account", 3, 3600)


def test_the_tries_up_to_the_limit_pass_and_the_next_waits_for_the_window_to_end() -> None:
    now = 7200 + 600.5  # ten minutes into a window
    assert [judge(HOURLY, n, now).allowed for n in (1, 2, 3, 4, 5)] == [True, True, True, False, False]
    assert judge(HOURLY, 4, now).retry_after_s == 3000  # 50 minutes left, rounded up to whole seconds
    assert judge(HOURLY, 3, now).retry_after_s == 0


def test_a_counter_names_its_window_and_never_the_raw_identity() -> None:
    key = counter_key(JOIN_BY_ACCOUNT, "uid-alice", 7300.0)
    assert key.startswith("join_tenant.account.") and key.endswith(".7200") and "alice" not in key
    assert counter_key(JOIN_BY_ACCOUNT, "uid-alice", 10_799.0) == key  # same window
    assert counter_key(JOIN_BY_ACCOUNT, "uid-alice", 10_800.0) != key  # the next one
    assert counter_key(JOIN_BY_ACCOUNT, "uid-bob", 7300.0) != key


@given(st.floats(min_value=0, max_value=4e9), st.integers(min_value=1, max_value=1000))
def test_retry_after_always_reaches_into_the_next_window(now: float, tries: int) -> None:
    verdict = judge(HOURLY, tries, now)
    if verdict.allowed:
        assert tries <= HOURLY.allowed and verdict.retry_after_s == 0
    else:
        assert window_of(now + verdict.retry_after_s, HOURLY) > window_of(now, HOURLY)
        assert verdict.retry_after_s <= HOURLY.window_s
