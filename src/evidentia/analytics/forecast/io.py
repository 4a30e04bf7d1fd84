"""Read an incident CSV into the arrays `forecast()` takes, with clear errors."""

from __future__ import annotations

import csv
from pathlib import Path

import numpy as np

from .api import ForecastError


def read_incidents(
    path, *, time_col: str, x_col: str, y_col: str, category_col: str, extra=()
) -> dict:
    """Columns as arrays: times (datetime64[D]), x, y (float), category (str), and extras."""
    path = Path(path)
    if not path.is_file():
        raise ForecastError(f"No such file: {path}")
    wanted = [time_col, x_col, y_col, category_col, *extra]
    with path.open(newline="", encoding="utf-8-sig") as fh:
        reader = csv.DictReader(fh)
        header = reader.fieldnames or []
        missing = [c for c in wanted if c not in header]
        if missing:
            raise ForecastError(
                f"{path.name} lacks column(s) {', '.join(missing)}; it has: {', '.join(header)}."
            )
        cols: dict[str, list] = {c: [] for c in wanted}
        for row in reader:
            for c in wanted:
                cols[c].append(row[c])
    if not cols[time_col]:
        raise ForecastError(f"{path.name} has no rows.")
    times = np.empty(len(cols[time_col]), dtype="datetime64[D]")
    for i, value in enumerate(cols[time_col]):
        try:
            # Date only, or an ISO datetime: the day is the first ten characters.
            times[i] = np.datetime64(value.strip()[:10], "D")
        except ValueError:
            raise ForecastError(
                f"Line {i + 2}: cannot read the date {value!r} in column {time_col} "
                "(expected YYYY-MM-DD)."
            ) from None
    out = {"times": times, "category": np.array(cols[category_col], dtype=str)}
    for key, col in (("x", x_col), ("y", y_col)):
        try:
            out[key] = np.array([float(v) if v.strip() else np.nan for v in cols[col]])
        except ValueError as exc:
            raise ForecastError(f"Column {col} has a value that is not a number: {exc}.") from None
    for c in extra:
        out[c] = np.array(cols[c], dtype=object)
    return out
