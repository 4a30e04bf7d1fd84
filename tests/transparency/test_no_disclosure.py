"""No combination of published figures reveals a suppressed cell.

Every number the portal publishes (every section, every year, from the JSON download
that carries the same figures as the pages and the CSV) becomes a linear system: the
cells of each table add up to their measure's total, shown cells and totals are fixed,
a "<k" cell lies in 1..k-1 and a hidden one is >= 0. For each suppressed cell, linear
programming finds its least and greatest possible value: they must differ."""

from __future__ import annotations

import json
from datetime import timedelta

import numpy as np
import pytest
from scipy.optimize import linprog

from evidentia.transparency.models import Dataset
from evidentia.transparency.services.refresh import refresh
from tests.transparency.conftest import at

K = 5


class System:
    def __init__(self) -> None:
        self.bounds: list[tuple[float, float | None]] = []
        self.rows: list[dict[int, float]] = []
        self.rhs: list[float] = []
        self.suppressed: list[tuple[str, int]] = []

    def var(self, cell: dict, name: str) -> int:
        index = len(self.bounds)
        if cell["state"] == "shown":
            self.bounds.append((cell["value"], cell["value"]))
        elif cell["state"] == "small":
            self.bounds.append((1, K - 1))
            self.suppressed.append((name, index))
        else:
            self.bounds.append((0, None))
            self.suppressed.append((name, index))
        return index

    def equal(self, terms: dict[int, float], value: float = 0) -> None:
        self.rows.append(terms)
        self.rhs.append(value)

    def extent(self, index: int) -> tuple[float, float]:
        a = np.zeros((len(self.rows), len(self.bounds)))
        for i, row in enumerate(self.rows):
            for j, c in row.items():
                a[i, j] = c
        found = []
        for sign in (1, -1):
            c = np.zeros(len(self.bounds))
            c[index] = sign
            res = linprog(c, A_eq=a, b_eq=self.rhs, bounds=self.bounds, method="highs")
            assert res.status == 0, res.message
            found.append(sign * res.fun)
        return found[0], found[1]


def published_system(client) -> System:
    system = System()
    for key, year in Dataset.objects.values_list("key", "year"):
        data = json.loads(client.get(f"/public/transparency/data/{key}-{year}.json").content)
        totals: dict[str, int] = {}
        for table in data["tables"]:
            if table["kind"] != "count":
                continue
            name = f"{key}/{year}/{table['key']}"
            measure = table["measure"]
            if measure not in totals:
                totals[measure] = system.var(table["total"], f"{key}/{year}/{measure}/total")
            cells = [system.var(r, f"{name}/{r['label']}") for r in table["rows"]]
            system.equal({c: 1 for c in cells} | {totals[measure]: -1})
    return system


def assert_nothing_determined(client) -> int:
    system = published_system(client)
    for name, index in system.suppressed:
        low, high = system.extent(index)
        assert high - low > 0.5, f"{name} is determined: {low}..{high}"
    return len(system.suppressed)


@pytest.mark.django_db
def test_a_single_small_cell_in_one_year_cannot_be_worked_out(client, seed):
    seed.forces(12, at(2024, 3), district="North")
    seed.forces(2, at(2024, 4), district="South", subjects=(("black", "female", 19),))
    seed.forces(30, at(2025, 5), district="South")
    refresh()
    assert assert_nothing_determined(client) > 0


@pytest.mark.django_db
def test_small_cells_that_fill_a_table_cannot_be_worked_out(client, seed):
    seed.forces(4, at(2023, 1))  # 4 + 4 with nothing shown beside them
    seed.forces(4, at(2023, 2))
    for month in range(1, 6):  # five months of one incident each
        seed.force(at(2024, month), types=("hands", "taser"))
    seed.forces(3, at(2025, 6), district="East")
    seed.forces(9, at(2025, 7), district="West", types=("spray",))
    refresh()
    assert assert_nothing_determined(client) > 0


@pytest.mark.django_db
def test_every_section_with_mixed_data_keeps_its_small_cells(client, seed):
    for i in range(7):
        seed.complaint(at(2025, 2) + timedelta(days=i), types=("courtesy", "force"))
    seed.complaint(
        at(2025, 3), source="phone", types=("bias",), closed=at(2025, 6), finding="sustained"
    )
    for i in range(6):
        seed.complaint(at(2025, 4), closed=at(2025, 5) + timedelta(days=i), finding="unfounded")
    for i in range(20):
        seed.assignment(at(2025, 1) + timedelta(hours=i), "Domestic", recorded=i > 1, late=i == 5)
    for i in range(3):
        seed.assignment(at(2025, 1) + timedelta(hours=i), "Traffic stop", recorded=True)
    for i in range(8):
        seed.records(at(2025, 2) + timedelta(days=i), days=5 if i else 20)
    for i in range(9):
        seed.community(at(2025, 3), days=2.0 + i)
    seed.community(at(2025, 3), code="noise", days=1)
    refresh()
    assert assert_nothing_determined(client) >= 8
