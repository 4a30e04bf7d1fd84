"""Small-count suppression for published tables (docs/decisions/0023).

Pure functions, no database. Every published count belongs to a one-dimensional table
for one year and one *measure* (incidents, subjects, complaints received, ...); the
tables of one measure share its total. The rules, for k = TRANSPARENCY_MIN_COUNT:

1. Primary: a count of 1..k-1 is shown as "<k"; 0 is shown as 0. A total is a count too.
2. Complementary: a table that shows its total and has a suppressed cell also hides its
   smallest shown non-zero cell, so no suppressed cell equals the total minus the rest.
3. When a table has no such cell (all its non-zero cells are small), the measure's
   total is hidden in every table of the measure, and every table of the measure that
   would give the total away as the sum of its shown cells hides its smallest non-zero
   cell. (Hiding the total in one table only would not do: the other tables publish it.)
4. A median, mean or share over fewer than k records is not shown.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.conf import settings

SHOWN, SMALL, HIDDEN = "shown", "small", "hidden"
HIDDEN_TEXT = "hidden"


def min_count() -> int:
    k = int(getattr(settings, "TRANSPARENCY_MIN_COUNT", 5))
    # Below 3, a suppressed cell (1..k-1) has one possible value: nothing to protect.
    return max(k, 3)


def small_text(k: int | None = None) -> str:
    return f"<{k or min_count()}"


@dataclass
class Cell:
    label: str
    value: int
    state: str = SHOWN

    def published(self, k: int) -> dict:
        """What leaves the building: no value unless shown."""
        shown = self.state == SHOWN
        return {
            "label": self.label,
            "value": self.value if shown else None,
            "display": _display(self.value, self.state, k),
            "state": self.state,
        }


@dataclass
class Table:
    key: str
    cells: list[Cell]
    total_state: str = SHOWN
    meta: dict = field(default_factory=dict)

    @property
    def total(self) -> int:
        return sum(c.value for c in self.cells)


def _display(value: int, state: str, k: int) -> str:
    if state == SMALL:
        return small_text(k)
    if state == HIDDEN:
        return HIDDEN_TEXT
    return f"{value:,}"


def is_small(value: int, k: int) -> bool:
    return 0 < value < k


def _hide_smallest(table: Table) -> bool:
    """Hide the smallest shown non-zero cell; False when there is none."""
    candidates = [c for c in table.cells if c.state == SHOWN and c.value > 0]
    if not candidates:
        return False
    min(candidates, key=lambda c: (c.value, c.label)).state = HIDDEN
    return True


def suppress_measure(tables: list[Table], k: int | None = None) -> bool:
    """Apply rules 1-3 in place to the tables of one measure (same total). Returns
    whether the measure's total is shown."""
    k = k or min_count()
    for table in tables:
        for cell in table.cells:
            cell.state = SMALL if is_small(cell.value, k) else SHOWN
    total = tables[0].total if tables else 0
    total_shown = not is_small(total, k)
    if total_shown:
        for table in tables:
            if any(c.state != SHOWN for c in table.cells) and not _hide_smallest(table):
                total_shown = False
                break
    if not total_shown:
        for table in tables:
            # Undo nothing: cells already hidden stay hidden (hiding more is always safe).
            if table.total > 0 and all(c.state == SHOWN for c in table.cells):
                _hide_smallest(table)
    for table in tables:
        table.total_state = SHOWN if total_shown else (SMALL if is_small(total, k) else HIDDEN)
    return total_shown


def publish_table(table: Table, k: int | None = None) -> dict:
    k = k or min_count()
    total = table.total
    return table.meta | {
        "key": table.key,
        "kind": "count",
        "rows": [c.published(k) for c in table.cells],
        "total": {
            "label": "Total",
            "value": total if table.total_state == SHOWN else None,
            "display": _display(total, table.total_state, k),
            "state": table.total_state,
        },
    }


def publish_count(value: int, k: int | None = None) -> dict:
    """A single count that is the whole of its measure (e.g. requests received)."""
    k = k or min_count()
    state = SMALL if is_small(value, k) else SHOWN
    return {
        "value": value if state == SHOWN else None,
        "display": _display(value, state, k),
        "state": state,
    }


def publish_stat(value: float | None, n: int, k: int | None = None, unit: str = "") -> dict:
    """A median, mean or share over `n` records: withheld when n < k (rule 4)."""
    k = k or min_count()
    if value is None or n == 0:
        return {"value": None, "display": "no data", "state": "empty"}
    if n < k:
        return {"value": None, "display": f"fewer than {k} records", "state": SMALL}
    value = round(float(value), 1)
    text = f"{value:g}{unit}" if unit == "%" else f"{value:g}{(' ' + unit) if unit else ''}"
    return {"value": value, "display": text, "state": SHOWN}


def share(numerator: dict, denominator: dict, k: int | None = None) -> dict:
    """A percentage from two published cells: shown only where both cells are shown
    and the base is at least k, so it cannot reveal what a cell hides."""
    k = k or min_count()
    num, den = numerator.get("value"), denominator.get("value")
    if den == 0 and denominator.get("state") == SHOWN:
        return {"value": None, "display": "no data", "state": "empty"}
    if num is None or den is None or den < k:
        return {"value": None, "display": HIDDEN_TEXT, "state": HIDDEN}
    return publish_stat(100 * num / den, den, k, "%")
