"""Area units from a polygon layer: reading a GeoJSON file and placing cells and
incidents in its polygons, for the bias and validity report (docs/decisions/0029).

No Django: the evaluation CLI uses it on a layer file, the import service
(`services/areas.py`) on an uploaded one. Geometry is shapely's (GEOS), not hand-written
point-in-polygon code; coordinates are reprojected with pyproj.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from functools import lru_cache

import numpy as np
import shapely
from pyproj import CRS, Transformer
from pyproj.exceptions import CRSError
from shapely.errors import GEOSException
from shapely.geometry import shape

from evidentia.core.errors import Rejected

OUTSIDE = "(outside every area)"
LISTED = 10
MAX_NAME = 200
POLYGONAL = ("Polygon", "MultiPolygon")
WGS84 = 4326
EPSG_IN_NAME = re.compile(r"EPSG:{1,2}(?:[\d.]*:)?(\d+)\s*$", re.IGNORECASE)


@dataclass
class Layer:
    """Named polygons in one CRS (the dataset's), ready to place points and cells in."""

    names: list[str]
    geoms: np.ndarray  # shapely Polygon/MultiPolygon, same order as names
    label: str = ""
    epsg_source: int = WGS84
    vertices: int = 0
    warnings: list[str] = field(default_factory=list)
    _tree: shapely.STRtree | None = None

    @property
    def tree(self) -> shapely.STRtree:
        if self._tree is None:
            self._tree = shapely.STRtree(self.geoms)
        return self._tree

    @property
    def bounds(self) -> tuple[float, float, float, float]:
        b = shapely.total_bounds(self.geoms)
        return float(b[0]), float(b[1]), float(b[2]), float(b[3])


def _list(numbers: list[int]) -> str:
    shown = ", ".join(str(n) for n in numbers[:LISTED])
    more = len(numbers) - LISTED
    return shown + (f" and {more} more" if more > 0 else "")


@lru_cache(maxsize=32)
def _transformer(src: int, dst: int) -> Transformer:
    return Transformer.from_crs(CRS.from_epsg(src), CRS.from_epsg(dst), always_xy=True)


def _check_epsg(epsg: int) -> int:
    try:
        CRS.from_epsg(int(epsg))
    except (CRSError, ValueError, TypeError):
        raise Rejected(f"EPSG:{epsg} is not a coordinate reference system pyproj knows.") from None
    return int(epsg)


def source_epsg(doc: dict, given: int | None) -> int:
    """The layer's CRS: the one given, else the legacy `crs` member, else lon/lat
    (RFC 7946). A file that names another CRS than the one given is refused."""
    member = doc.get("crs")
    named = None
    if isinstance(member, dict):
        text = str((member.get("properties") or {}).get("name", "")).strip()
        if text.upper().endswith("CRS84"):
            named = WGS84
        elif match := EPSG_IN_NAME.search(text):
            named = int(match.group(1))
        else:
            raise Rejected(
                f"The file's crs member {text!r} is not an EPSG code; give the layer's "
                "EPSG code explicitly."
            )
    if given is not None and named is not None and int(given) != named:
        raise Rejected(
            f"The file says its coordinates are EPSG:{named} but EPSG:{given} was given. "
            "Leave the EPSG code out, or fix the file."
        )
    return _check_epsg(given if given is not None else named if named is not None else WGS84)


def _name(props: object, field_name: str) -> str | None:
    if not isinstance(props, dict):
        return None
    value = props.get(field_name)
    if value is None or isinstance(value, dict | list):
        return None
    text = " ".join(str(value).split())
    return text or None


def _polygonal(geom) -> object:
    """The polygons of a repaired geometry (make_valid can add lines or points)."""
    if geom.geom_type in POLYGONAL:
        return geom
    parts = [g for g in shapely.get_parts(geom) if g.geom_type in POLYGONAL]
    return shapely.union_all(parts) if parts else shapely.Polygon()


def read_layer(
    raw: bytes,
    *,
    name_field: str,
    target_epsg: int,
    epsg: int | None = None,
    max_vertices: int = 500_000,
) -> Layer:
    """Parse a GeoJSON FeatureCollection of Polygon/MultiPolygon features into a Layer in
    `target_epsg`. Rejected, with what to fix, for anything it cannot use as it is.

    Features sharing a name are merged into one unit (a tract split over several
    features is one tract); invalid polygons are repaired with shapely.make_valid; both
    are listed in `warnings`."""
    try:
        doc = json.loads(raw.decode("utf-8-sig"))
    except (UnicodeDecodeError, ValueError) as exc:
        raise Rejected(f"The file is not JSON (UTF-8 GeoJSON): {exc}.") from None
    if not isinstance(doc, dict) or doc.get("type") != "FeatureCollection":
        kind = doc.get("type") if isinstance(doc, dict) else type(doc).__name__
        raise Rejected(
            f"The file is not a GeoJSON FeatureCollection (its type is {kind!r}); export "
            "the layer as a FeatureCollection of polygons."
        )
    features = doc.get("features")
    if not isinstance(features, list) or not features:
        raise Rejected("The FeatureCollection has no features: there are no polygons in it.")
    src = source_epsg(doc, epsg)
    not_polygons, no_name, bad_coords = [], [], []
    total = 0
    for n, feature in enumerate(features, start=1):
        geometry = feature.get("geometry") if isinstance(feature, dict) else None
        gtype = geometry.get("type") if isinstance(geometry, dict) else None
        if gtype not in POLYGONAL:
            not_polygons.append(n)
            continue
        if _name(feature.get("properties"), name_field) is None:
            no_name.append(n)
        total += _count(geometry.get("coordinates"))
        if total > max_vertices:
            raise Rejected(
                f"The layer has more than {max_vertices:,} vertices; simplify it (for "
                "example with mapshaper or QGIS) before importing."
            )
    if len(not_polygons) == len(features):
        raise Rejected(
            "The file has no Polygon or MultiPolygon features: area units must be polygons."
        )
    if not_polygons:
        raise Rejected(
            f"Features {_list(not_polygons)} are not polygons (or have no geometry); every "
            "feature must be a Polygon or MultiPolygon."
        )
    if no_name:
        found = sorted(
            {k for f in features for k in (f.get("properties") or {}) if isinstance(k, str)}
        )
        if len(no_name) == len(features):
            raise Rejected(
                f"No feature has a property {name_field!r} to name its unit. Properties "
                f"found: {', '.join(found[:20]) or 'none'}."
            )
        raise Rejected(
            f"Features {_list(no_name)} have no value for {name_field!r}, so their units "
            "would have no name. Fill it in, or choose another property."
        )
    geoms, names, warnings = [], [], []
    for n, feature in enumerate(features, start=1):
        name = _name(feature["properties"], name_field) or ""
        if len(name) > MAX_NAME:
            raise Rejected(f"Feature {n}'s name is longer than {MAX_NAME} characters.")
        try:
            geom = shape(feature["geometry"])
        except (ValueError, TypeError, AttributeError, KeyError, IndexError, GEOSException):
            bad_coords.append(n)
            continue
        geoms.append(geom)
        names.append(name)
    if bad_coords:
        raise Rejected(
            f"Features {_list(bad_coords)} have malformed coordinates (a polygon ring needs "
            "at least four [x, y] positions, the last equal to the first)."
        )
    geoms = _reproject(np.array(geoms, dtype=object), src, target_epsg)
    geoms = _repair(geoms, names, warnings)
    names, geoms = _merge(names, geoms, warnings)
    return Layer(
        names=names,
        geoms=geoms,
        epsg_source=src,
        vertices=int(shapely.get_num_coordinates(geoms).sum()),
        warnings=warnings,
    )


def _count(coords) -> int:
    """Positions in a (Multi)Polygon's coordinates, without building it."""
    if isinstance(coords, list) and coords and isinstance(coords[0], int | float):
        return 1
    if not isinstance(coords, list):
        return 0
    return sum(_count(c) for c in coords)


def _reproject(geoms: np.ndarray, src: int, dst: int) -> np.ndarray:
    if src == dst:
        out = geoms
    else:
        first = shapely.get_coordinates(geoms)
        if src == WGS84 and first.size and (np.abs(first[:, 0]) > 180).any():
            raise Rejected(
                "The coordinates are not longitude and latitude (some are beyond 180), "
                "and the file names no CRS: give the layer's EPSG code."
            )
        t = _transformer(src, dst)
        out = shapely.transform(geoms, lambda xy: np.column_stack(t.transform(xy[:, 0], xy[:, 1])))
    coords = shapely.get_coordinates(out)
    if not np.isfinite(coords).all():
        raise Rejected(
            f"Some coordinates cannot be converted from EPSG:{src} to EPSG:{dst}: the "
            "layer's CRS is probably not the one the file or the form says."
        )
    return out


def _repair(geoms: np.ndarray, names: list[str], warnings: list[str]) -> np.ndarray:
    valid = shapely.is_valid(geoms)
    if valid.all():
        return geoms
    out = geoms.copy()
    broken = []
    for i in np.flatnonzero(~valid):
        reason = shapely.is_valid_reason(geoms[i])
        fixed = _polygonal(shapely.make_valid(geoms[i]))
        if fixed.is_empty or fixed.area <= 0:
            broken.append(f"{names[i]!r} ({reason})")
            continue
        out[i] = fixed
        warnings.append(f"Unit {names[i]!r} was not a valid polygon ({reason}); it was repaired.")
    if broken:
        raise Rejected(
            "Invalid polygons that could not be repaired: "
            + "; ".join(broken[:LISTED])
            + ". Fix them in a GIS and import again."
        )
    return out


def _merge(names: list[str], geoms: np.ndarray, warnings: list[str]):
    order: dict[str, list[int]] = {}
    for i, name in enumerate(names):
        order.setdefault(name, []).append(i)
    repeated = {k: v for k, v in order.items() if len(v) > 1}
    if repeated:
        listed = ", ".join(f"{k!r} ({len(v)})" for k, v in list(repeated.items())[:LISTED])
        warnings.append(
            f"{len(repeated)} names appear on more than one feature; their polygons were "
            f"merged into one unit each: {listed}."
        )
    merged = [
        geoms[idx[0]] if len(idx) == 1 else _polygonal(shapely.union_all(geoms[idx]))
        for idx in order.values()
    ]
    return list(order), np.array(merged, dtype=object)


def units_of_points(layer: Layer, x, y) -> np.ndarray:
    """The unit holding each point (OUTSIDE if none). A point on a shared edge, or in an
    overlap, goes to the first unit in the layer's order."""
    x, y = np.asarray(x, dtype=float), np.asarray(y, dtype=float)
    out = np.full(x.size, OUTSIDE, dtype=object)
    if x.size == 0:
        return out
    points = shapely.points(x, y)
    pts, polys = layer.tree.query(points, predicate="intersects")
    first = np.full(x.size, -1, dtype=np.int64)
    # Reverse order so the lowest unit index is written last and wins.
    for p, g in zip(pts[::-1], polys[::-1], strict=True):
        first[p] = g
    names = np.array(layer.names, dtype=object)
    out[first >= 0] = names[first[first >= 0]]
    return out


def area_shares(layer: Layer, boxes: np.ndarray) -> list[dict[str, float]]:
    """For each box (k, 4: x_min, y_min, x_max, y_max), the fraction of its area inside
    each unit. Overlapping units could make a box's fractions sum above 1: they are
    scaled back to 1."""
    cells = shapely.box(boxes[:, 0], boxes[:, 1], boxes[:, 2], boxes[:, 3])
    out: list[dict[str, float]] = [{} for _ in range(len(cells))]
    if not len(cells):
        return out
    c, g = layer.tree.query(cells, predicate="intersects")
    if c.size:
        cut = shapely.area(shapely.intersection(cells[c], layer.geoms[g]))
        whole = shapely.area(cells[c])
        for ci, gi, a, w in zip(c.tolist(), g.tolist(), cut.tolist(), whole.tolist(), strict=True):
            if a > 0 and w > 0:
                share = out[ci]
                share[layer.names[gi]] = share.get(layer.names[gi], 0.0) + a / w
    for share in out:
        total = sum(share.values())
        if total > 1 + 1e-9:
            for k in share:
                share[k] /= total
    return out


def check_overlap(layer: Layer, x, y, *, epsg: int, what: str = "the incidents") -> None:
    """Refuse a layer none of whose polygons holds any of the points: its CRS is almost
    certainly wrong (or it is another city's layer)."""
    x, y = np.asarray(x, dtype=float), np.asarray(y, dtype=float)
    if x.size and (units_of_points(layer, x, y) != OUTSIDE).any():
        return
    lx0, ly0, lx1, ly1 = layer.bounds
    where = (
        f"{what} span x {x.min():,.0f} to {x.max():,.0f}, y {y.min():,.0f} to {y.max():,.0f}"
        if x.size
        else f"{what} are empty"
    )
    raise Rejected(
        f"No polygon of the layer holds any of {what}, so it cannot describe them. In "
        f"EPSG:{epsg} the layer spans x {lx0:,.0f} to {lx1:,.0f}, y {ly0:,.0f} to "
        f"{ly1:,.0f}; {where}. The layer's CRS is probably wrong (GeoJSON without a crs "
        "member is read as longitude/latitude): give its EPSG code."
    )


def outlines_lonlat(layer: Layer, epsg: int, tolerance: float) -> dict:
    """The layer's outlines as a GeoJSON FeatureCollection in lon/lat for the map,
    simplified by `tolerance` (dataset units) to keep the page small."""
    simple = shapely.simplify(layer.geoms, tolerance, preserve_topology=True)
    if epsg != WGS84:
        t = _transformer(epsg, WGS84)
        simple = shapely.transform(
            simple, lambda xy: np.column_stack(t.transform(xy[:, 0], xy[:, 1]))
        )
    simple = shapely.set_precision(simple, 1e-6, mode="pointwise")
    features = [
        {
            "type": "Feature",
            "properties": {"name": n},
            "geometry": json.loads(shapely.to_geojson(g)),
        }
        for n, g in zip(layer.names, simple, strict=True)
        if not g.is_empty
    ]
    return {"type": "FeatureCollection", "features": features}


def for_grid(layer: Layer, grid, flagged, x, y) -> dict:
    """The area-unit arguments of `bias.report` for flagged cells of `grid` and incidents
    at x/y: units of the flagged cells' centres, their area fractions per unit (only the
    flagged cells are cut: cheap) and the unit holding each incident."""
    flagged = np.asarray(flagged, dtype=np.int64)
    units = np.full(grid.n, OUTSIDE, dtype=object)
    shares: list[dict[str, float]] = []
    if flagged.size:
        b = grid.bounds(flagged)
        units[flagged] = units_of_points(layer, (b[:, 0] + b[:, 2]) / 2, (b[:, 1] + b[:, 3]) / 2)
        shares = area_shares(layer, b)
    return {
        "units_of_cells": units,
        "area_shares": shares,
        "incident_units": units_of_points(layer, x, y),
        "areas": layer.label,
    }
