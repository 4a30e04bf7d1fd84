"""`evidentia analytics evaluate`: rolling-origin backtests of every method on a held-out
period, written as an HTML report (maps, table, bias report, model card) and an optional PDF."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np

from evidentia.analytics import bias, polygons, report
from evidentia.analytics.cli.forecast_cmd import load, parse_day
from evidentia.analytics.forecast.api import ALL, UNITS_PER_FOOT, ForecastError, forecast
from evidentia.analytics.forecast.evaluate import evaluate
from evidentia.analytics.forecast.metrics import SQ_FT_PER_SQ_MI, cells_for_budget
from evidentia.core.errors import Rejected


def add_arguments(parser: Any) -> None:
    parser.add_argument("--incidents", required=True)
    parser.add_argument("--time-col", required=True)
    parser.add_argument("--x-col", required=True)
    parser.add_argument("--y-col", required=True)
    parser.add_argument("--category-col", required=True)
    parser.add_argument("--categories", nargs="+", default=None, help="default: ALL and each")
    parser.add_argument("--horizons", nargs="+", type=int, default=[7, 14, 30])
    parser.add_argument("--train-end", required=True, help="first test day, YYYY-MM-DD")
    parser.add_argument("--test-end", required=True, help="day after the test period")
    parser.add_argument("--cell-size", type=float, required=True)
    parser.add_argument("--units", default="ft", choices=tuple(UNITS_PER_FOOT))
    parser.add_argument("--step-days", type=int, default=1)
    parser.add_argument("--area-col", default=None, help="area unit per incident (bias report)")
    parser.add_argument(
        "--areas", default=None, help="GeoJSON polygon layer of area units (bias report)"
    )
    parser.add_argument("--area-name-field", default=None, help="the property naming each unit")
    parser.add_argument("--xy-epsg", type=int, default=None, help="CRS of x/y (with --areas)")
    parser.add_argument(
        "--areas-epsg", type=int, default=None, help="CRS of the layer when not lon/lat"
    )
    parser.add_argument(
        "--study-area-sq-mi",
        type=float,
        default=None,
        help="PAI's study area; default: the active cells (any call before --train-end)",
    )
    parser.add_argument("--out", required=True, help="report.html")
    parser.add_argument("--pdf", default=None, help="report.pdf (optional)")


def handle(options: dict[str, Any], out: Any) -> None:
    if any(h <= 0 for h in options["horizons"]):
        raise Rejected("Every horizon must be at least 1 day.")
    train_end = parse_day(options["train_end"], "--train-end")
    test_end = parse_day(options["test_end"], "--test-end")
    if test_end <= train_end:
        raise Rejected("--test-end must come after --train-end.")
    area = options.get("study_area_sq_mi")
    if area is not None and not (np.isfinite(area) and area > 0):
        raise Rejected("--study-area-sq-mi must be a finite positive number.")
    if not (np.isfinite(options["cell_size"]) and options["cell_size"] > 0):
        raise Rejected("--cell-size must be a finite positive number.")
    extra = (options["area_col"],) if options["area_col"] else ()
    try:
        data = load(options, out, extra)
        layer = _layer(options, data)
        cats = options["categories"] or [ALL, *sorted(set(data["category"].tolist()))]
        result = evaluate(
            data,
            categories=cats,
            horizons=options["horizons"],
            train_end=train_end,
            test_end=test_end,
            cell_size=options["cell_size"],
            units_per_foot=UNITS_PER_FOOT[options["units"]],
            step=max(1, options["step_days"]),
            study_area_sq_mi=area,
        )
        maps, biases = _maps_and_bias(data, result, options, train_end, layer)
    except ForecastError as exc:
        raise Rejected(str(exc)) from None
    notes = [
        f"Trained on rows before {train_end}; tested from {train_end} to {test_end} "
        "(exclusive). Origins step daily; a horizon longer than the test period is scored "
        "once on the whole test period (see Window).",
        "PAI = hit rate / (flagged area / study area); "
        + (
            f"study area = {area:g} sq mi (given with --study-area-sq-mi). "
            if area
            else "study area = the ACTIVE CELLS: the cells with at least one call of any "
            "category before the test period (not the city's area; a larger area gives "
            "larger PAIs). "
        )
        + "95% intervals: percentile bootstrap over unique test incidents (each carries "
        "its hits in every overlapping window). Ratio = PAI at 0.75 sq mi / the best of "
        "counts, KDE and prospective for that category and horizon.",
    ]
    path = Path(options["out"])
    path.parent.mkdir(parents=True, exist_ok=True)
    title = f"Forecast evaluation: {Path(options['incidents']).name}"
    report.write_html(path, title=title, result=result, maps=maps, bias=biases, notes=notes)
    if options["pdf"]:
        report.write_pdf(Path(options["pdf"]), title=title, result=result, notes=notes)
    for r in result["rows"]:
        q = r[0.75]
        out.write(
            f"{r['category']:<22} h={r['horizon']:<3} {r['method']:<12} "
            f"PAI@0.75 {q['pai']:.2f} [{q['lo']:.2f}-{q['hi']:.2f}] "
            f"ratio {r['ratio']:.2f}\n"
        )
    out.write(f"report written to {path}\n")


def _layer(options: dict[str, Any], data: dict) -> polygons.Layer | None:
    """The --areas layer in the incidents' CRS, checked to hold some of them."""
    if not options.get("areas"):
        return None
    if not options.get("area_name_field"):
        raise Rejected("--areas needs --area-name-field, the property naming each unit.")
    if not options.get("xy_epsg"):
        raise Rejected(
            "--areas needs --xy-epsg, the CRS of the incidents' x/y (e.g. 2913), to put "
            "the polygons in the same place."
        )
    from evidentia.analytics.services.areas import read_limited

    path = Path(options["areas"])
    if not path.is_file():
        raise Rejected(f"{path} is not a file.")
    with path.open("rb") as stream:
        raw = read_limited(stream)
    layer = polygons.read_layer(
        raw,
        name_field=options["area_name_field"],
        target_epsg=options["xy_epsg"],
        epsg=options.get("areas_epsg"),
    )
    polygons.check_overlap(layer, data["x"], data["y"], epsg=options["xy_epsg"])
    layer.label = (
        f"Area units: layer file '{path.name}' (units named by {options['area_name_field']!r}, "
        f"EPSG:{layer.epsg_source}). A flagged cell's area is split by how much of it lies "
        "in each unit; a cell counts for the unit holding its centre; incidents count for "
        "the unit that contains them."
    )
    return layer


def _maps_and_bias(data, result, options, train_end, layer=None):
    maps, biases = [], []
    upf = UNITS_PER_FOOT[options["units"]]
    t, x, y, c = data["times"], data["x"], data["y"], data["category"]
    for cat, m in result["maps"].items():
        g = m["grid"]
        k = cells_for_budget(0.75 * SQ_FT_PER_SQ_MI * upf * upf, g.cell_area)
        maps.append(
            report.svg_map(
                g,
                m["scores"],
                m["test"],
                k,
                f"{cat}: {m['method']}, top {k} cells from {m['origin']}",
            )
        )
        flagged = np.argsort(-m["scores"], kind="stable")[:k]
        h = int(options["horizons"][0])
        try:
            prev = forecast(
                t,
                x,
                y,
                c,
                category=cat,
                start=train_end - h,
                horizon_days=h,
                cell_size=options["cell_size"],
                method=m["method"],
                grid=g,
            )
            previous = prev.order[:k]
        except ForecastError:
            previous = None
        sel = (t < train_end) & ((c == cat) if cat != ALL else True)
        units = (
            data[options["area_col"]][sel]
            if options["area_col"]
            else np.full(int(sel.sum()), None, dtype=object)
        )
        acc = [r for r in result["rows"] if r["category"] == cat]
        unit_args: dict[str, Any] = {"incident_units": units}
        if layer is not None:
            unit_args = polygons.for_grid(layer, g, flagged, x[sel], y[sel])
        b = bias.report(
            flagged,
            n_cells=g.n,
            incident_cells=g.index(x[sel], y[sel]),
            **unit_args,
            previous_flagged=previous,
            accuracy=acc,
        )
        biases.append(report.bias_html(cat, b))
    return maps, biases
