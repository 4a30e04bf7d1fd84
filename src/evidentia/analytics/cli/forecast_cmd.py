"""`evidentia analytics forecast`: rank grid cells for the days from --start.

Contract (kept stable):
  evidentia analytics forecast --incidents FILE.csv --time-col occurred_on --x-col x_ft
    --y-col y_ft --category-col category --category "STREET CRIMES" --start 2016-09-01
    --horizon-days 7 --cell-size 600 --method auto --out cells.csv
Writes x_min,y_min,x_max,y_max,score (input units), highest score first, for every cell
of the grid over the training rows' extent. Only rows dated before --start are used.
"""

from __future__ import annotations

import csv
import os
import tempfile
from pathlib import Path
from typing import Any

import numpy as np

from evidentia.analytics.forecast.api import METHODS, UNITS_PER_FOOT, ForecastError, forecast
from evidentia.analytics.forecast.io import FULL_DATE, read_incidents, screen_rows
from evidentia.core.errors import Rejected


def add_arguments(parser: Any) -> None:
    parser.add_argument("--incidents", required=True, help="CSV of incidents")
    parser.add_argument("--time-col", required=True)
    parser.add_argument("--x-col", required=True)
    parser.add_argument("--y-col", required=True)
    parser.add_argument("--category-col", required=True)
    parser.add_argument("--category", required=True, help='a category, or "ALL"')
    parser.add_argument("--start", required=True, help="first forecast day, YYYY-MM-DD")
    parser.add_argument("--horizon-days", type=int, required=True)
    parser.add_argument("--cell-size", type=float, required=True, help="in the x/y units")
    parser.add_argument("--method", default="auto", choices=METHODS)
    parser.add_argument("--units", default="ft", choices=("ft", "us-ft", "m"))
    parser.add_argument("--out", required=True, help="cells.csv to write")


def parse_day(value: str, name: str) -> np.datetime64:
    text = str(value).strip()
    try:
        if not FULL_DATE.match(text):
            raise ValueError(text)
        return np.datetime64(text[:10], "D")
    except ValueError:
        raise Rejected(f"{name} {value!r} is not a date (need YYYY-MM-DD).") from None


def metres_per_unit(units: str) -> float:
    return 0.3048 / UNITS_PER_FOOT[units]


def load(options: dict[str, Any], out: Any, extra=()) -> dict:
    """The incidents, less the rows whose places are unusable (each reason reported)."""
    data = read_incidents(
        options["incidents"],
        time_col=options["time_col"],
        x_col=options["x_col"],
        y_col=options["y_col"],
        category_col=options["category_col"],
        extra=extra,
    )
    data, notes = screen_rows(data, metres_per_unit=metres_per_unit(options["units"]))
    for note in notes:
        out.write(note + "\n")
    if not len(data["times"]):
        raise ForecastError("No rows are left once the unusable places are excluded.")
    return data


def handle(options: dict[str, Any], out: Any) -> None:
    if options["horizon_days"] is None or options["horizon_days"] <= 0:
        raise Rejected("--horizon-days must be at least 1.")
    if not (np.isfinite(options["cell_size"]) and options["cell_size"] > 0):
        raise Rejected("--cell-size must be a finite positive number.")
    start = parse_day(options["start"], "--start")
    try:
        data = load(options, out)
        result = forecast(
            data["times"],
            data["x"],
            data["y"],
            data["category"],
            category=options["category"],
            start=start,
            horizon_days=options["horizon_days"],
            cell_size=options["cell_size"],
            method=options["method"],
            units=options["units"],
        )
    except ForecastError as exc:
        raise Rejected(str(exc)) from None
    write_cells(Path(options["out"]), result.ranked())
    out.write(
        f"{result.category}: {result.training_rows} training rows before {result.start}, "
        f"method {result.method}"
        + (f" (chosen by backtest from {options['method']})" if result.requested == "auto" else "")
        + f"; {len(result.scores)} cells written to {options['out']}\n"
    )
    for row in result.backtest:
        out.write(
            f"  backtest {row['method']:<12} hit rate {row['hit_rate']:.3f} "
            f"({row['origins']} origins, {row['window_days']}-day windows)\n"
        )


def write_cells(path: Path, ranked: np.ndarray) -> None:
    """Write atomically: a failed run never leaves an empty or half file behind."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".cells-", suffix=".csv")
    try:
        with os.fdopen(fd, "w", newline="") as fh:
            w = csv.writer(fh)
            w.writerow(["x_min", "y_min", "x_max", "y_max", "score"])
            for x0, y0, x1, y1, s in ranked:
                w.writerow([f"{x0:.10g}", f"{y0:.10g}", f"{x1:.10g}", f"{y1:.10g}", f"{s:.6g}"])
        # mkstemp makes the file 0600 whatever the umask; give it an ordinary file's mode.
        umask = os.umask(0)
        os.umask(umask)
        os.chmod(tmp, 0o666 & ~umask)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
