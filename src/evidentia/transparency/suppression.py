"""Small-count suppression for published tables (docs/decisions/0023).

Pure functions, no database. Every published count belongs to a one-dimensional table
for one year and one *measure* (incidents, subjects, complaints received, ...); the
tables of one measure share its total. For k = TRANSPARENCY_MIN_COUNT:

1. Primary: a count of 1..k-1 is shown as "<k"; 0 is shown as 0. A total is a count too.
2. Complementary: more cells are hidden (then totals, then whole tables withheld) until
   the linear-programming audit in `audit.py` proves that no suppressed count can be
   narrowed below "somewhere in 1..k-1" from everything a section publishes for a year.
3. A median, mean or share over fewer than k records is not shown.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.conf import settings

SHOWN, SMALL, HIDDEN, WITHHELD = "shown", "small", "hidden", "withheld"
DERIVED = "derived"  # not published, but follows from published counts
HIDDEN_TEXT = "hidden"
WITHHELD_TEXT = "withheld"


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
    if state == WITHHELD:
        return WITHHELD_TEXT
    return f"{value:,}"


def is_small(value: int, k: int) -> bool:
    return 0 < value < k


def suppress_measure(tables: list[Table], k: int | None = None) -> bool:
    """Suppress the tables of one measure on their own (no other relations). Returns
    whether the measure's total is shown."""
    from evidentia.transparency.audit import Audit

    audit = Audit({"measure": tables}, k or min_count())
    audit.protect()
    return audit.total("measure").state == SHOWN


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
