"""The linear-programming audit on the reviewer's examples, without a database: after
`protect()`, every count of 1..4 can still be anything from 1 to 4 for a reader."""

from __future__ import annotations

from evidentia.transparency.audit import Audit
from evidentia.transparency.suppression import HIDDEN, SHOWN, SMALL, WITHHELD, Cell, Table

K = 5


def _table(key: str, **cells: int) -> Table:
    return Table(key, [Cell(label, n) for label, n in cells.items()])


def _states(table: Table) -> dict[str, str]:
    return {c.label: c.state for c in table.cells} | {"Total": table.total_state}


def _all_protected(audit: Audit) -> bool:
    small = [i for i, c in enumerate(audit.cells) if 0 < c.value < K and c.state != SHOWN]
    return bool(small) and all(audit.protected(i) for i in small)


def test_a_single_small_cell_is_protected_by_one_hidden_cell():
    t = _table("t", a=3, b=40, c=12, d=20)
    audit = Audit({"m": [t]}, K)
    audit.protect()
    assert _states(t) == {"a": SMALL, "b": SHOWN, "c": HIDDEN, "d": SHOWN, "Total": SHOWN}
    assert _all_protected(audit)


def test_one_hidden_cell_is_not_enough_when_it_would_be_pinned():
    # H2: 1, 5, 100 (total 106) as "<5", hidden, 100 leaves 6 = small + hidden (>= 5).
    t = _table("t", a=1, b=5, c=100)
    audit = Audit({"m": [t]}, K)
    audit.protect()
    assert _states(t) == {"a": SMALL, "b": HIDDEN, "c": HIDDEN, "Total": SHOWN}
    assert _all_protected(audit)


def test_an_all_small_table_hides_its_total():
    t = _table("t", a=4, b=4, c=0)
    audit = Audit({"m": [t]}, K)
    audit.protect()
    assert _states(t) == {"a": SMALL, "b": SMALL, "c": SHOWN, "Total": HIDDEN}
    assert _all_protected(audit)


def test_an_all_small_table_cannot_be_undone_by_a_table_of_the_same_measure():
    months, districts = _table("m", jan=4, feb=4), _table("d", north=8, south=0)
    audit = Audit({"incidents": [months, districts]}, K)
    audit.protect()
    assert districts.total_state == HIDDEN and districts.cells[0].state == HIDDEN
    assert _all_protected(audit)


def test_race_and_sex_tables_of_small_cells_do_not_give_each_other_away():
    # H1: race Black <5, White <5; sex Female <5, Male 7 => total 8, Female 1, 4 and 4.
    race, sex = _table("race", black=4, white=4, asian=0), _table("sex", female=1, male=7)
    audit = Audit({"subjects": [race, sex]}, K)
    audit.protect()
    # Hiding "Male" and the total still leaves Black >= 2, so the race table goes.
    assert _states(sex) == {"female": SMALL, "male": HIDDEN, "Total": HIDDEN}
    assert {c.state for c in race.cells} == {WITHHELD}
    assert _all_protected(audit)


def _body_cameras(required: dict, recorded: dict, late: dict) -> tuple[Audit, dict]:
    tables = {
        "required": _table("required", **required),
        "recorded": _table("recorded", **recorded),
        "late": _table("late", **late),
    }
    audit = Audit({key: [t] for key, t in tables.items()}, K)
    columns = {key: [*t.cells, audit.total(key)] for key, t in tables.items()}
    for req, rec, lat in zip(*columns.values(), strict=True):
        missed = audit.derived(f"not recorded {req.label}", req.value - rec.value)
        audit.equal([rec, missed], [req])
        audit.at_least([rec], [lat])
    audit.protect()
    return audit, tables


def test_required_minus_recorded_does_not_publish_a_few_unrecorded_assignments():
    # H3: required 20, recorded 18 would say "2 not recorded" without a single "<5".
    audit, tables = _body_cameras(
        {"domestic": 20, "traffic": 9},
        {"domestic": 18, "traffic": 9},
        {"domestic": 1, "traffic": 0},
    )
    missed = next(i for i, c in enumerate(audit.cells) if c.label == "not recorded domestic")
    assert audit.extent(missed)[0] <= 1 and audit.extent(missed)[1] >= 4
    assert _states(tables["recorded"]) == {"domestic": HIDDEN, "traffic": HIDDEN, "Total": HIDDEN}
    assert _all_protected(audit)


def test_a_table_is_withheld_only_as_a_last_resort():
    t = _table("t", a=2, b=2)
    other = _table("o", x=4)  # the same measure: x = total = 4, so a + b = 4
    audit = Audit({"m": [t, other]}, K)
    audit.protect()
    # Nothing is shown to hide, so a reader would pin a and b between 1 and 3.
    assert _states(t) == {"a": WITHHELD, "b": WITHHELD, "Total": SMALL}
    assert _all_protected(audit)
