"""The arithmetic, on crafted numbers, checked against hand computation."""

from __future__ import annotations

import math

import numpy as np
import pytest

from evidentia.intervention import stats


def test_the_count_rule_is_at_least_the_threshold():
    assert stats.at_least(np.array([0, 2, 3, 7]), 3).tolist() == [False, False, True, True]


def test_the_tail_probability_matches_a_hand_computation():
    # P(X >= 2 | mu = 0.5) = 1 - e^-0.5 (1 + 0.5) = 1 - 1.5 x 0.6065307 = 0.0902040
    assert stats.tail_p(np.array([2]), np.array([0.5]))[0] == pytest.approx(0.0902040, abs=1e-7)


def test_the_tail_probability_of_zero_events_is_one():
    assert stats.tail_p(np.array([0]), np.array([3.0]))[0] == 1.0


def test_the_worked_example_in_the_documentation():
    # docs/early-intervention.md: 6 reports for 50 calls; peers 10 for 400 calls.
    mu = 10 / 400 * 50
    by_hand = 1 - sum(math.exp(-mu) * mu**x / math.factorial(x) for x in range(6))
    assert mu == 1.25
    assert by_hand == pytest.approx(0.001838, abs=1e-6)
    assert stats.tail_p(np.array([6]), np.array([mu]))[0] == pytest.approx(by_hand, rel=1e-9)


# busy, quiet, average, average
EVENTS = np.array([6, 6, 2, 2])
CALLS = np.array([200, 50, 100, 100])


def test_a_busy_officer_with_proportionally_many_reports_is_not_flagged():
    result = stats.peer_test(EVENTS, CALLS, alpha=0.05, threshold=2)
    # Peers of the busy officer: 10 reports for 250 calls, so 0.04 a call; 200 calls -> 8.
    assert result.rate[0] == pytest.approx(0.04)
    assert result.expected[0] == pytest.approx(8.0)
    assert result.p[0] > 0.5
    assert not result.flagged[0]


def test_a_quiet_officer_with_the_same_count_is_flagged():
    result = stats.peer_test(EVENTS, CALLS, alpha=0.05, threshold=2)
    # Peers of the quiet officer: 10 reports for 400 calls; 50 calls -> 1.25 expected.
    assert result.expected[1] == pytest.approx(1.25)
    assert result.p[1] == pytest.approx(0.001838, abs=1e-6)
    assert result.flagged.tolist() == [False, True, False, False]


def test_the_officer_does_not_raise_their_own_baseline():
    result = stats.peer_test(EVENTS, CALLS, alpha=0.05, threshold=2)
    pooled = EVENTS.sum() / CALLS.sum()  # 16/450, which includes the officer's own six
    assert result.rate[1] == pytest.approx(10 / 400)
    assert result.rate[1] < pooled


def test_the_correction_adjusts_across_the_unit():
    result = stats.peer_test(EVENTS, CALLS, alpha=0.05, threshold=2, correction=True)
    # Smallest of four p-values: q = p x 4 / 1.
    assert result.p_adjusted[1] == pytest.approx(result.p[1] * 4)
    assert result.flagged.tolist() == [False, True, False, False]


def test_the_correction_can_withhold_a_borderline_flag():
    events, calls = np.array([4, 1, 1, 1, 1, 1, 1, 1]), np.array([20] * 8)
    raw = stats.peer_test(events, calls, alpha=0.05, threshold=2)
    corrected = stats.peer_test(events, calls, alpha=0.05, threshold=2, correction=True)
    assert raw.p[0] < 0.05 and raw.flagged[0]
    assert not corrected.flagged[0]


def test_an_officer_with_no_calls_is_not_testable_and_never_flagged():
    result = stats.peer_test(
        np.array([9, 1, 1, 1]), np.array([0, 50, 50, 50]), alpha=0.05, threshold=2
    )
    assert not result.testable[0]
    assert not result.flagged[0]
    assert math.isnan(result.p[0])


def test_events_without_calls_do_not_enter_the_peers_rate():
    result = stats.peer_test(
        np.array([9, 1, 1, 1]), np.array([0, 50, 50, 50]), alpha=0.05, threshold=2
    )
    assert result.rate[1] == pytest.approx(2 / 100)


def test_a_unit_with_fewer_than_three_officers_with_calls_is_not_testable():
    result = stats.peer_test(np.array([8, 0, 5]), np.array([10, 100, 0]), alpha=0.05, threshold=2)
    assert not result.testable.any()
    assert not result.flagged.any()


def test_a_count_below_the_threshold_is_never_flagged_however_small_p():
    result = stats.peer_test(
        np.array([1, 0, 0, 0]), np.array([10, 500, 500, 500]), alpha=0.05, threshold=2
    )
    assert result.p[0] == 0.0  # peers had none: the expected count is zero
    assert not result.flagged[0]


def test_arrays_of_different_lengths_are_refused():
    with pytest.raises(ValueError):
        stats.peer_test(np.array([1, 2]), np.array([1]), alpha=0.05, threshold=2)
