"""The suppression rules on crafted tables, without a database."""

from __future__ import annotations

from evidentia.transparency.suppression import (
    HIDDEN,
    SHOWN,
    SMALL,
    Cell,
    Table,
    publish_stat,
    publish_table,
    share,
    suppress_measure,
)


def _table(*values: int, key: str = "t") -> Table:
    return Table(key, [Cell(f"r{i}", v) for i, v in enumerate(values)])


def _states(table: Table) -> list[str]:
    return [c.state for c in table.cells]


def test_a_count_below_k_shows_as_less_than_k_and_zero_shows_as_zero():
    t = _table(0, 3, 12, 20)
    suppress_measure([t], 5)
    rows = publish_table(t, 5)["rows"]
    assert [r["display"] for r in rows] == ["0", "<5", "hidden", "20"]
    assert rows[1]["value"] is None and rows[0]["value"] == 0


def test_the_smallest_shown_cell_is_hidden_beside_a_small_one():
    t = _table(3, 40, 12, 20)
    suppress_measure([t], 5)
    assert _states(t) == [SMALL, SHOWN, HIDDEN, SHOWN]
    assert t.total_state == SHOWN


def test_a_table_without_small_cells_is_shown_whole():
    t = _table(5, 40, 0)
    suppress_measure([t], 5)
    assert _states(t) == [SHOWN, SHOWN, SHOWN]


def test_the_total_is_hidden_when_no_shown_cell_can_protect_a_small_one():
    t = _table(4, 4, 0)
    suppress_measure([t], 5)
    assert _states(t) == [SMALL, SMALL, SHOWN]
    assert t.total_state == HIDDEN


def test_hiding_a_total_hides_it_in_every_table_of_the_measure():
    months, districts = _table(4, 4, key="m"), _table(8, 0, key="d")
    suppress_measure([months, districts], 5)
    assert months.total_state == districts.total_state == HIDDEN
    # The district table would otherwise give the total away as the sum of its cells.
    assert _states(districts) == [HIDDEN, SHOWN]


def test_a_small_total_is_itself_suppressed():
    t = _table(1, 2)
    suppress_measure([t], 5)
    assert publish_table(t, 5)["total"]["display"] == "<5"


def test_a_median_over_fewer_than_k_records_is_withheld():
    assert publish_stat(12.0, 4, 5)["value"] is None
    assert publish_stat(12.0, 4, 5)["display"] == "fewer than 5 records"


def test_a_median_over_k_records_is_shown():
    assert publish_stat(12.0, 5, 5, "days") == {"value": 12.0, "display": "12 days", "state": SHOWN}


def test_a_share_is_shown_only_when_both_of_its_counts_are_shown():
    shown = {"value": 40, "state": SHOWN}
    hidden = {"value": None, "state": HIDDEN}
    assert share(shown, {"value": 50, "state": SHOWN}, 5)["display"] == "80%"
    assert share(hidden, {"value": 50, "state": SHOWN}, 5)["value"] is None
    assert share({"value": 3, "state": SHOWN}, {"value": 3, "state": SHOWN}, 5)["value"] is None
