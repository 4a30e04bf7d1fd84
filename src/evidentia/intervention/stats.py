"""The arithmetic of early intervention, with no database: counts in a window and the
peer comparison normalised by calls handled. Plain numpy arrays in, arrays out.

The peer test (docs/early-intervention.md has it in plain words and a worked example):
for officer i of a unit, k_i events and c_i calls handled in the window. The rate of
the *other* officers of the unit is r_i = (K - k_i) / (C - c_i) (leave-one-out: an
officer does not raise their own baseline). If i worked like their peers, their count
would be Poisson with mean mu_i = r_i * c_i, and p_i = P(X >= k_i) = sf(k_i - 1, mu_i).
An officer is flagged when k_i >= threshold and p_i (or, with the correction, the
Benjamini-Hochberg adjusted p across the unit) is below alpha.

Who is testable: only officers with at least one call (no calls, no rate: the peer rule
never flags them; the count rules still apply), in a unit where at least
`MIN_PEERS_WITH_CALLS` officers handled calls. Officers without calls add nothing to
the peers' rate either: their events have no denominator.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy import stats

# A unit with fewer officers who handled calls is "not testable": one or two peers
# are not a baseline.
MIN_PEERS_WITH_CALLS = 3


@dataclass(frozen=True)
class PeerResult:
    """One entry per officer, in the order given."""

    testable: np.ndarray  # bool
    rate: np.ndarray  # the peers' events per call (nan where not testable)
    expected: np.ndarray  # mu_i (nan where not testable)
    p: np.ndarray  # P(X >= k_i | mu_i) (nan where not testable)
    p_adjusted: np.ndarray  # Benjamini-Hochberg across the testable officers (nan: untested)
    flagged: np.ndarray  # bool


def at_least(counts: np.ndarray, threshold: int) -> np.ndarray:
    """The count rule: who has `threshold` or more events."""
    return np.asarray(counts) >= threshold


def tail_p(k: np.ndarray, mu: np.ndarray) -> np.ndarray:
    """P(X >= k) for X ~ Poisson(mu), elementwise; 1 where k <= 0."""
    k = np.asarray(k, dtype=float)
    mu = np.asarray(mu, dtype=float)
    p = stats.poisson.sf(k - 1, mu)
    return np.where(k <= 0, 1.0, p)


def benjamini_hochberg(p: np.ndarray) -> np.ndarray:
    """Adjusted p-values (q-values) controlling the false discovery rate."""
    p = np.asarray(p, dtype=float)
    if p.size == 0:
        return p
    return stats.false_discovery_control(p, method="bh")


def peer_test(
    events: np.ndarray,
    calls: np.ndarray,
    *,
    alpha: float,
    threshold: int,
    correction: bool = False,
) -> PeerResult:
    """The peer comparison for the officers of ONE unit over one window."""
    k = np.asarray(events, dtype=float)
    c = np.asarray(calls, dtype=float)
    if k.shape != c.shape or k.ndim != 1:
        raise ValueError("events and calls must be 1-D arrays of the same length")
    nan = np.full(k.shape, np.nan)
    has_calls = c > 0
    if int(has_calls.sum()) < MIN_PEERS_WITH_CALLS:
        no = np.zeros(k.shape, dtype=bool)
        return PeerResult(no, nan, nan.copy(), nan.copy(), nan.copy(), no.copy())

    total_k = k[has_calls].sum()
    total_c = c[has_calls].sum()
    others_k = total_k - k
    others_c = total_c - c
    testable = has_calls & (others_c > 0)
    with np.errstate(divide="ignore", invalid="ignore"):
        rate = np.where(testable, others_k / np.where(others_c > 0, others_c, 1), np.nan)
    expected = np.where(testable, rate * c, np.nan)
    p = np.where(testable, tail_p(k, np.nan_to_num(expected)), np.nan)
    adjusted = np.full(k.shape, np.nan)
    if testable.any():
        adjusted[testable] = benjamini_hochberg(p[testable])
    decisive = adjusted if correction else p
    flagged = testable & (k >= threshold) & (np.nan_to_num(decisive, nan=1.0) < alpha)
    return PeerResult(testable, rate, expected, p, adjusted, flagged)
