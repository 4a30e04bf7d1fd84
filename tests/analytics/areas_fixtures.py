"""Tiny GeoJSON layers written by the tests (no files from outside the repo)."""

from __future__ import annotations

import json

from pyproj import Transformer

from .test_import import PORTLAND_X, PORTLAND_Y


def square(x0: float, y0: float, x1: float, y1: float) -> list:
    return [[[x0, y0], [x1, y0], [x1, y1], [x0, y1], [x0, y0]]]


def feature(name, ring, field: str = "TRACT", kind: str = "Polygon") -> dict:
    props = {} if name is None else {field: name}
    return {"type": "Feature", "properties": props, "geometry": {"type": kind, "coordinates": ring}}


def collection(*features: dict, epsg: int | None = None) -> dict:
    doc: dict = {"type": "FeatureCollection", "features": list(features)}
    if epsg is not None:
        doc["crs"] = {"type": "name", "properties": {"name": f"urn:ogc:def:crs:EPSG::{epsg}"}}
    return doc


def raw(doc) -> bytes:
    return json.dumps(doc).encode()


HALF = 10_000.0  # feet either side of the known Portland point


def portland_tracts(west: str = "802.0", east: str = "1602.0") -> dict:
    """Two tracts in EPSG:2913 split at the known point's x (as synthetic_lines is)."""
    x, y = PORTLAND_X, PORTLAND_Y
    return collection(
        feature(west, square(x - HALF, y - HALF, x, y + HALF)),
        feature(east, square(x, y - HALF, x + HALF, y + HALF)),
        epsg=2913,
    )


def portland_tracts_lonlat() -> dict:
    """The same two tracts in longitude/latitude (RFC 7946: no crs member)."""
    t = Transformer.from_crs(2913, 4326, always_xy=True)

    def ring(x0, y0, x1, y1):
        return [[list(t.transform(px, py)) for px, py in square(x0, y0, x1, y1)[0]]]

    x, y = PORTLAND_X, PORTLAND_Y
    return collection(
        feature("802.0", ring(x - HALF, y - HALF, x, y + HALF)),
        feature("1602.0", ring(x, y - HALF, x + HALF, y + HALF)),
    )
