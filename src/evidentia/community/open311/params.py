"""Reading GeoReport v2 parameters: w3 dates, comma lists, coordinates, attributes.

A bad value raises `BadParameter`, whose message names the parameter and says what
would be accepted.
"""

from __future__ import annotations

import math
import re
from datetime import UTC, datetime, timedelta, timezone
from typing import Any

from django.http import QueryDict

MAX_LIST = 1000
_W3 = re.compile(
    r"^(\d{4})-(\d{2})-(\d{2})"
    r"(?:T(\d{2}):(\d{2})(?::(\d{2})(?:[.,](\d{1,9}))?)?(Z|[+-]\d{2}:?\d{2})?)?$",
    re.IGNORECASE,
)
_ATTRIBUTE = re.compile(r"^attribute\[([^\[\]]{1,64})\](\[\])?$")
_SERVICE_CODE = re.compile(r"[-a-zA-Z0-9_]{1,40}")  # Service.code is a slug
_TOKEN = re.compile(r"[0-9a-fA-F]{1,64}")
W3_EXAMPLE = "2010-01-01T00:00:00Z"


class BadParameter(Exception):
    def __init__(self, name: str, message: str, status: int = 400) -> None:
        super().__init__(message)
        self.name = name
        self.message = message
        self.status = status


def _shown(value: str) -> str:
    return value if len(value) <= 40 else value[:40] + "…"


def w3_datetime(name: str, value: str) -> datetime:
    """A w3 date (midnight UTC) or date-time with Z or an offset."""
    text = value.strip()
    # A '+' in an unencoded query string arrives as a space: 00:00:00 01:00 is +01:00.
    text = re.sub(r"(T[\d:.,]+) (\d{2}:?\d{2})$", r"\1+\2", text)
    found = _W3.match(text)
    hint = f"{name} must be a w3 date-time such as {W3_EXAMPLE}"
    if not found:
        raise BadParameter(name, f"{hint}, not '{_shown(value)}'.")
    year, month, day, hour, minute, second, fraction, zone = found.groups()
    if hour is not None and zone is None:
        raise BadParameter(name, f"{hint}: include the time zone (Z or an offset like -08:00).")
    try:
        tz = UTC
        if zone and zone.upper() != "Z":
            digits = zone[1:].replace(":", "")
            offset = timedelta(hours=int(digits[:2]), minutes=int(digits[2:]))
            tz = timezone(-offset if zone[0] == "-" else offset)
        moment = datetime(
            int(year),
            int(month),
            int(day),
            int(hour or 0),
            int(minute or 0),
            int(second or 0),
            int((fraction or "0")[:6].ljust(6, "0")),
            tzinfo=tz,
        )
    except ValueError:
        raise BadParameter(name, f"{hint}; '{_shown(value)}' is not a real date.") from None
    try:
        return moment.astimezone(UTC)
    except OverflowError:  # e.g. 9999-12-31T23:00:00-05:00 is after the last UTC moment
        raise BadParameter(
            name, f"{name} '{_shown(value)}' is outside the calendar once read as UTC."
        ) from None


def is_service_code(value: str) -> bool:
    """Whether `value` could name a service; anything else (a NUL byte, which
    PostgreSQL text cannot hold, among them) is not looked up at all."""
    return _SERVICE_CODE.fullmatch(value) is not None


def is_token(value: str) -> bool:
    return _TOKEN.fullmatch(value) is not None


def comma_list(params: QueryDict, name: str) -> list[str]:
    """Values given comma-separated, repeated, or both; empty ones are ignored."""
    seen: list[str] = []
    for given in params.getlist(name):
        for part in given.split(","):
            part = part.strip()
            if part and part not in seen:
                seen.append(part)
    if len(seen) > MAX_LIST:
        raise BadParameter(name, f"Give at most {MAX_LIST} values for {name}.")
    return seen


def coordinate(name: str, value: str | None, limit: float) -> float | None:
    if value is None or not value.strip():
        return None
    try:
        number = float(value.strip())
    except ValueError:
        raise BadParameter(name, f"{name} must be a number of degrees (WGS84).") from None
    if not math.isfinite(number) or abs(number) > limit:
        raise BadParameter(name, f"{name} must be between -{limit:g} and {limit:g} degrees.")
    return number


def attributes(params: QueryDict) -> dict[str, Any]:
    """attribute[code]=value and attribute[code][]=value (a multivaluelist)."""
    found: dict[str, Any] = {}
    for key in params:
        match = _ATTRIBUTE.match(key)
        if not match:
            continue
        code, many = match.group(1), bool(match.group(2))
        values = params.getlist(key)[:100]
        if many or len(values) > 1 or isinstance(found.get(code), list):
            earlier = found.get(code)
            before = earlier if isinstance(earlier, list) else [earlier] if earlier else []
            found[code] = before + values
        else:
            found[code] = values[0] if values else ""
    return found
