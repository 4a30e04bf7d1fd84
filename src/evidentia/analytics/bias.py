"""The bias and validity report shown with every forecast and map.

Whom do the flagged cells fall on? For each area unit (a census tract in Portland, or
the units of any polygon layer) it compares the share of the flagged area and of the flagged
cells with the share of incidents recorded there. It also gives the repeat-flagging
rate (how much of this period's flagged area was flagged last period: a feedback-loop
warning, since patrols sent to flagged places generate more records there) and the
backtest accuracy with its confidence interval.

Without a polygon layer, cells get the area unit where most of their incidents lie
(cells without incidents get none), and the flagged-area share equals the flagged-cell
share. With a layer (`analytics.polygons`), the caller passes each cell's unit (the one
holding its centre) and, for the flagged cells, the fraction of each cell inside each
unit (`area_shares`): the flagged-area share then splits cells between units.
Pure numpy, no Django.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

UNASSIGNED = "(no area unit)"
OUTSIDE = "(outside every area)"  # the same words as analytics.polygons.OUTSIDE
MODEL_CARD = Path(__file__).resolve().parents[3] / "docs" / "analytics-model-card.md"


@dataclass
class BiasReport:
    rows: list[dict]  # unit, flagged_cells, flagged_cell_share, flagged_area_share,
    #                   incidents, incident_share, ratio (flagged share / incident share)
    flagged_cells: int
    repeat_flag_rate: float | None  # None when there is no previous period
    accuracy: list[dict] = field(default_factory=list)  # backtest rows with CIs
    notes: list[str] = field(default_factory=list)
    areas: str = ""  # where the area units came from (also the first note)


INCIDENT_COLUMN = (
    "Area units from the incidents' own area-unit column (e.g. census tract): each cell "
    "takes the unit of most of its incidents, cells without incidents have none, so the "
    "shares of flagged area and of flagged cells are the same."
)


def cell_units(n_cells: int, incident_cells, incident_units) -> np.ndarray:
    """The area unit of each cell: the unit holding most of its incidents."""
    out = np.full(n_cells, UNASSIGNED, dtype=object)
    votes: dict[int, Counter] = {}
    for c, u in zip(np.asarray(incident_cells), np.asarray(incident_units), strict=True):
        if c >= 0 and u not in (None, "") and u == u:  # u == u drops NaN
            votes.setdefault(int(c), Counter())[str(u)] += 1
    for c, counter in votes.items():
        out[c] = min(counter.items(), key=lambda kv: (-kv[1], kv[0]))[0]
    return out


def repeat_rate(flagged, previous) -> float | None:
    """Share of this period's flagged cells that were also flagged last period."""
    if previous is None:
        return None
    now = set(np.asarray(flagged).tolist())
    if not now:
        return None
    return len(now & set(np.asarray(previous).tolist())) / len(now)


def report(
    flagged,
    *,
    n_cells: int,
    incident_cells,
    incident_units,
    units_of_cells=None,
    area_shares=None,
    areas: str | None = None,
    previous_flagged=None,
    accuracy=None,
) -> BiasReport:
    """Bias report for one set of flagged cells.

    flagged: indices of the flagged cells; incident_cells / incident_units: the grid cell
    and area unit of every incident in the period the shares describe (usually the
    training data); units_of_cells: optional area unit per cell (else by majority);
    area_shares: for each flagged cell (same order), {unit: fraction of the cell in it};
    the rest of the cell counts as outside every unit (else each cell is wholly its
    unit's); areas: where the units came from, for the report (default: the incidents'
    column); previous_flagged: last period's flagged cells; accuracy: backtest rows.
    """
    flagged = np.asarray(flagged, dtype=np.int64)
    inc_cells = np.asarray(incident_cells)
    inc_units = np.asarray(incident_units, dtype=object)
    units = (
        cell_units(n_cells, inc_cells, inc_units)
        if units_of_cells is None
        else np.asarray(units_of_cells, dtype=object)
    )
    flag_counts = Counter(str(units[c]) for c in flagged)
    flag_area: Counter = Counter()
    if area_shares is None:
        flag_area.update({k: float(v) for k, v in flag_counts.items()})
    else:
        if len(area_shares) != len(flagged):
            raise ValueError("area_shares needs one entry per flagged cell")
        for share in area_shares:
            for unit, fraction in share.items():
                flag_area[str(unit)] += fraction
            rest = 1.0 - sum(share.values())
            if rest > 1e-9:
                flag_area[OUTSIDE] += rest
    inc_counts = Counter(
        UNASSIGNED if (u in (None, "") or u != u) else str(u) for u in inc_units.tolist()
    )
    total_inc = sum(inc_counts.values()) or 1
    n_flag = len(flagged) or 1
    rows = []
    for unit in sorted(set(flag_counts) | set(inc_counts) | set(flag_area)):
        fc = flag_counts.get(unit, 0)
        share_a = flag_area.get(unit, 0.0) / n_flag
        share_i = inc_counts.get(unit, 0) / total_inc
        rows.append(
            {
                "unit": unit,
                "flagged_cells": fc,
                "flagged_cell_share": fc / n_flag,
                "flagged_area_share": share_a,
                "incidents": inc_counts.get(unit, 0),
                "incident_share": share_i,
                "ratio": share_a / share_i if share_i > 0 else None,
            }
        )
    rows.sort(
        key=lambda r: (-r["flagged_area_share"], -r["flagged_cells"], -r["incidents"], r["unit"])
    )
    source = areas or INCIDENT_COLUMN
    notes = [
        source,
        "Shares compare where the model points with where calls were recorded. "
        "Calls reflect reporting and patrol patterns, not crime itself.",
    ]
    rate = repeat_rate(flagged, previous_flagged)
    if rate is not None and rate > 0.8:
        notes.append(
            f"{rate:.0%} of the flagged area was flagged last period too: watch for a "
            "feedback loop (more patrols there produce more records there)."
        )
    return BiasReport(
        rows=rows,
        flagged_cells=len(flagged),
        repeat_flag_rate=rate,
        accuracy=list(accuracy or []),
        notes=notes,
        areas=source,
    )


def model_card_text() -> str:
    try:
        return MODEL_CARD.read_text(encoding="utf-8")
    except OSError:
        return "See docs/analytics-model-card.md."
