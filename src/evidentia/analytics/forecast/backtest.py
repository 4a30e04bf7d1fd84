"""Rolling-origin backtests inside the training data (used by --method auto and the blend).

Origins step back from the forecast start. Each origin's test window is the horizon,
clipped so that it fits before the start and leaves at least a week of history; for a
30-day horizon on a month of data the window is shorter than the horizon, which the
backtest table states (window_days).
"""

from __future__ import annotations

import numpy as np

from . import blend
from .methods import BASELINES, Events
from .metrics import SQ_FT_PER_SQ_MI

MIN_HISTORY = 7
MAX_ORIGINS = 12
AUTO_ORDER = ("blend", "counts", "kde", "prospective")


def origins(n_days: int, horizon: int) -> tuple[list[int], int]:
    """(origin days, latest first; test window length in days)."""
    room = n_days - MIN_HISTORY
    if room < 2:
        return [], 0
    window = min(horizon, max(7, room // 2), room)
    step = 1 if n_days < 90 else 7
    out = []
    o = n_days - window
    while o >= MIN_HISTORY and len(out) < MAX_ORIGINS:
        out.append(o)
        o -= step
    return out, window


def budget_ks(cell: float, units_per_foot: float = 1.0) -> tuple[int, ...]:
    """Cells in 0.5, 0.75 and 1 sq mi (the blend's objective; 0.75 is index 1)."""
    area = (cell / units_per_foot) ** 2
    return tuple(max(1, int(np.floor(b * SQ_FT_PER_SQ_MI / area + 1e-9))) for b in (0.5, 0.75, 1.0))


def run(ev: Events, horizon: int, ks) -> dict:
    """Backtest every method; returns the table, the blend's weights and the pick."""
    days, window = origins(ev.n_days, horizon)
    if not days:
        return {"rows": [], "weights": None, "best": None, "window_days": 0}
    mid = 1 if len(ks) > 1 else 0
    tests, totals = [], []
    for o in days:
        tests.append(ev.window(o, o + window))
        totals.append(float((ev.in_cat & (ev.day >= o) & (ev.day < o + window)).sum()))
    total = sum(totals)
    rows = []
    for name in AUTO_ORDER[1:]:
        hits = 0.0
        for o, t in zip(days, tests, strict=True):
            s = BASELINES[name](ev, o, horizon)
            hits += blend.hits_by_weights(s[:, None], t, ks[mid : mid + 1])[0, 0]
        rows.append(_row(name, hits, total, len(days), window))
    per = np.array(
        [
            blend.hits_by_weights(blend.features(ev, o, horizon), t, ks)
            for o, t in zip(days, tests, strict=True)
        ]
    )
    # Daily origins with w-day windows count each incident up to w times.
    step = days[0] - days[1] if len(days) > 1 else window
    reuse = min(window / step, len(days))
    best = blend.choose(per, reuse * len(ks))
    # Honest estimate for the blend: each origin scored with weights fit on the others.
    loo = 0.0
    for i in range(len(days)):
        others = np.delete(per, i, axis=0) if len(days) > 1 else per
        loo += per[i, blend.choose(others, reuse * len(ks)), mid]
    rows.insert(0, _row("blend", loo, total, len(days), window))
    # A baseline replaces the blend only when it is clearly better (the same guard the
    # blend's own weights get); among baselines, most hits, then AUTO_ORDER.
    rival = max(rows[1:], key=lambda r: (r["hits"], -AUTO_ORDER.index(r["method"])))
    pick = rival if blend.clearly_better(rival["hits"], rows[0]["hits"], reuse) else rows[0]
    return {
        "rows": rows,
        "weights": blend.weight_grid()[best],
        "best": pick["method"] if total > 0 else "blend",
        "window_days": window,
        "origins": days,
    }


def _row(name: str, hits: float, total: float, n: int, window: int) -> dict:
    return {
        "method": name,
        "origins": n,
        "window_days": window,
        "incidents": total,
        "hits": hits,
        "hit_rate": hits / total if total else float("nan"),
    }
