"""Places for a whole file at once: which CRS the numbers are in, 0,0, the study area.

These checks need every row (a mixture of CRSs is a property of the file, and the study
area of a first import comes from the data's robust extent), so they run vectorised
after the rows are parsed. Rules and thresholds: docs/decisions/0025."""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import lru_cache

import numpy as np
from pyproj import CRS, Transformer
from pyproj.exceptions import CRSError

from evidentia.analytics.services.rows import ParsedRow
from evidentia.core.errors import Rejected

AGREE_METRES = 100.0  # x/y and lat/lon of one row further apart than this disagree
MIN_MARGIN_METRES = 1000.0
LISTED = 10


@dataclass
class Placed:
    x: np.ndarray
    y: np.ndarray
    lat: np.ndarray
    lon: np.ndarray
    excluded: dict[int, str] = field(default_factory=dict)  # row index -> reason
    area: tuple[float, float, float, float] | None = None
    area_is_new: bool = False


@lru_cache(maxsize=32)
def crs(epsg: int) -> CRS:
    try:
        return CRS.from_epsg(int(epsg))
    except (CRSError, ValueError, TypeError):
        raise Rejected(f"EPSG:{epsg} is not a coordinate reference system pyproj knows.") from None


# Web Mercator and its aliases: "metres" that stretch with latitude (1.4 ground metres
# each at Portland), so cell sizes, bandwidths and budgets would all be wrong.
WEB_MERCATOR = {3857, 3785, 900913, 102100, 102113}


def projected(epsg: int) -> CRS:
    found = crs(epsg)
    if int(epsg) in WEB_MERCATOR or "pseudo-mercator" in found.name.lower():
        raise Rejected(
            f"EPSG:{epsg} ({found.name}) is web-map Mercator: its metres are not ground "
            "metres, so cells would have the wrong size. Use the local projected CRS "
            "(for Portland, 2913) or the UTM zone of the data (e.g. 32610)."
        )
    if not found.is_projected:
        raise Rejected(
            f"EPSG:{epsg} ({found.name}) is not projected: a dataset needs a projected CRS "
            "in feet or metres (for Portland, 2913) so grid cells have a size."
        )
    return found


def metres_per_unit(epsg: int) -> float:
    return float(crs(epsg).axis_info[0].unit_conversion_factor)


@lru_cache(maxsize=64)
def transformer(src: int, dst: int) -> Transformer:
    return Transformer.from_crs(crs(src), crs(dst), always_xy=True)


def to_lonlat(epsg: int, x: np.ndarray, y: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    lon, lat = transformer(epsg, 4326).transform(x, y)
    return np.asarray(lon, dtype=float), np.asarray(lat, dtype=float)


def _lines(rows: list[ParsedRow], mask: np.ndarray) -> str:
    lines = [str(rows[i].line) for i in np.flatnonzero(mask)[:LISTED]]
    more = int(mask.sum()) - len(lines)
    return ", ".join(lines) + (f" and {more} more" if more > 0 else "")


def _degrees(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """Rows whose pair (lon-like a, lat-like b) could be degrees."""
    return (np.abs(a) <= 180) & (np.abs(b) <= 90)


def _check_crs(rows: list[ParsedRow], lon, lat, x, y, zero) -> None:
    ll = ~np.isnan(lat) & ~np.isnan(lon) & ~zero  # half a pair is no place at all
    if ll.any():
        bad = ll & ~_degrees(lon, lat)
        if bad.all() or bad[ll].all():
            raise Rejected(
                "The lat/lon columns hold projected numbers, not degrees (lines "
                f"{_lines(rows, bad)}). Map them as x and y and give their EPSG code."
            )
        if bad.any():
            raise Rejected(
                "A mixture of coordinate systems: most lat/lon values are degrees, but lines "
                f"{_lines(rows, bad)} hold projected numbers. Split or fix the file; nothing "
                "was imported."
            )
    xy = ~np.isnan(x) & ~np.isnan(y) & ~zero
    if xy.any():
        small = xy & _degrees(x, y)
        if small[xy].all():
            raise Rejected(
                "The x/y columns look like longitude and latitude in degrees, not projected "
                f"coordinates (lines {_lines(rows, small)}). Map them as lon and lat."
            )
        if small.any():
            raise Rejected(
                "A mixture of coordinate systems: most x/y values are projected, but lines "
                f"{_lines(rows, small)} look like degrees. Split or fix the file; nothing "
                "was imported."
            )


def robust_area(x: np.ndarray, y: np.ndarray, metres: float) -> tuple[float, float, float, float]:
    """The study area of a first import: the 0.5-99.5 percentile box (10-90 below 200
    points, where extreme percentiles are the outliers themselves), widened on each side
    by half its span (its whole span below 200 points), at least 1 km."""
    many = len(x) >= 200
    lo, hi = (0.5, 99.5) if many else (10.0, 90.0)
    share = 0.5 if many else 1.0
    box = []
    for values in (x, y):
        a, b = np.percentile(values, [lo, hi])
        margin = max((b - a) * share, MIN_MARGIN_METRES / metres)
        box.append((float(a - margin), float(b + margin)))
    return box[0][0], box[1][0], box[0][1], box[1][1]


def locate(
    rows: list[ParsedRow],
    *,
    epsg: int,
    xy_epsg: int | None = None,
    area: tuple[float, float, float, float] | None = None,
) -> Placed:
    """x/y in the dataset's CRS `epsg` and lat/lon for every row; the rows to exclude.

    Rejected for a mixture of CRSs (some rows in degrees, some projected) or a file whose
    x/y and lat/lon disagree: either means a guess would put incidents in wrong places."""
    projected(epsg)
    src = xy_epsg or epsg
    if xy_epsg:
        projected(xy_epsg)

    def column(name: str) -> np.ndarray:
        return np.array(
            [np.nan if getattr(r, name) is None else getattr(r, name) for r in rows], dtype=float
        )

    lat, lon, x_in, y_in = column("lat"), column("lon"), column("x"), column("y")
    zero_ll = (lat == 0) & (lon == 0)
    zero_xy = (x_in == 0) & (y_in == 0)
    zero = zero_ll | zero_xy
    _check_crs(rows, lon, lat, x_in, y_in, zero)
    with np.errstate(invalid="ignore"):
        has_ll = ~np.isnan(lat) & ~np.isnan(lon) & ~zero
        has_xy = ~np.isnan(x_in) & ~np.isnan(y_in) & ~zero
    x = np.full(len(rows), np.nan)
    y = np.full(len(rows), np.nan)
    if has_xy.any():
        x[has_xy], y[has_xy] = transformer(src, epsg).transform(x_in[has_xy], y_in[has_xy])
    if has_ll.any():
        llx, lly = transformer(4326, epsg).transform(lon[has_ll], lat[has_ll])
        both = has_ll & has_xy
        if both.any():
            gap = np.hypot(x[has_ll] - llx, y[has_ll] - lly) * metres_per_unit(epsg)
            far = np.zeros(len(rows), dtype=bool)
            far[has_ll] = np.nan_to_num(gap, nan=0.0) > AGREE_METRES
            if far.any():
                raise Rejected(
                    f"x/y (EPSG:{src}) and lat/lon disagree by more than {AGREE_METRES:.0f} m "
                    f"on lines {_lines(rows, far)}: they are not the same places, or x/y are "
                    "in another CRS. Map one pair only, or give the right EPSG code."
                )
        only_ll = has_ll & ~has_xy
        x[only_ll] = llx[only_ll[has_ll]]
        y[only_ll] = lly[only_ll[has_ll]]
    out_lon, out_lat = np.full(len(rows), np.nan), np.full(len(rows), np.nan)
    placed = has_ll | has_xy
    if placed.any():
        out_lon[placed], out_lat[placed] = to_lonlat(epsg, x[placed], y[placed])
    keep_ll = has_ll & ~has_xy
    out_lon[keep_ll], out_lat[keep_ll] = lon[keep_ll], lat[keep_ll]  # no round trip
    result = Placed(x=x, y=y, lat=out_lat, lon=out_lon)
    for i in np.flatnonzero(zero):
        result.excluded[int(i)] = "at 0,0 (a missing place, not a real one): excluded"
    bad = ~np.isfinite(x) | ~np.isfinite(y)
    for i in np.flatnonzero(bad & ~zero):
        result.excluded[int(i)] = "the place cannot be converted to the dataset's CRS: excluded"
    ok = ~zero & ~bad
    if area is None and ok.any():
        area = robust_area(x[ok], y[ok], metres_per_unit(epsg))
        result.area_is_new = True
    result.area = area
    if area is not None:
        x0, y0, x1, y1 = area
        outside = ok & ((x < x0) | (x > x1) | (y < y0) | (y > y1))
        for i in np.flatnonzero(outside):
            result.excluded[int(i)] = (
                f"outside the study area (at {out_lat[i]:.5f}, {out_lon[i]:.5f}): excluded"
            )
    return result
