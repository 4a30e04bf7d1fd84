"""Read an incident CSV into the arrays `forecast()` takes, with clear errors, and
screen out places that cannot be real (0,0, not finite, far outside the data)."""

from __future__ import annotations

import csv
import io
import re
from pathlib import Path

import numpy as np

from .api import ForecastError
from .places import LISTED, screen

# A full date, optionally followed by a time ("2016-08-01", "2016-08-01T13:44:00").
FULL_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}(?:$|[T ])")
# The other date forms the incident importer reads (analytics/services/rows.py), as
# exports write them: "08/01/2016", "08/01/2016 01:44:00 PM", "2016/08/01 13:44".
OTHER_DATES = (
    (re.compile(r"^(\d{1,2})/(\d{1,2})/(\d{4})(?:$|[T ])"), (3, 1, 2)),
    (re.compile(r"^(\d{4})/(\d{1,2})/(\d{1,2})(?:$|[T ])"), (1, 2, 3)),
)


def day_of(value: str) -> np.datetime64 | None:
    """The calendar day a date or date-and-time was written for (its time, and any
    time zone, are ignored: forecasts work in whole days as the data give them)."""
    text = value.strip()
    try:
        if FULL_DATE.match(text):
            return np.datetime64(text[:10], "D")
        for pattern, (y, m, d) in OTHER_DATES:
            found = pattern.match(text)
            if found:
                parts = found.groups()
                return np.datetime64(
                    f"{parts[y - 1]}-{int(parts[m - 1]):02d}-{int(parts[d - 1]):02d}", "D"
                )
    except ValueError:
        return None
    return None


def read_incidents(
    path, *, time_col: str, x_col: str, y_col: str, category_col: str, extra=()
) -> dict:
    """Columns as arrays: times (datetime64[D]), x, y (float), category (str), line (the
    CSV line of each row), and extras. A short row's missing fields read as blank."""
    path = Path(path)
    if not path.is_file():
        raise ForecastError(f"No such file: {path}")
    raw = path.read_bytes()
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        raise ForecastError(
            f"{path.name} line {line}: not UTF-8 text ({exc.reason}). Save the file as UTF-8."
        ) from None
    wanted = [time_col, x_col, y_col, category_col, *extra]
    reader = csv.DictReader(io.StringIO(text, newline=""))
    try:
        header = reader.fieldnames or []
        missing = [c for c in wanted if c not in header]
        if missing:
            raise ForecastError(
                f"{path.name} lacks column(s) {', '.join(missing)}; it has: {', '.join(header)}."
            )
        cols: dict[str, list] = {c: [] for c in wanted}
        lines: list[int] = []
        for row in reader:
            lines.append(reader.line_num)
            for c in wanted:
                cols[c].append(row[c] or "")  # DictReader gives None for a short row
    except csv.Error as exc:
        raise ForecastError(f"{path.name} line {reader.line_num}: not valid CSV ({exc}).") from None
    if not cols[time_col]:
        raise ForecastError(f"{path.name} has no rows.")
    times = np.empty(len(cols[time_col]), dtype="datetime64[D]")
    for i, value in enumerate(cols[time_col]):
        day = day_of(value)
        if day is None:
            raise ForecastError(
                f"Line {lines[i]}: cannot read the date {value.strip()!r} in column {time_col} "
                "(expected YYYY-MM-DD, MM/DD/YYYY or YYYY/MM/DD, optionally followed by a "
                "time)."
            )
        times[i] = day
    out = {
        "times": times,
        "category": np.array(cols[category_col], dtype=str),
        "line": np.array(lines, dtype=np.int64),
    }
    for key, col in (("x", x_col), ("y", y_col)):
        values = np.empty(len(lines))
        for i, v in enumerate(cols[col]):
            try:
                values[i] = float(v) if v.strip() else np.nan
            except (ValueError, OverflowError):
                raise ForecastError(
                    f"Line {lines[i]}: {v!r} in column {col} is not a number."
                ) from None
        out[key] = values
    for c in extra:
        out[c] = np.array(cols[c], dtype=object)
    return out


def screen_rows(data: dict, *, metres_per_unit: float) -> tuple[dict, list[str]]:
    """The rows with usable places, and one line per reason some were left out."""
    keep, reasons = screen(data["x"], data["y"], metres_per_unit=metres_per_unit)
    notes = []
    for reason, mask in reasons.items():
        if mask.any():
            shown = ", ".join(str(n) for n in data["line"][mask][:LISTED])
            more = int(mask.sum()) - min(LISTED, int(mask.sum()))
            notes.append(
                f"excluded {int(mask.sum())} row(s) {reason}: line(s) {shown}"
                + (f" and {more} more" if more else "")
            )
    return {k: v[keep] for k, v in data.items()}, notes
