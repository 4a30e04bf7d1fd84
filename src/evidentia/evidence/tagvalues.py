"""Parsing and formatting of metadata values found in media containers.

ISO 6709 locations (QuickTime ``location`` / ``com.apple.quicktime.location.ISO6709``) and
timestamps (``creation_time`` and friends), normalised to floats and aware UTC datetimes.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, datetime


@dataclass(frozen=True)
class Location:
    lat: float
    lon: float
    alt: float | None = None
    raw: str = ""  # the tag as found, e.g. "+40.7128-074.0060+010.000/"


_ISO6709_RE = re.compile(
    r"^(?P<lat>[+-]\d{2}(?:\d{2}){0,2}(?:\.\d+)?)"
    r"(?P<lon>[+-]\d{3}(?:\d{2}){0,2}(?:\.\d+)?)"
    r"(?P<alt>[+-]\d+(?:\.\d+)?)?"
    r"(?:CRS[^/]*)?/?$"
)


def _iso6709_angle(part: str, deg_digits: int) -> float:
    sign = -1.0 if part[0] == "-" else 1.0
    whole, _, frac = part[1:].partition(".")
    fields = [whole[:deg_digits], whole[deg_digits : deg_digits + 2], whole[deg_digits + 2 :]]
    nums = [int(f) for f in fields if f]
    if frac:  # the decimal fraction belongs to the last component present
        nums[-1] = float(f"{nums[-1]}.{frac}")  # type: ignore[call-overload]
    value = sum(n / 60**i for i, n in enumerate(nums))
    return sign * value


def parse_iso6709(value: str) -> Location | None:
    """Parse an ISO 6709 point such as ``+40.7128-074.0060+010.000/``.

    Degrees, degrees+minutes (``+4042.768-07400.360/``) and degrees+minutes+seconds forms
    are accepted. Returns ``None`` for anything else or out-of-range coordinates.
    """
    m = _ISO6709_RE.match(value.strip())
    if not m:
        return None
    lat = _iso6709_angle(m.group("lat"), 2)
    lon = _iso6709_angle(m.group("lon"), 3)
    if not (-90.0 <= lat <= 90.0 and -180.0 <= lon <= 180.0):
        return None
    alt = float(m.group("alt")) if m.group("alt") else None
    return Location(round(lat, 9), round(lon, 9), alt, value.strip())


def parse_tag_time(value: str) -> datetime | None:
    """Parse a metadata timestamp to an aware UTC datetime (naive values are taken as UTC)."""
    v = value.strip()
    parsed: datetime | None = None
    try:
        parsed = datetime.fromisoformat(v)
    except ValueError:
        for fmt in ("%Y:%m:%d %H:%M:%S", "%Y-%m-%d %H:%M:%S", "%Y%m%dT%H%M%S"):
            try:
                parsed = datetime.strptime(v, fmt)
                break
            except ValueError:
                continue
    if parsed is None:
        return None
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=UTC)
    parsed = parsed.astimezone(UTC)
    # ffmpeg exposes an unset QuickTime/Unix timestamp as the epoch; that is "unknown".
    return None if parsed.year < 1971 else parsed


def iso6709(lat: float, lon: float, ele: float | None = None) -> str:
    """``+45.515200-122.678400+012.300/`` style ISO 6709 string."""
    alt = f"{ele:+08.3f}" if ele is not None else ""
    return f"{lat:+010.6f}{lon:+011.6f}{alt}/"


def rfc3339(dt: datetime) -> str:
    """``2026-03-02T14:03:07Z`` (microseconds kept only when present)."""
    dt = dt.astimezone(UTC)
    fmt = "%Y-%m-%dT%H:%M:%S.%fZ" if dt.microsecond else "%Y-%m-%dT%H:%M:%SZ"
    return dt.strftime(fmt)
