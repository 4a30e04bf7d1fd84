"""Backtest table and forecast runtime on the Portland calls for service.

Run: .venv/bin/python bench/bench_forecast.py [path/to/portland_cfs_2016_08.csv]
Trains on rows before 2016-08-18 and tests on August's last two weeks (origins daily;
a 30-day horizon is scored once on the 14 days that exist). Prints PAI at 0.25/0.5/0.75
sq mi by method, category and horizon, the ratio to the best baseline, and the wall time
of the contract command (`--method auto`) for each category and horizon, and how often
auto's backtest pick (made on training rows only) was a best method on the test weeks,
and the headroom: how many of the two test weeks' incidents the best 58 cells could
hold at all (an oracle that knew the test weeks) and what the 28-day counts and a
forecast that had peeked at the whole month (test weeks included) catch, as ratios to
the counts baseline: no honest forecast can beat the first, and should not expect to
beat the second.
The blend includes the self-exciting trigger term (forecast/sepp.py; decision 0026).
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DEFAULT = ROOT.parent / "shared" / "data" / "crime" / "portland_cfs_2016_08.csv"
CATEGORIES = ["ALL", "STREET CRIMES", "BURGLARY", "MOTOR VEHICLE THEFT"]


def main() -> None:
    path = Path(sys.argv[1]) if len(sys.argv) > 1 else DEFAULT
    sys.path.insert(0, str(ROOT / "src"))
    from evidentia.analytics.forecast.evaluate import evaluate
    from evidentia.analytics.forecast.io import read_incidents

    data = read_incidents(
        path, time_col="occurred_on", x_col="x_ft", y_col="y_ft", category_col="category"
    )
    began = time.monotonic()
    result = evaluate(
        data,
        categories=CATEGORIES,
        horizons=[7, 14, 30],
        train_end="2016-08-18",
        test_end="2016-09-01",
        cell_size=600,
    )
    print(f"backtest took {time.monotonic() - began:.0f} s")
    print("| category | horizon | method | PAI 0.25 | PAI 0.5 | PAI 0.75 [95% CI] | ratio |")
    print("|---|---|---|---|---|---|---|")
    for r in result["rows"]:
        q = r[0.75]
        print(
            f"| {r['category']} | {r['horizon']} | {r['method']} | {r[0.25]['pai']:.2f} | "
            f"{r[0.5]['pai']:.2f} | {q['pai']:.2f} [{q['lo']:.2f}-{q['hi']:.2f}] | "
            f"{r['ratio']:.2f} |"
        )
    # How often auto's pick was (one of) the best methods on the test weeks, at 0.75 sq mi.
    good = total = 0
    for cat in CATEGORIES:
        for h in (7, 14, 30):
            rows = [r for r in result["rows"] if r["category"] == cat and r["horizon"] == h]
            best = max(r[0.75]["pai"] for r in rows)
            auto = next(r for r in rows if r["method"] == "auto")
            total += 1
            good += auto[0.75]["pai"] >= best - 1e-9
            print(f"auto {cat} h={h}: picked {auto.get('picked')}")
    print(f"auto picked a best (or tied-best) method in {good} of {total} category/horizons")
    # The goal: mean PAI at 0.75 sq mi over every category and horizon, against
    # the mean of the best baseline's PAI for each pair.
    best = mean_pai(result["rows"], ("counts", "kde", "prospective"))
    for m in ("auto", "blend"):
        v = mean_pai(result["rows"], (m,))
        ratio = f"{v / best:.3f}" if best else "n/a"
        print(f"mean PAI at 0.75 sq mi: {m} {v:.3f}, best baselines {best:.3f}, ratio {ratio}")
    headroom(data)
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "evidentia.settings"}
    env.setdefault("EVIDENTIA_HOME", tempfile.mkdtemp())
    for cat, horizon in [(c, h) for c in CATEGORIES for h in ("7", "14", "30")]:
        with tempfile.TemporaryDirectory() as tmp:
            began = time.monotonic()
            subprocess.run(
                [
                    sys.executable,
                    "-m",
                    "evidentia.cli",
                    "analytics",
                    "forecast",
                    "--incidents",
                    str(path),
                    "--time-col",
                    "occurred_on",
                    "--x-col",
                    "x_ft",
                    "--y-col",
                    "y_ft",
                    "--category-col",
                    "category",
                    "--category",
                    cat,
                    "--start",
                    "2016-09-01",
                    "--horizon-days",
                    horizon,
                    "--cell-size",
                    "600",
                    "--method",
                    "auto",
                    "--out",
                    f"{tmp}/cells.csv",
                ],
                check=True,
                env=env,
                cwd=ROOT,
                capture_output=True,
            )
            print(f"forecast {cat} h={horizon} auto: {time.monotonic() - began:.1f} s")


def mean_pai(rows, methods) -> float:
    """Mean over (category, horizon) of the best PAI at 0.75 sq mi among `methods`
    (an undefined PAI, as with no test incidents, counts as 0)."""
    best: dict[tuple, float] = {}
    for r in rows:
        if r["method"] in methods:
            pai = r[0.75]["pai"]
            key = (r["category"], r["horizon"])
            best[key] = max(best.get(key, 0.0), pai if pai == pai else 0.0)
    return sum(best.values()) / len(best) if best else 0.0


def headroom(data, origin="2016-08-18", end="2016-09-01", cell=600.0, budget=0.75) -> None:
    import numpy as np

    from evidentia.analytics.forecast.api import grid_for, prepare
    from evidentia.analytics.forecast.methods import counts
    from evidentia.analytics.forecast.metrics import budget_cells_sq_mi, hits

    t = data["times"].astype("datetime64[D]")
    x, y, c = data["x"], data["y"], data["category"]
    o, e = np.datetime64(origin), np.datetime64(end)
    g = grid_for(x[t < o], y[t < o], cell)
    k = budget_cells_sq_mi(budget, cell)
    print(f"headroom at {budget} sq mi ({k} cells), test {origin} to {end}:")
    print("| category | test incidents | counts (28 d) | peeked at the month | oracle |")
    print("|---|---|---|---|---|")
    for cat in CATEGORIES:
        m = np.ones(t.size, bool) if cat == "ALL" else c == cat
        test = g.counts(x[m & (t >= o) & (t < e)], y[m & (t >= o) & (t < e)])
        ev, n_days = prepare(t, x, y, c, category=cat, start=o, cell_size=cell, grid=g)
        base = hits(counts(ev, n_days, 14), test, k)
        peek = hits(g.counts(x[m & (t < e)], y[m & (t < e)]), test, k)
        best = np.sort(test)[::-1][:k].sum()
        print(
            f"| {cat} | {test.sum():.0f} | {base:.0f} | {_versus(peek, base)} | "
            f"{_versus(best, base)} |"
        )


def _versus(value: float, base: float) -> str:
    return f"{value:.0f} ({value / base:.2f}x)" if base else f"{value:.0f}"


if __name__ == "__main__":
    main()
