"""A hotspot map of one dataset: grid counts, kernel density or Gi*, filtered by
category and time window; cells as lat/lon rectangles for Leaflet, GeoJSON and CSV.

Read-only: no ledger event (viewing analytics changes nothing). The grid and the
kernel density are the forecasting package's (`analytics.forecast`), so a map and a
forecast of the same data agree cell for cell."""

from __future__ import annotations

import csv
import io
import json
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from typing import Any

import numpy as np
from django.utils import timezone

from evidentia.analytics import hotspots as gi
from evidentia.analytics.forecast import kde
from evidentia.analytics.forecast.grid import Grid
from evidentia.analytics.models import Dataset, Incident
from evidentia.analytics.services.dates import parse_day
from evidentia.analytics.services.geojson import cell_boxes, cell_feature
from evidentia.analytics.services.places import metres_per_unit
from evidentia.core.errors import Rejected

METHODS = (("counts", "Grid counts"), ("kde", "Kernel density"), ("gistar", "Getis-Ord Gi*"))
NEIGHBOURHOODS = (("queen", "Queen (8 neighbours)"), ("distance", "Distance band"))
MAX_CELLS = 250_000  # a finer grid over a city is a request to slow the server down
MAX_CELL_METRES = 10_000  # a cell wider than 10 km is no longer a place
MAX_SHOWN = 4000  # cells sent to the map (the strongest); exports carry every cell
TOP = 20


@dataclass
class Filters:
    dataset: Dataset
    category: str = ""
    start: date | None = None
    end: date | None = None  # inclusive
    method: str = "counts"
    cell: float = 0.0  # in the dataset's units; 0 = about 180 m
    bandwidth: float = 0.0  # KDE; 0 = two cells
    neighbourhood: str = "queen"
    radius_cells: float = 1.5
    fdr: bool = True

    def query(self) -> dict[str, str]:
        return {
            "dataset": self.dataset.slug,
            "category": self.category,
            "start": self.start.isoformat() if self.start else "",
            "end": self.end.isoformat() if self.end else "",
            "method": self.method,
            "cell": f"{self.cell:g}",
            "bandwidth": f"{self.bandwidth:g}",
            "neighbourhood": self.neighbourhood,
            "radius": f"{self.radius_cells:g}",
            "fdr": "1" if self.fdr else "0",
        }


@dataclass
class HotspotMap:
    filters: Filters
    grid: Grid | None
    incidents: int
    cells: list[dict[str, Any]] = field(default_factory=list)  # every cell with a value
    top: list[dict[str, Any]] = field(default_factory=list)
    flagged: list[int] = field(default_factory=list)  # cell indices the map highlights
    incident_cells: np.ndarray | None = None
    incident_units: list[str] = field(default_factory=list)
    value_label: str = "incidents"
    hot: int = 0
    cold: int = 0


def _number(text: str, name: str, default: float) -> float:
    if not (text or "").strip():
        return default
    try:
        value = float(text)
    except ValueError:
        raise Rejected(f"{name} must be a number.") from None
    if not value > 0 or value != value or value == float("inf"):
        raise Rejected(f"{name} must be more than 0.")
    return value


def _day(text: str, name: str) -> date | None:
    return parse_day(text, name)


def parse_filters(params: Any, dataset: Dataset) -> Filters:
    """Filters from a query string; Rejected with a clear message for bad values."""
    method = params.get("method") or "counts"
    if method not in dict(METHODS):
        raise Rejected("The method must be counts, kde or gistar.")
    neighbourhood = params.get("neighbourhood") or "queen"
    if neighbourhood not in dict(NEIGHBOURHOODS):
        raise Rejected("The neighbourhood must be queen or distance.")
    metres = metres_per_unit(dataset.epsg)
    cell = _number(
        params.get("cell", ""), "The cell size", 600.0 if dataset.units == "ft" else 180.0
    )
    start, end = _day(params.get("start", ""), "start"), _day(params.get("end", ""), "end")
    if start and end and end < start:
        raise Rejected("The end date is before the start date.")
    radius = _number(params.get("radius", ""), "The distance band", 1.5)
    if neighbourhood == "distance" and radius < 1:
        raise Rejected("The distance band must be at least one cell wide.")
    if radius > gi.MAX_RADIUS_CELLS:
        raise Rejected(
            f"The distance band can be at most {gi.MAX_RADIUS_CELLS} cells wide; "
            "choose larger cells for a wider neighbourhood."
        )
    if cell * metres < 10:
        raise Rejected("Cells smaller than 10 m are finer than the places in the data.")
    if cell * metres > MAX_CELL_METRES:
        raise Rejected(
            f"Cells can be at most {MAX_CELL_METRES / metres:,.0f} {dataset.units} (10 km) wide."
        )
    return Filters(
        dataset=dataset,
        category=(params.get("category") or "").strip(),
        start=start,
        end=end,
        method=method,
        cell=cell,
        bandwidth=_number(params.get("bandwidth", ""), "The bandwidth", 2 * cell),
        neighbourhood=neighbourhood,
        radius_cells=radius,
        fdr=params.get("fdr", "1") != "0",
    )


def _window(f: Filters, start: date | None, end: date | None) -> Any:
    rows = Incident.objects.filter(dataset=f.dataset)
    if f.category:
        rows = rows.filter(category=f.category)
    # Days in the agency's zone: a date-only import is midnight there, so it falls on
    # its own day.
    zone = timezone.get_default_timezone()
    if start:
        rows = rows.filter(occurred_at__gte=datetime.combine(start, time.min, zone))
    if end:
        rows = rows.filter(
            occurred_at__lt=datetime.combine(end + timedelta(days=1), time.min, zone)
        )
    return rows


def points(f: Filters, start: date | None = None, end: date | None = None, *, same: bool = True):
    rows = _window(f, f.start if same else start, f.end if same else end)
    data = list(rows.values_list("x", "y", "area_unit"))
    if not data:
        return np.zeros(0), np.zeros(0), []
    x = np.fromiter((d[0] for d in data), float, len(data))
    y = np.fromiter((d[1] for d in data), float, len(data))
    return x, y, [d[2] for d in data]


def grid_for(f: Filters, x: np.ndarray, y: np.ndarray) -> Grid:
    area = f.dataset.area
    grid = Grid.from_extent(*area, f.cell) if area is not None else Grid.covering(x, y, f.cell)
    if grid.n > MAX_CELLS:
        raise Rejected(
            f"That cell size makes {grid.n:,} cells; choose cells of at least "
            f"{f.cell * np.sqrt(grid.n / MAX_CELLS):.0f} {f.dataset.units}."
        )
    return grid


def layer(f: Filters, grid: Grid, x: np.ndarray, y: np.ndarray) -> dict[str, np.ndarray]:
    counts = grid.counts(x, y)
    out = {"count": counts}
    if f.method == "counts":
        out["value"] = counts
    elif f.method == "kde":
        # Expected incidents per cell: density (per unit area) times the cell's area.
        out["value"] = kde.density(grid, x, y, f.bandwidth) * grid.cell_area
    else:
        weights = gi.kernel(f.neighbourhood, f.radius_cells)
        result = gi.gi_star(grid.to_2d(counts), weights)
        out["z"], out["p"] = result.z.ravel(), result.p.ravel()
        out["value"] = np.nan_to_num(out["z"])
        out["class"] = gi.significance(result.z, result.p, fdr=f.fdr).ravel()
    return out


def _flagged(f: Filters, values: dict[str, np.ndarray]) -> np.ndarray:
    """The cells the map highlights: significant hot spots for Gi*, else the top cells."""
    if f.method == "gistar":
        return np.flatnonzero(values["class"] >= 2)
    v = values["value"]
    order = np.argsort(-v, kind="stable")
    return order[: min(TOP, int((v > 0).sum()))]


def build(f: Filters) -> HotspotMap:
    x, y, units = points(f)
    if x.size == 0:
        return HotspotMap(filters=f, grid=None, incidents=0)
    grid = grid_for(f, x, y)
    values = layer(f, grid, x, y)
    flagged = _flagged(f, values)
    result = HotspotMap(
        filters=f,
        grid=grid,
        incidents=int(x.size),
        flagged=flagged.tolist(),
        incident_cells=grid.index(x, y),
        incident_units=units,
        value_label={"counts": "incidents", "kde": "expected incidents", "gistar": "Gi* z"}[
            f.method
        ],
    )
    if f.method == "kde":
        keep = values["value"] > 1e-3  # the Gaussian's long tail is not a hotspot
    elif f.method == "gistar":
        keep = (values["count"] > 0) | (values["class"] != 0)
    else:
        keep = values["count"] > 0
    interesting = np.flatnonzero(keep)
    result.cells = _cells(f, grid, values, interesting)
    by_strength = sorted(result.cells, key=lambda c: -c["value"])
    result.top = by_strength[:TOP]
    if f.method == "gistar":
        result.hot = int((values["class"] >= 2).sum())
        result.cold = int((values["class"] <= -2).sum())
    return result


def previous_flagged(f: Filters, grid: Grid) -> list[int] | None:
    """The cells the same map flags for the equally long window just before this one."""
    if not (f.start and f.end):
        return None
    days = (f.end - f.start).days + 1
    x, y, _ = points(f, f.start - timedelta(days=days), f.start - timedelta(days=1), same=False)
    if x.size == 0:
        return None
    return _flagged(f, layer(f, grid, x, y)).tolist()


def _cells(f: Filters, grid: Grid, values: dict[str, np.ndarray], idx: np.ndarray) -> list[dict]:
    out = cell_boxes(grid, idx, f.dataset.epsg)
    for cell in out:
        i = cell["index"]
        cell["count"] = int(values["count"][i])
        cell["value"] = round(float(values["value"][i]), 4)
        if "z" in values:
            z, p = values["z"][i], values["p"][i]
            cell["z"] = None if np.isnan(z) else round(float(z), 3)
            cell["p"] = None if np.isnan(p) else float(f"{p:.4g}")
            cell["class"] = int(values["class"][i])
            cell["p_text"] = "-" if np.isnan(p) else ("< 0.0001" if p < 1e-4 else f"{p:.4f}")
    return out


def shown(result: HotspotMap) -> list[dict[str, Any]]:
    """The cells the browser draws: the strongest MAX_SHOWN (by |value| for Gi*)."""
    cells = result.cells
    if len(cells) <= MAX_SHOWN:
        return cells
    return sorted(cells, key=lambda c: -abs(c["value"]))[:MAX_SHOWN]


CAUTION = "Calls for service and reports, not crime. Never grounds to stop anyone."


def bias_summary(report: Any) -> dict[str, Any] | None:
    """The bias and validity report as plain data, for the exports (None without data)."""
    if report is None:
        return None
    return {
        "flagged_cells": report.flagged_cells,
        "repeat_flag_rate": report.repeat_flag_rate,
        "rows": report.rows,
        "notes": report.notes,
    }


def to_geojson(result: HotspotMap, report: Any = None) -> str:
    bounds = ("south", "west", "north", "east")
    features = [
        cell_feature(c, {k: v for k, v in c.items() if k not in bounds}) for c in result.cells
    ]
    f = result.filters
    meta = {
        **f.query(),
        "epsg": f.dataset.epsg,
        "units": f.dataset.units,
        "incidents": result.incidents,
        # Issue 8: the bias report travels with every map, as with the forecasts.
        "bias": bias_summary(report),
        "caution": CAUTION,
    }
    return json.dumps({"type": "FeatureCollection", "properties": meta, "features": features})


CSV_COLUMNS = (
    "x_min", "y_min", "x_max", "y_max", "south", "west", "north", "east",
    "count", "value", "z", "p", "class",
)  # fmt: skip


def csv_note(report: Any) -> list[str]:
    """ "# " lines above the CSV's header: the caution and the bias report's summary, so
    the table never travels without them (the GeoJSON export carries the full report)."""
    lines = [CAUTION]
    if report is not None:
        rate = report.repeat_flag_rate
        lines.append(
            f"Bias and validity: {report.flagged_cells} flagged cells; repeat-flagging rate "
            + ("n/a (no previous period)" if rate is None else f"{rate:.0%}")
            + "."
        )
        for row in report.rows:
            ratio = row.get("ratio")
            lines.append(
                f"Area {row.get('unit')}: {row.get('flagged_cell_share', 0):.0%} of flagged "
                f"cells, {row.get('incident_share', 0):.0%} of incidents"
                + ("" if ratio is None else f", ratio {ratio:.2f}")
                + "."
            )
        lines.extend(report.notes)
    lines.append("The full bias report is in the GeoJSON export (properties.bias).")
    return ["# " + " ".join(str(line).split()) for line in lines]


def to_csv(result: HotspotMap, report: Any = None) -> str:
    out = io.StringIO()
    for line in csv_note(report):
        out.write(line + "\r\n")  # the csv module's line ending
    writer = csv.writer(out)
    writer.writerow(CSV_COLUMNS)
    for c in sorted(result.cells, key=lambda c: -c["value"]):
        writer.writerow(["" if c.get(k) is None else c.get(k, "") for k in CSV_COLUMNS])
    return out.getvalue()


def categories(dataset: Dataset) -> list[str]:
    return list(
        Incident.objects.filter(dataset=dataset)
        .values_list("category", flat=True)
        .distinct()
        .order_by("category")
    )
