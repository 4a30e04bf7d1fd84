"""The Gi* kernel refuses bands that would exhaust memory."""

from __future__ import annotations

import pytest

from evidentia.analytics import hotspots


def test_the_kernel_refuses_a_band_wider_than_the_cap():
    with pytest.raises(ValueError, match="at most 10 cells"):
        hotspots.kernel("distance", hotspots.MAX_RADIUS_CELLS + 0.5)


def test_the_kernel_at_the_cap_is_21_cells_square():
    assert hotspots.kernel("distance", hotspots.MAX_RADIUS_CELLS).shape == (21, 21)
