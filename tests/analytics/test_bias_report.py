"""The bias and validity report on small hand-made examples."""

import numpy as np

from evidentia.analytics import bias


def test_cells_take_the_area_unit_of_most_of_their_incidents():
    units = bias.cell_units(3, [0, 0, 0, 1], ["A", "B", "A", "B"])
    assert list(units) == ["A", "B", bias.UNASSIGNED]


def test_flagged_shares_are_compared_with_incident_shares():
    # Cells 0, 1 in tract A; cell 2 in tract B. A holds 3 of 4 incidents.
    b = bias.report(
        [0, 1], n_cells=3, incident_cells=[0, 1, 1, 2], incident_units=["A", "A", "A", "B"]
    )
    a = next(r for r in b.rows if r["unit"] == "A")
    assert a["flagged_cells"] == 2
    assert a["flagged_area_share"] == 1.0
    assert a["incident_share"] == 0.75
    assert np.isclose(a["ratio"], 1 / 0.75)


def test_the_repeat_flagging_rate_is_the_share_flagged_last_period_too():
    b = bias.report(
        [0, 1, 2, 3],
        n_cells=5,
        incident_cells=[0],
        incident_units=["A"],
        previous_flagged=[1, 2, 3, 4],
    )
    assert b.repeat_flag_rate == 0.75


def test_no_previous_period_gives_no_rate():
    b = bias.report([0], n_cells=2, incident_cells=[0], incident_units=["A"])
    assert b.repeat_flag_rate is None


def test_a_high_repeat_rate_warns_of_a_feedback_loop():
    b = bias.report(
        [0, 1], n_cells=2, incident_cells=[0], incident_units=["A"], previous_flagged=[0, 1]
    )
    assert any("feedback loop" in n for n in b.notes)


def test_the_model_card_says_calls_are_not_crime():
    assert "not crime" in bias.model_card_text()
