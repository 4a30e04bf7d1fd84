"""The one date parser of the analytics pages: ISO days within 1900-2100.

Days near the calendar's edge (0001-01-01, 9999-12-31) overflow the moment a window
is widened by a day or compared with the previous period, so they are refused here,
with a clear message, before any arithmetic."""

from __future__ import annotations

from datetime import date

from evidentia.core.errors import Rejected

EARLIEST = date(1900, 1, 1)
LATEST = date(2100, 12, 31)


def parse_day(text: str | None, name: str, example: str = "2016-08-31") -> date | None:
    """The day in `text` (None when blank); Rejected when malformed or out of range."""
    raw = (text or "").strip()
    if not raw:
        return None
    try:
        day = date.fromisoformat(raw)
    except ValueError:
        raise Rejected(f"The {name} date must look like {example}.") from None
    if not EARLIEST <= day <= LATEST:
        raise Rejected(
            f"The {name} date must be between {EARLIEST.isoformat()} and {LATEST.isoformat()}."
        )
    return day
