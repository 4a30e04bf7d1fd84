"""Backtest table and forecast runtime on the Portland calls for service.

Run: .venv/bin/python bench/bench_forecast.py [path/to/portland_cfs_2016_08.csv]
Trains on rows before 2016-08-18 and tests on August's last two weeks (origins daily;
a 30-day horizon is scored once on the 14 days that exist). Prints PAI at 0.25/0.5/0.75
sq mi by method, category and horizon, the ratio to the best baseline, and the wall time
of the contract command (`--method auto`) for each category and horizon, and how often
auto's backtest pick (made on training rows only) was a best method on the test weeks.
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


if __name__ == "__main__":
    main()
