"""No combination of published figures reveals a suppressed count.

An attacker's audit, written here independently of `transparency/audit.py`: it reads
only what the public can download (the JSON of every section and year), writes down
everything a reader knows - each table's cells add up to its measure's total; the
relations between tables (force types used >= incidents, recorded + not recorded =
required per call type, late and short <= recorded, allegations >= complaints); and the
published rule (a shown number is exact, "<5" is 1..4, "hidden" is at least 5 and at
most the cells its table still shows, "withheld" is anything) - and asks linear
programming for the least and greatest value of every suppressed count. A "<5" cell
must keep its whole range 1..4; so must a count the reader can subtract ("not
recorded" = required - recorded) when it is 1..4."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

import numpy as np
import pytest
from django.db.models import Count
from django.utils import timezone
from scipy.optimize import linprog

from evidentia.cad.models import Assignment, CallTypePolicy
from evidentia.transparency.models import Dataset
from evidentia.transparency.services.refresh import refresh
from tests.transparency.conftest import at

K = 5
BOUNDS = {"small": (1, K - 1), "hidden": (K, None), "withheld": (0, None)}


class Reader:
    """What a reader can prove about one section and year."""

    def __init__(self) -> None:
        self.bounds: list[tuple[float, float | None]] = []
        self.eq: list[dict[int, float]] = []
        self.ge: list[dict[int, float]] = []  # sum >= 0
        self.names: list[str] = []

    def var(self, name: str, cell: dict | None = None) -> int:
        self.names.append(name)
        if cell is None:
            self.bounds.append((0, None))
        elif cell["state"] == "shown":
            self.bounds.append((cell["value"], cell["value"]))
        else:
            self.bounds.append(BOUNDS[cell["state"]])
        return len(self.names) - 1

    def equal(self, plus: list[int], minus: list[int]) -> None:
        self.eq.append({i: 1.0 for i in plus} | {i: -1.0 for i in minus})

    def at_least(self, big: int, small: int) -> None:
        self.ge.append({big: 1.0, small: -1.0})

    def extent(self, index: int) -> tuple[float, float]:
        n = len(self.names)

        def matrix(rows, sign):
            return np.array([[sign * r.get(j, 0.0) for j in range(n)] for r in rows])

        found = []
        for sign in (1, -1):
            c = np.zeros(n)
            c[index] = sign
            res = linprog(
                c,
                A_eq=matrix(self.eq, 1) if self.eq else None,
                b_eq=np.zeros(len(self.eq)) if self.eq else None,
                A_ub=matrix(self.ge, -1) if self.ge else None,
                b_ub=np.zeros(len(self.ge)) if self.ge else None,
                bounds=self.bounds,
                method="highs",
            )
            assert res.status in (0, 3), f"{self.names[index]}: {res.message}"
            found.append(sign * res.fun if res.status == 0 else float("inf"))
        return found[0], found[1]


def read(data: dict) -> tuple[Reader, dict]:
    reader, totals, cells = Reader(), {}, {}
    where = f"{data['key']}/{data['year']}"
    for table in data["tables"]:
        if table["kind"] != "count":
            continue
        measure = table["measure"]
        if measure not in totals:
            totals[measure] = reader.var(f"{where}/{measure}/total", table["total"])
        row = [reader.var(f"{where}/{table['key']}/{r['label']}", r) for r in table["rows"]]
        cells[table["key"]] = dict(zip([r["label"] for r in table["rows"]], row, strict=True))
        cells[table["key"]]["Total"] = totals[measure]
        reader.equal(row, [totals[measure]])
        # The published rule hides the smallest shown cell: it is at most any still shown.
        for r, i in zip(table["rows"], row, strict=True):
            for other, j in zip(table["rows"], row, strict=True):
                if r["state"] == "hidden" and other["state"] == "shown" and other["value"]:
                    reader.at_least(j, i)
    if data["key"] == "use_of_force" and "incidents" in totals:
        reader.at_least(totals["force_types"], totals["incidents"])
        reader.at_least(totals["subjects"], totals["incidents"])
        for label, index in cells["by_force_type"].items():
            if label != "Total":
                reader.at_least(totals["incidents"], index)
    if data["key"] == "complaints" and "complaints" in totals:
        reader.at_least(totals["allegations"], totals["complaints"])
    missed = {}
    if data["key"] == "body_cameras" and "required" in cells:
        for label, req in cells["required"].items():
            rec = cells["recorded"][label]
            missed[label] = reader.var(f"{where}/not recorded/{label}")
            reader.equal([rec, missed[label]], [req])
            reader.at_least(rec, cells["late"][label])
            reader.at_least(rec, cells["short"][label])
    return reader, missed


def not_recorded(year: int) -> dict[str, int]:
    """The truth, from the records, for the counts a reader can only subtract (the
    current year is published to the end of the last complete month)."""
    now = timezone.now()
    start, end = datetime(year, 1, 1, tzinfo=UTC), datetime(year + 1, 1, 1, tzinfo=UTC)
    end = max(start, min(end, datetime(now.year, now.month, 1, tzinfo=UTC)))
    rows = (
        Assignment.objects.filter(starts_at__gte=start, starts_at__lt=end, recorded=False)
        .filter(
            call__call_type__in=CallTypePolicy.objects.filter(must_record=True).values("call_type")
        )
        .values("call__call_type")
        .annotate(n=Count("pk"))
    )
    out = {r["call__call_type"]: r["n"] for r in rows}
    return out | {"Total": sum(out.values())}


def assert_nothing_determined(client) -> int:
    """Returns how many protected counts were checked."""
    checked = 0
    for key, year in Dataset.objects.values_list("key", "year"):
        data = json.loads(client.get(f"/public/transparency/data/{key}-{year}.json").content)
        reader, missed = read(data)
        truth = not_recorded(year) if missed else {}
        targets = [(i, None) for i, b in enumerate(reader.bounds) if b == BOUNDS["small"]]
        targets += [(i, truth.get(label, 0)) for label, i in missed.items()]
        targets += [(i, "?") for i, b in enumerate(reader.bounds) if b == BOUNDS["withheld"]]
        for index, true in targets:
            low, high = reader.extent(index)
            name = reader.names[index]
            if true is None or (isinstance(true, int) and 0 < true < K):
                assert low <= 1 + 1e-6 and high >= K - 1 - 1e-6, f"{name}: {low}..{high}"
                checked += 1
            elif true == "?":  # withheld: must not be provably 1..4 and narrower
                narrowed = low > 1 + 1e-6 or high < K - 1 - 1e-6
                assert not (low >= 1 - 1e-6 and high <= K - 1 + 1e-6 and narrowed), name
    return checked


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
def test_small_race_and_sex_tables_do_not_give_each_other_away(client, seed):
    # The reviewer's H1: race Black <5, White <5; sex Female <5, Male 7.
    seed.forces(4, at(2025, 2), subjects=(("black", "male", 30),))
    seed.forces(3, at(2025, 3), subjects=(("white", "male", 30),))
    seed.force(at(2025, 4), subjects=(("white", "female", 30),))
    refresh()
    assert assert_nothing_determined(client) >= 3


@pytest.mark.django_db
def test_body_camera_counts_do_not_reveal_a_few_unrecorded_assignments(client, seed):
    # The reviewer's H3: required 20 and recorded 18 would publish "2 not recorded".
    for i in range(20):
        seed.assignment(at(2025, 1) + timedelta(hours=i), "Domestic", recorded=i > 1, late=i == 5)
    for i in range(9):
        seed.assignment(at(2025, 2) + timedelta(hours=i), "Traffic stop", recorded=True)
    refresh()
    assert assert_nothing_determined(client) >= 2


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
