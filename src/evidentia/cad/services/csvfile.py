"""Reading a CAD export: the column mapping, time formats and one row's checks.

Pure functions with no database, so the rules are easy to test and the importer only
writes what passed. Every problem is a `RowError` with the file's line number."""

from __future__ import annotations

import csv
import hashlib
import io
import json
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import IO, Any, TypeVar

from django.utils import timezone

from evidentia.core.errors import Rejected

T = TypeVar("T")

REQUIRED = ("call_number", "call_type", "received_at", "officers")
OPTIONAL = (
    "dispatched_at",
    "arrived_at",
    "cleared_at",
    "priority",
    "district",
    "address",
    "lat",
    "lon",
    "disposition",
    "unit",
)
FIELDS = REQUIRED + OPTIONAL
TIMES = ("received_at", "dispatched_at", "arrived_at", "cleared_at")
# Model column widths, checked here so a long value is a row error, not a database error.
MAX_LEN = {
    "call_number": 40,
    "call_type": 80,
    "priority": 10,
    "district": 40,
    "address": 300,
    "disposition": 80,
}
BADGE_MAX = 32
BADGE_SPLIT = re.compile(r"[;|,]")
# Besides ISO 8601 (datetime.fromisoformat), the forms CAD systems commonly export.
TIME_FORMATS = (
    "%Y-%m-%d %H:%M",
    "%Y-%m-%d %H:%M:%S",
    "%m/%d/%Y %H:%M",
    "%m/%d/%Y %H:%M:%S",
    "%m/%d/%Y %I:%M %p",
    "%m/%d/%Y %I:%M:%S %p",
)
DEFAULT_LENGTH = timedelta(minutes=60)


@dataclass
class RowError:
    line: int
    reason: str
    level: str = "error"  # "warning": the row was imported, with this remark

    def as_dict(self) -> dict[str, Any]:
        return {"line": self.line, "reason": self.reason, "level": self.level}


@dataclass
class Row:
    """One good CSV row, times in UTC."""

    line: int
    call: dict[str, Any]
    badges: list[str]
    unit: str = ""
    warnings: list[str] = field(default_factory=list)


def header_key(name: str) -> str:
    return re.sub(r"[\s_\-]+", "_", name.strip().lower())


def default_mapping(headers: list[str]) -> dict[str, str]:
    """Fields whose name matches a header (case, spaces and dashes aside)."""
    by_norm = {header_key(h): h for h in headers}
    return {f: by_norm[f] for f in FIELDS if f in by_norm}


def parse_mapping(pairs: list[str] | None = None, text: str = "") -> dict[str, str]:
    """`field=Column` pairs (CLI) and/or a JSON object; pairs win over JSON."""
    mapping: dict[str, str] = {}
    if text.strip():
        try:
            loaded = json.loads(text)
        except ValueError as exc:
            raise Rejected(f"The mapping is not valid JSON: {exc}.") from exc
        if not isinstance(loaded, dict) or not all(
            isinstance(k, str) and isinstance(v, str) for k, v in loaded.items()
        ):
            raise Rejected('The mapping must be a JSON object like {"call_number": "Incident"}.')
        mapping.update(loaded)
    for pair in pairs or []:
        name, sep, column = pair.partition("=")
        if not sep or not name.strip() or not column.strip():
            raise Rejected(f"Mapping {pair!r} is not field=Column.")
        mapping[name.strip()] = column.strip()
    return mapping


def check_mapping(headers: list[str], mapping: dict[str, str]) -> dict[str, str]:
    """The full mapping (defaults filled in), or Rejected naming every problem."""
    problems = []
    unknown = sorted(set(mapping) - set(FIELDS))
    if unknown:
        problems.append(f"unknown field(s) {', '.join(unknown)} (known: {', '.join(FIELDS)})")
    full = {**default_mapping(headers), **{k: v for k, v in mapping.items() if v}}
    for name, column in sorted(full.items()):
        if name in FIELDS and column not in headers:
            problems.append(f"column {column!r} (for {name}) is not in the file")
    missing = [f for f in REQUIRED if f not in full]
    if missing:
        problems.append(f"no column for {', '.join(missing)}")
    if problems:
        raise Rejected(
            "The column mapping does not fit this file: "
            + "; ".join(problems)
            + f". The file's columns are: {', '.join(headers) or '(none)'}."
        )
    return {k: v for k, v in full.items() if k in FIELDS}


def sha256_of(stream: IO[bytes]) -> str:
    digest = hashlib.sha256()
    stream.seek(0)
    for chunk in iter(lambda: stream.read(1 << 20), b""):
        digest.update(chunk)
    stream.seek(0)
    return digest.hexdigest()


def open_text(stream: IO[bytes]) -> io.TextIOWrapper:
    # utf-8-sig drops the byte-order mark spreadsheet programs put in front.
    stream.seek(0)
    return io.TextIOWrapper(stream, encoding="utf-8-sig", newline="")  # type: ignore[arg-type]


def read_headers(stream: IO[bytes]) -> list[str]:
    """The header row, or Rejected for an empty or non-UTF-8 file."""
    text = open_text(stream)
    try:
        first = next(csv.reader(text), None)
    except UnicodeDecodeError as exc:
        raise Rejected(not_utf8(1)) from exc
    except csv.Error as exc:
        raise Rejected(f"Line 1 is not CSV: {exc}.") from exc
    finally:
        text.detach()
    headers = [h.strip() for h in first or [] if h.strip()]
    if not headers:
        raise Rejected("The file is empty: there is no header row.")
    return headers


def not_utf8(line: int) -> str:
    return (
        f'The file is not UTF-8 text (near line {line}). Save it as "CSV UTF-8" and '
        "import it again."
    )


def parse_time(text: str) -> datetime:
    """An aware UTC datetime. Times without a zone are in the agency's zone."""
    text = text.strip()
    value: datetime | None = None
    try:
        value = datetime.fromisoformat(text.replace("z", "Z"))
    except ValueError:
        for fmt in TIME_FORMATS:
            try:
                value = datetime.strptime(text.upper(), fmt)
                break
            except ValueError:
                continue
    if value is None:
        raise ValueError(f"{text!r} is not a date and time this importer reads")
    if timezone.is_naive(value):
        value = timezone.make_aware(value, timezone.get_default_timezone())
    return value.astimezone(UTC)


def _coord(text: str, name: str, limit: float) -> float | None:
    if not text.strip():
        return None
    value = float(text)  # ValueError reported by the caller
    if not -limit <= value <= limit:
        raise ValueError(f"{name} {text!r} is out of range")
    return value


def parse_row(line: int, raw: dict[str, str], mapping: dict[str, str]) -> Row:
    """One row as call fields, badges and unit; ValueError says why it is bad."""

    def get(name: str) -> str:
        column = mapping.get(name)
        return (raw.get(column) or "").strip() if column else ""

    call: dict[str, Any] = {}
    number = get("call_number")
    if not number:
        raise ValueError("no call number")
    call["call_number"] = number
    call_type = get("call_type")
    if not call_type:
        raise ValueError("no call type")
    call["call_type"] = call_type
    for name, limit in MAX_LEN.items():
        if name not in ("call_number", "call_type"):
            call[name] = get(name)
        if len(call[name]) > limit:
            raise ValueError(f"{name} is longer than {limit} characters")
    for name in TIMES:
        text = get(name)
        if not text:
            if name == "received_at":
                raise ValueError("no received time")
            call[name] = None
            continue
        try:
            call[name] = parse_time(text)
        except ValueError as exc:
            raise ValueError(f"{name}: {exc}") from None
    _check_order(call)
    try:
        call["lat"] = _coord(get("lat"), "latitude", 90)
        call["lon"] = _coord(get("lon"), "longitude", 180)
    except ValueError as exc:
        why = str(exc) if "range" in str(exc) else "latitude/longitude is not a number"
        raise ValueError(why) from None
    badges: list[str] = []
    for badge in BADGE_SPLIT.split(get("officers")):
        badge = badge.strip()
        if len(badge) > BADGE_MAX:
            raise ValueError(f"badge {badge[:40]!r} is longer than {BADGE_MAX} characters")
        if badge and badge not in badges:
            badges.append(badge)
    return Row(line=line, call=call, badges=badges, unit=get("unit"))


def _check_order(call: dict[str, Any]) -> None:
    received = call["received_at"]
    for name in ("dispatched_at", "arrived_at", "cleared_at"):
        if call[name] is not None and call[name] < received:
            raise ValueError(f"{name.replace('_at', '')} before received")
    cleared = call["cleared_at"]
    for name in ("dispatched_at", "arrived_at"):
        if cleared is not None and call[name] is not None and cleared < call[name]:
            raise ValueError(f"cleared before {name.replace('_at', '')}")


def window(call: dict[str, Any]) -> tuple[datetime, datetime]:
    """An assignment's window: dispatch (else received) to cleared (else + 60 min)."""
    starts = call["dispatched_at"] or call["received_at"]
    ends = call["cleared_at"] or starts + DEFAULT_LENGTH
    return starts, max(ends, starts)


def rows(stream: IO[bytes], mapping: dict[str, str]) -> Iterator[Row | RowError]:
    """Every data row, good or bad. A decoding error stops the file (Rejected)."""
    return parsed_rows(stream, mapping, parse_row)


def parsed_rows(
    stream: IO[bytes], mapping: dict[str, str], parse: Callable[[int, dict, dict], T]
) -> Iterator[T | RowError]:
    """Every data row through `parse(line, raw, mapping)`, good or bad: a ValueError from
    `parse` is that line's error, blank lines are skipped, and a decoding error stops the
    whole file (Rejected). Shared by the CAD and the analytics importers."""
    text = open_text(stream)
    reader = csv.DictReader(text)
    try:
        reader.fieldnames  # noqa: B018 - reads the header row
        while True:
            try:
                raw = next(reader)
            except StopIteration:
                return
            except UnicodeDecodeError as exc:
                raise Rejected(not_utf8(reader.line_num + 1)) from exc
            except csv.Error as exc:
                yield RowError(reader.line_num, f"not valid CSV: {exc}")
                continue
            line = reader.line_num
            if not any((v or "").strip() for v in raw.values() if isinstance(v, str)):
                continue  # blank lines are not rows
            try:
                yield parse(line, raw, mapping)
            except ValueError as exc:
                yield RowError(line, str(exc))
    finally:
        text.detach()
