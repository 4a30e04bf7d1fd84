"""Reading an incident CSV: the column mapping, times and one row's checks.

Pure functions with no database. Headers, UTF-8 handling and datetime formats come from
the CAD importer (`cad.services.csvfile`) so both importers read files the same way.
Places are only parsed here; the file-wide checks (mixed CRSs, 0,0, study area) need all
rows at once and live in `places.py`."""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, time
from typing import IO, Any

from django.utils import timezone

from evidentia.cad.services.csvfile import (
    RowError,
    header_key,
    parse_mapping,
    parse_time,
    parsed_rows,
    read_headers,
    sha256_of,
)
from evidentia.core.errors import Rejected

__all__ = [
    "FIELDS",
    "REQUIRED",
    "ParsedRow",
    "RowError",
    "check_mapping",
    "default_mapping",
    "parse_mapping",
    "read_headers",
    "rows",
    "sha256_of",
]

REQUIRED = ("occurred_at", "category")
PLACE = ("lat", "lon", "x", "y")
OPTIONAL = ("subcategory", "id", "area_unit", *PLACE)
FIELDS = REQUIRED + OPTIONAL
# Common header names for each field, besides the field's own name.
ALIASES = {
    "occurred_at": ("occurred_on", "date", "datetime", "occurred", "time"),
    "category": ("primary_type", "type", "offense", "call_type"),
    "lat": ("latitude",),
    "lon": ("longitude", "lng"),
    "x": ("x_ft", "x_m", "x_coordinate"),
    "y": ("y_ft", "y_m", "y_coordinate"),
    "id": ("case_number", "incident_number", "call_number"),
    "area_unit": ("census_tract", "tract"),
    "subcategory": ("case_type", "description"),
}
DATE_FORMATS = ("%Y-%m-%d", "%m/%d/%Y", "%Y/%m/%d")
MAX_LEN = {"category": 120, "subcategory": 120, "area_unit": 60}


@dataclass
class ParsedRow:
    """One good row: a time in UTC and the place as given (checked file-wide later)."""

    line: int
    occurred_at: datetime
    date_only: bool
    category: str
    subcategory: str = ""
    ident: str = ""
    area_unit: str = ""
    lat: float | None = None
    lon: float | None = None
    x: float | None = None
    y: float | None = None


def default_mapping(headers: list[str]) -> dict[str, str]:
    by_norm = {header_key(h): h for h in headers}
    found: dict[str, str] = {}
    for name in FIELDS:
        for candidate in (name, *ALIASES.get(name, ())):
            if candidate in by_norm:
                found[name] = by_norm[candidate]
                break
    return found


def check_mapping(headers: list[str], mapping: dict[str, str], *, defaults: bool = False) -> dict:
    """The mapping, or Rejected naming every problem. With `defaults`, unmapped fields
    take a matching header (the web form starts from those; the CLI is explicit)."""
    problems = []
    unknown = sorted(set(mapping) - set(FIELDS))
    if unknown:
        problems.append(f"unknown field(s) {', '.join(unknown)} (known: {', '.join(FIELDS)})")
    given = {k: v for k, v in mapping.items() if v and k in FIELDS}
    full = {**default_mapping(headers), **given} if defaults else given
    for name, column in sorted(full.items()):
        if column not in headers:
            problems.append(f"column {column!r} (for {name}) is not in the file")
    missing = [f for f in REQUIRED if f not in full]
    if missing:
        problems.append(f"no column for {', '.join(missing)}")
    for a, b in (("lat", "lon"), ("x", "y")):
        if (a in full) != (b in full):
            problems.append(f"{a} and {b} go together: map both or neither")
    if not any(f in full for f in PLACE):
        problems.append("no place: map lat and lon, or x and y (with the EPSG code of x/y)")
    if problems:
        raise Rejected(
            "The column mapping does not fit this file: "
            + "; ".join(problems)
            + f". The file's columns are: {', '.join(headers) or '(none)'}."
        )
    return full


def parse_when(text: str) -> tuple[datetime, bool]:
    """(UTC datetime, date_only). A date alone is midnight in the agency's zone."""
    text = text.strip()
    for fmt in DATE_FORMATS:
        try:
            day: date = datetime.strptime(text, fmt).date()
        except ValueError:
            continue
        local = datetime.combine(day, time.min, timezone.get_default_timezone())
        return local.astimezone(UTC), True
    return parse_time(text), False


def _number(text: str, name: str) -> float | None:
    if not text:
        return None
    try:
        value = float(text)
    except ValueError:
        raise ValueError(f"{name} {text[:40]!r} is not a number") from None
    if value != value or value in (float("inf"), float("-inf")):
        raise ValueError(f"{name} {text[:40]!r} is not a number")
    return value


def parse_row(line: int, raw: dict[str, Any], mapping: dict[str, str]) -> ParsedRow:
    def get(name: str) -> str:
        column = mapping.get(name)
        value = raw.get(column) if column else None
        return value.strip() if isinstance(value, str) else ""

    when = get("occurred_at")
    if not when:
        raise ValueError("no date or time")
    try:
        occurred_at, date_only = parse_when(when)
    except ValueError:
        raise ValueError(f"{when[:40]!r} is not a date or a date and time") from None
    category = get("category")
    if not category:
        raise ValueError("no category")
    values = {name: get(name) for name in MAX_LEN}
    for name, limit in MAX_LEN.items():
        if len(values[name]) > limit:
            raise ValueError(f"{name} is longer than {limit} characters")
    place = {name: _number(get(name), name) for name in PLACE if name in mapping}
    has_ll = place.get("lat") is not None and place.get("lon") is not None
    has_xy = place.get("x") is not None and place.get("y") is not None
    if not (has_ll or has_xy):
        raise ValueError("no place (the coordinates are blank)")
    return ParsedRow(
        line=line,
        occurred_at=occurred_at,
        date_only=date_only,
        category=category,
        subcategory=values["subcategory"],
        ident=get("id"),
        area_unit=values["area_unit"],
        **place,
    )


def rows(stream: IO[bytes], mapping: dict[str, str]) -> Iterator[ParsedRow | RowError]:
    """Every data row, good or bad. A decoding error stops the file (Rejected)."""
    return parsed_rows(stream, mapping, parse_row)


def row_key(row: ParsedRow, x: float, y: float, nth: int = 0) -> str:
    """The source's id (hashed when long), else a digest of the normalised row. `nth`
    counts earlier identical rows in the file: two calls at one place on one day are two
    incidents, and the same file imported again gives the same keys."""
    if row.ident:
        if len(row.ident) <= 64:
            return row.ident
        return hashlib.sha256(row.ident.encode()).hexdigest()
    parts = [
        row.occurred_at.isoformat(),
        "d" if row.date_only else "t",
        row.category,
        row.subcategory,
        f"{x:.2f}",
        f"{y:.2f}",
        row.area_unit,
    ]
    if nth:
        parts.append(f"#{nth}")
    return hashlib.sha256("\x1f".join(parts).encode()).hexdigest()
