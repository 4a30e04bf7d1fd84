"""A forecast of one dataset for the staff page: which cells to flag for the coming days,
and, always with it, the bias and validity report and the backtest behind the choice.

Reading only: no ledger event, like the hotspot maps (a forecast is an aggregate of
imported calls and changes nothing). Everything goes through the forecasting package's
public call `forecast.api.forecast`; this module turns a query string into its
arguments, the dataset's rows into arrays, and the result into cells for the page.
"""

from __future__ import annotations

import hashlib
import json
import math
from dataclasses import dataclass, field
from datetime import date, datetime, time
from typing import Any

import numpy as np
from django.core.cache import cache
from django.utils import timezone

from evidentia.analytics import bias, polygons
from evidentia.analytics.forecast.api import ALL, METHODS, ForecastError, forecast
from evidentia.analytics.models import Dataset, ImportRun, Incident
from evidentia.analytics.services import areas
from evidentia.analytics.services.dates import parse_day
from evidentia.analytics.services.geojson import cell_boxes
from evidentia.analytics.services.places import metres_per_unit
from evidentia.core.errors import Rejected

HORIZONS = (7, 14, 30)
BUDGETS = ("0.25", "0.5", "0.75")  # flagged area, square miles (NIJ's budgets)
METHOD_LABELS = {
    "auto": "Auto (chosen by backtest)",
    "blend": "Blend (stronger model)",
    "counts": "Counts, last 28 days (baseline)",
    "kde": "Kernel density (baseline)",
    "prospective": "Prospective hotspotting (baseline)",
}
BACKTEST_BUDGET = 0.75  # the forecasting package's backtest scores hits at 0.75 sq mi
METRES_PER_MILE = 1609.344
MAX_CELLS = 250_000
MAX_CELL_METRES = 10_000  # a cell wider than 10 km is no longer a place
# The page runs the backtest on every new question: 12.9 s at 240 ft cells over Portland.
# Finer grids are for the CLI (`evidentia analytics forecast`), which has no time limit.
MIN_CELL_METRES = 100
CACHE_SECONDS = 3600
MAX_TABLE = 200  # rows of the ranked table; the downloads carry every flagged cell
STALE_DAYS = 28  # the baselines look back four weeks
EPOCH = date(1970, 1, 1).toordinal()


@dataclass
class Query:
    dataset: Dataset
    category: str
    start: date
    horizon: int
    cell: float
    method: str
    budget: str

    def params(self) -> dict[str, str]:
        return {
            "dataset": self.dataset.slug,
            "category": self.category,
            "start": self.start.isoformat(),
            "horizon": str(self.horizon),
            "cell": f"{self.cell:g}",
            "method": self.method,
            "budget": self.budget,
        }


@dataclass
class Result:
    query: Query
    method: str
    why: str
    training_rows: int
    k: int  # flagged cells
    flagged_area_sq_mi: float
    cells: list[dict[str, Any]]  # the flagged cells, ranked
    backtest: list[dict[str, Any]]
    bias: bias.BiasReport
    weights: dict | None = None
    last_incident: date | None = None
    warnings: list[str] = field(default_factory=list)
    grid_shape: tuple[int, int] = (0, 0)
    areas_outline: dict | None = None  # the area layer's outlines in lon/lat, for the map


def _choice(value: str, allowed, name: str) -> str:
    if value not in allowed:
        raise Rejected(f"The {name} must be one of {', '.join(allowed)}.")
    return value


def parse(params: Any, dataset: Dataset) -> Query:
    """The forecast asked for; Rejected with a clear message for bad values."""
    start = parse_day(params.get("start"), "start", "2016-09-01") or timezone.localdate()
    try:
        horizon = int((params.get("horizon") or "7").strip())
    except ValueError:
        raise Rejected("The horizon must be a whole number of days (7, 14 or 30).") from None
    if horizon <= 0:
        raise Rejected("The horizon must be at least one day.")
    if horizon > 90:
        raise Rejected("The horizon can be at most 90 days; choose 7, 14 or 30.")
    metres = metres_per_unit(dataset.epsg)
    raw_cell = (params.get("cell") or "").strip()
    try:
        cell = float(raw_cell) if raw_cell else (600.0 if dataset.units == "ft" else 180.0)
    except ValueError:
        raise Rejected("The cell size must be a number.") from None
    if not (cell > 0 and math.isfinite(cell)):
        raise Rejected("The cell size must be more than 0.")
    if cell * metres < MIN_CELL_METRES:
        raise Rejected(
            f"On this page cells are at least {MIN_CELL_METRES / metres:,.0f} "
            f"{dataset.units} ({MIN_CELL_METRES} m) wide; for finer grids use the command "
            "line (evidentia analytics forecast)."
        )
    if cell * metres > MAX_CELL_METRES:
        raise Rejected(
            f"Cells can be at most {MAX_CELL_METRES / metres:,.0f} {dataset.units} (10 km) wide."
        )
    category = (params.get("category") or ALL).strip() or ALL
    if category != ALL and not Incident.objects.filter(dataset=dataset, category=category).exists():
        raise Rejected(f"There are no incidents in category {category!r} in {dataset.name}.")
    return Query(
        dataset=dataset,
        category=category,
        start=start,
        horizon=horizon,
        cell=cell,
        method=_choice(params.get("method") or "auto", METHODS, "method"),
        budget=_choice(params.get("budget") or "0.75", BUDGETS, "flagged area"),
    )


def cells_for(budget_sq_mi: float, cell: float, epsg: int) -> int:
    """Whole cells in the budget, converted from square miles to the dataset's units."""
    side_m = cell * metres_per_unit(epsg)
    return max(1, math.floor(budget_sq_mi * METRES_PER_MILE**2 / side_m**2 + 1e-9))


def _rows(q: Query) -> dict[str, np.ndarray]:
    """Every incident of the dataset dated before the start (the forecast's training
    rows; the other categories shape the grid and the blend's features)."""
    zone = timezone.get_default_timezone()
    before = datetime.combine(q.start, time.min, zone)
    data = list(
        Incident.objects.filter(dataset=q.dataset, occurred_at__lt=before)
        .order_by()
        .values_list("occurred_at", "x", "y", "category", "area_unit")
    )
    n = len(data)
    # Days in the agency's zone (a date-only import is midnight there), as day numbers.
    ordinals = np.fromiter((timezone.localtime(d[0], zone).toordinal() for d in data), np.int64, n)
    return {
        "times": (ordinals - EPOCH).astype("datetime64[D]"),
        "x": np.fromiter((d[1] for d in data), float, n),
        "y": np.fromiter((d[2] for d in data), float, n),
        "category": np.array([d[3] for d in data], dtype=str) if n else np.zeros(0, dtype=str),
        "unit": np.array([d[4] for d in data], dtype=object),
    }


def _check_size(q: Query, x: np.ndarray, y: np.ndarray) -> None:
    n = (math.floor((x.max() - x.min()) / q.cell) + 1) * (
        math.floor((y.max() - y.min()) / q.cell) + 1
    )
    if n > MAX_CELLS:
        raise Rejected(
            f"That cell size makes {n:,} cells; choose cells of at least "
            f"{q.cell * math.sqrt(n / MAX_CELLS):.0f} {q.dataset.units}."
        )


def _wilson(hits: float, n: float, z: float = 1.96) -> tuple[float, float]:
    if n <= 0:
        return float("nan"), float("nan")
    p = min(1.0, hits / n)
    denom = 1 + z * z / n
    centre = (p + z * z / (2 * n)) / denom
    half = z * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / denom
    return max(0.0, centre - half), min(1.0, centre + half)


def _pct(v: float) -> str:
    return "-" if v != v else f"{v:.1%}"


def accuracy(rows: list[dict], k75: int, study_cells: int) -> list[dict[str, str]]:
    """The backtest table with 95% intervals, as the bias report shows it.

    Overlapping windows count an incident once per window it falls in, so the interval
    uses n / min(origins, window days) incidents: wider, never falsely narrow."""
    out = []
    share = k75 / study_cells if study_cells else float("nan")
    for r in rows:
        n, hits = float(r["incidents"]), float(r["hits"])
        eff = n / max(1, min(int(r["origins"]), int(r["window_days"])))
        rate = hits / n if n else float("nan")
        low, high = _wilson(rate * eff, eff)

        def pai(v: float) -> str:
            return "-" if v != v or share != share else f"{v / share:.2f}"

        out.append(
            {
                "Method": METHOD_LABELS.get(r["method"], r["method"]),
                "Origins": str(r["origins"]),
                "Window (days)": str(r["window_days"]),
                "Hit rate": _pct(rate),
                "95% interval": f"{_pct(low)} to {_pct(high)}",
                "PAI": pai(rate),
                "PAI 95% interval": f"{pai(low)} to {pai(high)}",
            }
        )
    return out


def _why(q: Query, used: str, auto_choice: str | None) -> str:
    if q.method == "auto":
        return (
            f"Auto chose {METHOD_LABELS[used]}: a rolling-origin backtest on the training "
            "rows only (never the forecast period) scored every method on the share of "
            f"incidents its top {BACKTEST_BUDGET} sq mi caught. The blend is kept unless a "
            "baseline is clearly better."
        )
    tail = f" The backtest would have chosen {METHOD_LABELS[auto_choice]}." if auto_choice else ""
    return f"You chose {METHOD_LABELS[used]}.{tail}"


def cache_key(q: Query) -> str:
    """The question plus the data's version: a new import (or any change in the count)
    asks afresh; otherwise the same question gets the same, already computed answer."""
    latest = (
        ImportRun.objects.filter(dataset=q.dataset, state=ImportRun.State.DONE)
        .order_by("-created_at")
        .values_list("pk", flat=True)
        .first()
    )
    incidents = Incident.objects.filter(dataset=q.dataset).count()
    layer = areas.current_layer(q.dataset)  # a new area layer changes the bias report
    version = [q.dataset.pk, str(latest), incidents, layer.pk if layer else None]
    raw = json.dumps([*version, q.params()], sort_keys=True)
    return "analytics:forecast:" + hashlib.sha256(raw.encode()).hexdigest()


def cached_run(q: Query) -> Result:
    """`run`, remembered in the Django cache: a forecast page GET (and each of its
    downloads) would otherwise repeat the backtest and two forecasts every time."""
    key = cache_key(q)
    found = cache.get(key)
    if found is None:
        found = run(q)
        cache.set(key, found, CACHE_SECONDS)
    return found


def run(q: Query) -> Result:
    data = _rows(q)
    if data["x"].size == 0:
        raise Rejected(
            f"No incidents in {q.dataset.name} are dated before {q.start}: nothing to train on. "
            "Choose a later start date."
        )
    _check_size(q, data["x"], data["y"])
    units = "m" if q.dataset.units == "m" else "ft"
    args = (data["times"], data["x"], data["y"], data["category"])
    common = {"category": q.category, "horizon_days": q.horizon, "cell_size": q.cell}
    try:
        f = forecast(*args, start=q.start, method=q.method, units=units, **common)
        # The backtest table is always shown: a chosen baseline gets auto's table too.
        table = f.backtest
        auto_choice = f.auto_choice
        if not table:
            auto = forecast(*args, start=q.start, method="auto", units=units, grid=f.grid, **common)
            table, auto_choice = auto.backtest, auto.auto_choice
    except ForecastError as exc:
        raise Rejected(str(exc)) from None
    grid = f.grid
    k = min(grid.n, cells_for(float(q.budget), q.cell, q.dataset.epsg))
    flagged = f.order[:k]
    previous = _previous(q, args, f.method, units, grid, common, k)
    in_cat = data["category"] == q.category if q.category != ALL else np.ones(len(args[0]), bool)
    inc_cells = grid.index(data["x"][in_cat], data["y"][in_cat])
    study_cells = int((grid.counts(data["x"], data["y"]) > 0).sum())
    # With an area layer, units come from its polygons; else from the incidents' column.
    layer = areas.layer_for(q.dataset)
    units: dict[str, Any] = {"incident_units": data["unit"][in_cat]}
    if layer is not None:
        units = polygons.for_grid(layer, grid, flagged, data["x"][in_cat], data["y"][in_cat])
    report = bias.report(
        flagged,
        n_cells=grid.n,
        incident_cells=inc_cells,
        **units,
        previous_flagged=previous,
        accuracy=accuracy(
            table, min(grid.n, cells_for(BACKTEST_BUDGET, q.cell, q.dataset.epsg)), study_cells
        ),
    )
    counts = np.bincount(inc_cells[inc_cells >= 0], minlength=grid.n)
    last = date.fromordinal(int(data["times"].max().astype(int)) + EPOCH)
    result = Result(
        query=q,
        method=f.method,
        why=_why(q, f.method, auto_choice),
        training_rows=f.training_rows,
        k=k,
        flagged_area_sq_mi=k * (q.cell * metres_per_unit(q.dataset.epsg)) ** 2 / METRES_PER_MILE**2,
        cells=_cells(q, grid, flagged, f.scores, counts),
        backtest=[{**r, "hit_pct": _pct(float(r["hit_rate"]))} for r in table],
        bias=report,
        weights=f.weights,
        last_incident=last,
        grid_shape=(grid.nx, grid.ny),
        areas_outline=areas.outlines(q.dataset, layer),
    )
    stale = (q.start - last).days
    if stale > STALE_DAYS:
        result.warnings.append(
            f"The latest incident before the start is from {last}, {stale} days earlier: "
            "the recent-history methods have nothing recent to go on, so this forecast "
            "mostly repeats the long-run pattern."
        )
    return result


def _previous(q, args, method, units, grid, common, k) -> list[int] | None:
    """The cells the same method flagged for the period just before this one."""
    start = np.datetime64(q.start, "D") - q.horizon
    try:
        prev = forecast(*args, start=start, method=method, units=units, grid=grid, **common)
    except ForecastError:
        return None  # nothing to train on a period earlier: no repeat rate
    return prev.order[:k].tolist()


def _cells(q: Query, grid, flagged: np.ndarray, scores: np.ndarray, counts: np.ndarray) -> list:
    boxes = cell_boxes(grid, flagged, q.dataset.epsg)
    top = (float(scores[flagged[0]]) or 1.0) if flagged.size else 1.0
    for rank, cell in enumerate(boxes, start=1):
        score = float(scores[cell["index"]])
        cell.update(
            rank=rank,
            count=int(counts[cell["index"]]),
            score=score,
            value=float(f"{score:.4g}"),
            relative=score / top if top > 0 else 0.0,
        )
    return boxes


def categories(dataset: Dataset) -> list[str]:
    return list(
        Incident.objects.filter(dataset=dataset)
        .order_by()
        .values_list("category", flat=True)
        .distinct()
        .order_by("category")
    )
