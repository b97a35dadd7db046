"""Lockout after repeated failures, within a window, for a time or until unlocked."""

from datetime import UTC, datetime, timedelta

from auth.lockout import FailureState, LockoutRules, after_failure, after_success, unlocked

NOW = datetime(2026, 11, 22, 12, 0, tzinfo=UTC)
RULES = LockoutRules(threshold=3, window=timedelta(minutes=15), duration=timedelta(minutes=15))


def fail(times, rules=RULES, start=NOW, every=timedelta(minutes=1)):
    state, locks = FailureState(), 0
    for i in range(times):
        outcome = after_failure(state, now=start + i * every, rules=rules)
        state, locks = outcome.state, locks + outcome.just_locked
    return state, locks


def test_the_threshold_locks_the_account_exactly_once():
    state, locks = fail(3)
    assert state.is_locked(NOW + timedelta(minutes=3))
    assert locks == 1
    _, locks_after_more = fail(6)
    assert locks_after_more == 1


def test_fewer_failures_than_the_threshold_do_not_lock():
    state, _ = fail(2)
    assert not state.is_locked(NOW + timedelta(minutes=2))


def test_failures_spread_beyond_the_window_start_counting_again():
    state, locks = fail(5, every=timedelta(minutes=10))
    assert locks == 0 and state.failures <= 2


def test_the_lock_expires_after_its_duration():
    state, _ = fail(3)
    assert state.is_locked(NOW + timedelta(minutes=16))
    assert not state.is_locked(NOW + timedelta(minutes=17, seconds=1))


def test_a_lock_without_duration_holds_until_an_administrator_unlocks():
    rules = LockoutRules(threshold=3, duration=None)
    state, _ = fail(3, rules=rules)
    assert state.is_locked(NOW + timedelta(days=365))
    assert not unlocked(state).is_locked(NOW + timedelta(days=1))


def test_success_resets_the_count():
    state, _ = fail(2)
    assert after_success(state) == FailureState()


def test_failures_while_locked_do_not_extend_the_lock():
    state, _ = fail(3)
    later = after_failure(state, now=NOW + timedelta(minutes=10), rules=RULES)
    assert later.state == state and not later.just_locked
