"""Rolling-origin evaluation on a held-out period: every method, hit rate, PAI, PEI.

Origins run daily (or every `step` days) from `train_end`; each forecast uses only rows
before its origin and is scored on the incidents of the next `horizon` days, clipped to
`test_end`. A horizon longer than the test period gets one origin whose window is the
whole test period (its rows say window_days). PAI's study area is, by default, the
"active-cell" area: the cells with at least one incident of any category before
`train_end` (not the city's area; `study_area_sq_mi` overrides it). Hits, PAI and PEI
come from `metrics` (one implementation, unit-tested by hand).

Confidence intervals: daily origins' windows overlap, so one incident is scored in up
to `horizon` windows. The bootstrap therefore resamples unique test incidents (a
cluster bootstrap: each carries all its windows' hits and counts), 1,000 resamples,
fixed seed; the flagged area is fixed, so PAI's uncertainty is the hit rate's.
"""

from __future__ import annotations

import numpy as np

from . import metrics
from .api import ALL, METHODS, forecast, prepare
from .methods import BASELINES
from .metrics import SQ_FT_PER_SQ_MI, cells_for_budget

EVAL_METHODS = ("counts", "kde", "prospective", "blend", "auto")
BOOT = 1000


def origins_for(train_end, test_end, horizon: int, step: int = 1) -> list[tuple]:
    """(origin, window end) pairs; one clipped window when the horizon is too long."""
    train_end = np.datetime64(train_end, "D")
    test_end = np.datetime64(test_end, "D")
    out = []
    o = train_end
    while o + horizon <= test_end:
        out.append((o, o + horizon))
        o += step
    return out or [(train_end, test_end)]


def evaluate(
    data: dict,
    *,
    categories,
    horizons,
    train_end,
    test_end,
    cell_size: float,
    units_per_foot: float = 1.0,
    step: int = 1,
    budgets_sq_mi=(0.25, 0.5, 0.75),
    study_area_sq_mi: float | None = None,
) -> dict:
    t, x, y, c = data["times"], data["x"], data["y"], data["category"]
    train_end = np.datetime64(train_end, "D")
    rows, maps = [], {}
    rng = np.random.default_rng(2016)
    for cat in categories:
        for h in horizons:
            per = {m: [] for m in EVAL_METHODS}
            pairs = origins_for(train_end, test_end, int(h), step)
            for origin, end in pairs:
                f = forecast(
                    t,
                    x,
                    y,
                    c,
                    category=cat,
                    start=origin,
                    horizon_days=int(h),
                    cell_size=cell_size,
                    method="blend",
                )
                g = f.grid
                ev_scores = {"blend": f.scores}
                ev, _ = prepare(t, x, y, c, category=cat, start=origin, cell_size=cell_size, grid=g)
                n_days = int((origin - ev.day0).astype(int))
                for m in BASELINES:
                    ev_scores[m] = BASELINES[m](ev, n_days, int(h))
                ev_scores["auto"] = ev_scores[f.auto_choice or "blend"]
                sel = (t >= origin) & (t < end) & ((c == cat) if cat != ALL else True)
                test_ids = np.flatnonzero(sel)
                test_cells = g.index(x[sel], y[sel])
                if study_area_sq_mi:
                    study = study_area_sq_mi * SQ_FT_PER_SQ_MI * units_per_foot**2
                else:
                    study = (g.counts(x[t < train_end], y[t < train_end]) > 0).sum() * g.cell_area
                for m, s in ev_scores.items():
                    per[m].append((s, test_cells, study, g, f.auto_choice, test_ids))
                if (origin, end) == pairs[0] and int(h) == int(horizons[0]):
                    maps[cat] = {
                        "grid": g,
                        "scores": ev_scores["auto"],
                        "test": test_cells,
                        "method": f.auto_choice,
                        "origin": str(origin),
                    }
            for m in EVAL_METHODS:
                args = (per[m], pairs, budgets_sq_mi, units_per_foot, rng, t.size)
                rows.append(_score(cat, int(h), m, *args))
    _ratios(rows)
    return {"rows": rows, "maps": maps}


def _score(cat, h, method, per, pairs, budgets, upf, rng, n_all) -> dict:
    row = {
        "category": cat,
        "horizon": h,
        "method": method,
        "origins": len(per),
        "window_days": int((pairs[0][1] - pairs[0][0]).astype(int)),
        "incidents": int(sum(len(p[1]) for p in per)),
    }
    if method == "auto":
        row["picked"] = ", ".join(sorted({p[4] or "blend" for p in per}))
    for b in budgets:
        hit_ids, n_ids, peis, frac = [], [], [], None
        for scores, cells, study, g, _, ids in per:
            k = min(cells_for_budget(b * SQ_FT_PER_SQ_MI * upf * upf, g.cell_area), g.n)
            counts = np.bincount(cells[cells >= 0], minlength=g.n)
            # Each test incident's own hit (1/0) in the cells metrics flags; their sum is
            # metrics.hits(scores, counts, k).
            flagged = metrics.top_cells(scores, k)
            hit = np.where(cells >= 0, flagged[np.clip(cells, 0, None)], False).astype(float)
            hit_ids.append(np.bincount(ids, weights=hit, minlength=n_all))
            n_ids.append(np.bincount(ids, minlength=n_all))
            peis.append(metrics.pei(scores, counts, k))
            frac = (k * g.cell_area, study)
        if not per:
            row[b] = _empty()
            continue
        h_by, n_by = np.sum(hit_ids, axis=0), np.sum(n_ids, axis=0)
        seen = n_by > 0
        h_by, n_by = h_by[seen], n_by[seen]
        if n_by.sum() == 0 or not frac[0] or not frac[1]:
            row[b] = _empty()
            continue
        hr = h_by.sum() / n_by.sum()
        # Cluster bootstrap over unique test incidents (see the module docstring).
        w = rng.multinomial(len(n_by), np.full(len(n_by), 1 / len(n_by)), size=BOOT)
        boot = (w @ h_by) / np.maximum(w @ n_by, 1)
        row[b] = {
            "hit_rate": float(hr),
            "pai": metrics.pai(hr, *frac),
            "lo": metrics.pai(float(np.percentile(boot, 2.5)), *frac),
            "hi": metrics.pai(float(np.percentile(boot, 97.5)), *frac),
            "pei": float(np.nanmean(peis)) if np.isfinite(peis).any() else np.nan,
        }
    return row


def _empty() -> dict:
    return {"hit_rate": np.nan, "pai": np.nan, "lo": np.nan, "hi": np.nan, "pei": np.nan}


def _ratios(rows) -> None:
    """ratio = PAI at 0.75 sq mi / the best baseline's, per category and horizon."""
    for r in rows:
        base = [
            q[0.75]["pai"]
            for q in rows
            if q["category"] == r["category"]
            and q["horizon"] == r["horizon"]
            and q["method"] in BASELINES
        ]
        best = np.nanmax(base) if base and np.isfinite(base).any() else np.nan
        r["ratio"] = float(r[0.75]["pai"] / best) if best and best > 0 else np.nan


assert set(EVAL_METHODS) == set(METHODS)
