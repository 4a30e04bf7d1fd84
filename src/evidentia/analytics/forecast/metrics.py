"""Hit rate, PAI and PEI, as the NIJ Real-Time Crime Forecasting Challenge scores them.

- flagged area: the top-ranked cells whose total area is at most the budget
  (so k = floor(budget / cell area) cells; 0.75 sq mi of 600 ft cells = 58 cells);
- hit rate: the share of the test period's incidents that fall in flagged cells;
- PAI = hit rate / (flagged area / study area);
- PEI = PAI / the best PAI any choice of the same number of cells could reach,
  which equals hits / (incidents in the k busiest test cells).
Exact ties left in a score are broken by cell index (stable sort), so a ranking is
deterministic; the methods add their own tie-breaks first (see methods.py).
"""

from __future__ import annotations

import numpy as np

SQ_FT_PER_SQ_MI = 27_878_400.0
BUDGETS_SQ_MI = (0.25, 0.5, 0.75)


def rank(scores) -> np.ndarray:
    """Cell indices, highest score first; equal scores keep index order."""
    return np.argsort(-np.asarray(scores, dtype=float), kind="stable")


def cells_for_budget(budget_area: float, cell_area: float) -> int:
    """How many whole cells fit in the budget (never fewer than 0)."""
    return max(0, int(np.floor(budget_area / cell_area + 1e-9)))


def budget_cells_sq_mi(budget_sq_mi: float, cell_size_ft: float) -> int:
    return cells_for_budget(budget_sq_mi * SQ_FT_PER_SQ_MI, cell_size_ft**2)


def top_cells(scores, k: int) -> np.ndarray:
    """Boolean mask of the k flagged cells (the k highest scores)."""
    mask = np.zeros(len(scores), dtype=bool)
    mask[rank(scores)[: max(0, k)]] = True
    return mask


def hits(scores, test_counts, k: int) -> float:
    """Incidents in the top k cells."""
    return float(np.asarray(test_counts, dtype=float)[top_cells(scores, k)].sum())


def hit_rate(scores, test_counts, k: int, total: float | None = None) -> float:
    """Share of incidents in the top k cells. `total` may include incidents outside the grid."""
    counts = np.asarray(test_counts, dtype=float)
    total = counts.sum() if total is None else float(total)
    if total <= 0:
        return float("nan")
    return hits(scores, counts, k) / total


def pai(hit: float, flagged_area: float, study_area: float) -> float:
    if flagged_area <= 0 or study_area <= 0:
        return float("nan")
    return float(hit / (flagged_area / study_area))


def pei(scores, test_counts, k: int) -> float:
    """PAI / max PAI at the same flagged area = hits / the most hits k cells could hold."""
    counts = np.asarray(test_counts, dtype=float)
    best = np.sort(counts)[::-1][:k].sum()
    if best <= 0:
        return float("nan")
    return hits(scores, counts, k) / float(best)


def score_all(
    scores, test_counts, *, cell_area: float, study_area: float, budgets_area, total=None
) -> dict:
    """Hit rate, PAI and PEI at each budget (areas in the grid's units squared)."""
    out = {}
    for budget in budgets_area:
        k = cells_for_budget(budget, cell_area)
        h = hit_rate(scores, test_counts, k, total)
        out[budget] = {
            "k": k,
            "hit_rate": h,
            "pai": pai(h, k * cell_area, study_area),
            "pei": pei(scores, test_counts, k),
        }
    return out
