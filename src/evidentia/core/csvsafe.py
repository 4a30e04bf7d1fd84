"""CSV cells a spreadsheet will not run: text that starts like a formula gets a leading
apostrophe (OWASP's advice for CSV injection). Numbers pass through untouched."""

from __future__ import annotations

from typing import Any

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def cell(value: Any) -> Any:
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def row(values: list[Any]) -> list[Any]:
    return [cell(v) for v in values]
