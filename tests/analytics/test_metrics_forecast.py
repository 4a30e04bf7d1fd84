"""Hit rate, PAI and PEI against small hand-computed examples."""

import math

from evidentia.analytics.forecast import metrics


def test_hit_rate_is_the_share_of_incidents_in_the_top_cells():
    scores = [0.9, 0.1, 0.5, 0.0]
    counts = [3, 4, 1, 2]  # top 2 cells are 0 and 2: 3 + 1 = 4 of 10
    assert metrics.hit_rate(scores, counts, 2) == 0.4


def test_incidents_outside_the_grid_count_as_misses():
    assert metrics.hit_rate([1, 0], [2, 2], 1, total=8) == 0.25


def test_pai_divides_the_hit_rate_by_the_area_fraction():
    # 40% of incidents in 2 of 8 equal cells (25% of the area): PAI = 0.4 / 0.25 = 1.6
    assert math.isclose(metrics.pai(0.4, 2.0, 8.0), 1.6)


def test_pei_compares_with_the_busiest_cells():
    scores = [0.9, 0.1, 0.5, 0.0]
    counts = [3, 4, 1, 2]  # we catch 4; the best two cells hold 4 + 3 = 7
    assert math.isclose(metrics.pei(scores, counts, 2), 4 / 7)


def test_a_perfect_ranking_has_pei_one():
    assert metrics.pei([3, 2, 1], [5, 2, 0], 2) == 1.0


def test_the_budget_takes_whole_cells_that_fit():
    # 0.75 sq mi of 600 ft cells: 0.75 * 27,878,400 / 360,000 = 58.08 -> 58 cells
    assert metrics.budget_cells_sq_mi(0.75, 600) == 58
    assert metrics.budget_cells_sq_mi(0.25, 600) == 19
    assert metrics.cells_for_budget(4.0, 1.0) == 4


def test_equal_scores_rank_by_cell_index():
    assert list(metrics.rank([1, 2, 2, 1])) == [1, 2, 0, 3]


def test_score_all_reports_each_budget():
    out = metrics.score_all(
        [0.9, 0.1, 0.5, 0.0], [3, 4, 1, 2], cell_area=1.0, study_area=4.0, budgets_area=[2.0]
    )
    assert out[2.0]["k"] == 2
    assert math.isclose(out[2.0]["pai"], 0.4 / 0.5)
    assert math.isclose(out[2.0]["pei"], 4 / 7)
