"""Colours and the legend for a hotspot map, computed on the server so the legend, the
map and the table fallback say the same thing (and the page reads without scripts)."""

from __future__ import annotations

from typing import Any

import numpy as np

# Sequential (light to dark) and diverging (cold blue, hot red) palettes from
# ColorBrewer; every colour is drawn with a dark outline, so contrast is kept on the
# plain background.
SEQUENTIAL = ("#fee5d9", "#fcae91", "#fb6a4a", "#de2d26", "#a50f15")
DIVERGING = {
    -3: ("#2166ac", "Cold spot, 99% confidence"),
    -2: ("#67a9cf", "Cold spot, 95% confidence"),
    -1: ("#d1e5f0", "Cold spot, 90% confidence"),
    0: ("#f7f7f7", "Not significant"),
    1: ("#fddbc7", "Hot spot, 90% confidence"),
    2: ("#ef8a62", "Hot spot, 95% confidence"),
    3: ("#b2182b", "Hot spot, 99% confidence"),
}


def colour(cells: list[dict[str, Any]], method: str, unit: str) -> list[dict[str, Any]]:
    """Give each cell a `colour` and `band`; return the legend rows (colour, label)."""
    if method == "gistar":
        for c in cells:
            c["band"] = c.get("class", 0)
            c["colour"] = DIVERGING[c["band"]][0]
        present = sorted({c["band"] for c in cells} | {-2, 0, 2})
        return [{"colour": DIVERGING[k][0], "label": DIVERGING[k][1]} for k in present]
    values = np.array([c["value"] for c in cells if c["value"] > 0], dtype=float)
    if values.size == 0:
        return []
    edges = np.unique(np.quantile(values, [0.2, 0.4, 0.6, 0.8]))
    for c in cells:
        c["band"] = int(np.searchsorted(edges, c["value"], side="right"))
        c["colour"] = SEQUENTIAL[min(c["band"], len(SEQUENTIAL) - 1)]
    # Each band is labelled with the values that fall in it, so labels never overlap
    # (whole counts: "1 incident", "2 to 3 incidents") and empty bands are left out.
    bands = np.searchsorted(edges, values, side="right")
    fmt = "{:.0f}" if method == "counts" else "{:.2f}"
    rows = []
    for band in np.unique(bands):
        inside = values[bands == band]
        low, high = fmt.format(inside.min()), fmt.format(inside.max())
        if low == high:
            one = method == "counts" and low == "1" and unit.endswith("s")
            text = f"{low} {unit[:-1] if one else unit}"
        else:
            text = f"{low} to {high} {unit}"
        rows.append({"colour": SEQUENTIAL[min(int(band), 4)], "label": text})
    return rows
