"""The disclosure audit: linear programming over everything one section publishes for
one year (docs/decisions/0023).

Every published cell and every measure's total is a variable. What a reader knows
becomes constraints: a table's cells add up to its measure's total; known relations
between tables (recorded + not recorded = required, late <= recorded, ...); and the
bounds our rules imply (a shown number is fixed, "<k" is 1..k-1, "hidden" is at least
k because only a shown non-zero cell - so at least k - is ever hidden, and it was the
smallest shown non-zero cell of its table, "withheld" is anything >= 0).

A count of 1..k-1 is protected when the least value the reader can prove is <= 1 and
the greatest >= k-1: they learn nothing beyond "<k". While one is not protected, we
hide the smallest shown non-zero cell of a constraint it is in (then a total, then
cells and totals further along the constraints), and as a last resort withhold its
whole table; then audit again. Hiding only widens what a reader can prove, so a count
once protected stays protected."""

from __future__ import annotations

import numpy as np
from scipy.optimize import linprog

from evidentia.transparency.suppression import (
    DERIVED,
    HIDDEN,
    SHOWN,
    SMALL,
    WITHHELD,
    Cell,
    Table,
    is_small,
)

EPS = 1e-6


class Unsolvable(RuntimeError):
    """The true figures break a constraint: a bug in how the relations were written."""


class Audit:
    def __init__(self, measures: dict[str, list[Table]], k: int) -> None:
        self.k = k
        self.cells: list[Cell] = []
        self.owner: list[Table | None] = []  # the table a variable is a cell of
        self.totals: dict[str, Cell] = {}
        self.tables: list[tuple[Table, Cell]] = []
        self.is_total: set[int] = set()
        self.eq: list[dict[int, float]] = []  # sum(coef * var) == 0
        self.ge: list[dict[int, float]] = []  # sum(coef * var) >= 0
        for name, tables in measures.items():
            total = Cell("Total", tables[0].total if tables else 0)
            self.totals[name] = total
            self.is_total.add(self._add(total, None))
            for table in tables:
                self.tables.append((table, total))
                for cell in table.cells:
                    self._add(cell, table)
                self.equal(table.cells, [total])

    def _add(self, cell: Cell, table: Table | None) -> int:
        self.cells.append(cell)
        self.owner.append(table)
        return len(self.cells) - 1

    def _index(self, cell: Cell) -> int:
        return next(i for i, c in enumerate(self.cells) if c is cell)

    def derived(self, label: str, value: int) -> Cell:
        """A count that is not published but follows from published ones (assignments
        not recorded = required - recorded): protected like a published one."""
        cell = Cell(label, value, DERIVED)
        self._add(cell, None)
        return cell

    def _row(self, plus: list[Cell], minus: list[Cell]) -> dict[int, float]:
        row: dict[int, float] = {}
        for sign, cells in ((1.0, plus), (-1.0, minus)):
            for cell in cells:
                i = self._index(cell)
                row[i] = row.get(i, 0.0) + sign
        return row

    def equal(self, plus: list[Cell], minus: list[Cell]) -> None:
        """sum(plus) == sum(minus); skipped where the true figures disagree (a reader
        who assumes it only fools themselves)."""
        if sum(c.value for c in plus) == sum(c.value for c in minus):
            self.eq.append(self._row(plus, minus))

    def at_least(self, big: list[Cell], small: list[Cell]) -> None:
        """sum(big) >= sum(small), under the same proviso."""
        if sum(c.value for c in big) >= sum(c.value for c in small):
            self.ge.append(self._row(big, small))

    def total(self, measure: str) -> Cell:
        return self.totals[measure]

    # -- the bounds a reader knows -------------------------------------------------
    def _bounds(self) -> list[tuple[float, float | None]]:
        out: list[tuple[float, float | None]] = []
        for c in self.cells:
            if c.state == SHOWN:
                out.append((c.value, c.value))
            elif c.state == SMALL:
                out.append((1, self.k - 1))
            elif c.state == HIDDEN:
                out.append((self.k, None))
            else:  # withheld or derived
                out.append((0, None))
        return out

    def extent(self, index: int) -> tuple[float, float]:
        """The least and greatest value a reader can prove for one variable."""
        n = len(self.cells)
        a_eq = np.array([[r.get(j, 0.0) for j in range(n)] for r in self.eq]) if self.eq else None
        a_ub = np.array([[-r.get(j, 0.0) for j in range(n)] for r in self.ge]) if self.ge else None
        bounds = self._bounds()
        found = []
        for sign in (1.0, -1.0):
            c = np.zeros(n)
            c[index] = sign
            res = linprog(
                c,
                A_eq=a_eq,
                b_eq=np.zeros(len(self.eq)) if self.eq else None,
                A_ub=a_ub,
                b_ub=np.zeros(len(self.ge)) if self.ge else None,
                bounds=bounds,
                method="highs",
            )
            if res.status == 3:  # unbounded: only possible for the maximum
                found.append(float("inf"))
            elif res.status != 0:
                raise Unsolvable(f"{self.cells[index].label}: {res.message}")
            else:
                found.append(sign * res.fun)
        return found[0], found[1]

    def protected(self, index: int) -> bool:
        low, high = self.extent(index)
        return low <= 1 + EPS and high >= self.k - 1 - EPS

    # -- making it safe ------------------------------------------------------------
    def _sensitive(self) -> list[int]:
        return [
            i for i, c in enumerate(self.cells) if c.state != SHOWN and is_small(c.value, self.k)
        ]

    def _hide(self, index: int) -> None:
        cell, table = self.cells[index], self.owner[index]
        cell.state = HIDDEN
        if table is not None:
            # A reader knows the rule: the hidden cell was the smallest shown one.
            for other in table.cells:
                if other is not cell and other.state == SHOWN and other.value > 0:
                    self.at_least([other], [cell])

    def _step(self, index: int) -> None:
        """Hide one more thing that constrains variable `index`."""
        rows = [*self.eq, *self.ge]
        seen_rows: set[int] = set()
        frontier, visited = {index}, {index}
        while frontier:
            level = [
                r for r, row in enumerate(rows) if r not in seen_rows and frontier & row.keys()
            ]
            if not level:
                break
            seen_rows.update(level)
            near = {j for r in level for j in rows[r]}
            showing = [j for j in near if self.cells[j].state == SHOWN and self.cells[j].value]
            for pool in ([j for j in showing if j not in self.is_total], showing):
                if pool:
                    self._hide(min(pool, key=lambda j: (self.cells[j].value, self.cells[j].label)))
                    return
            frontier = near - visited
            visited |= near
        self._withhold(index, rows)

    def _withhold(self, index: int, rows: list[dict[int, float]]) -> None:
        """Last resort: its own table, a table it is related to, then any table."""
        near = [self.owner[index]] + [self.owner[j] for r in rows if index in r for j in r]
        for table in [*near, *(t for t, _ in self.tables)]:
            if table is not None and any(c.state != WITHHELD for c in table.cells):
                for cell in table.cells:
                    cell.state = WITHHELD
                return
        raise Unsolvable(f"{self.cells[index].label} is pinned with every table withheld")

    def protect(self) -> None:
        """Primary suppression, then hide until every count 1..k-1 is protected."""
        for cell in self.cells:
            if cell.state != DERIVED:
                cell.state = SMALL if is_small(cell.value, self.k) else SHOWN
        done: set[int] = set()
        while True:
            todo = [i for i in self._sensitive() if i not in done]
            failing = next((i for i in todo if not self.protected(i)), None)
            done.update(todo if failing is None else todo[: todo.index(failing)])
            if failing is None:
                break
            self._step(failing)
        for table, total in self.tables:
            table.total_state = total.state
