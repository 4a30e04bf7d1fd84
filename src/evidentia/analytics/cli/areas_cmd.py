"""`evidentia analytics areas FILE.geojson --dataset SLUG --name-field NAME [--epsg N]
[--layer NAME] [--kind "census tracts"]`: import a polygon layer of area units for the
dataset's bias reports. Importing the same layer name again adds a new version."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from evidentia.analytics.services import areas, imports
from evidentia.core.errors import Rejected

SYSTEM = "analytics-cli"


def add_arguments(parser: Any) -> None:
    parser.add_argument("file", help="GeoJSON FeatureCollection of Polygon/MultiPolygon features")
    parser.add_argument("--dataset", required=True, help="dataset slug the layer describes")
    parser.add_argument("--name-field", required=True, help="the property naming each unit")
    parser.add_argument("--epsg", type=int, help="CRS of the file when not lon/lat (RFC 7946)")
    parser.add_argument("--layer", default="", help="layer name (default: the file's name)")
    parser.add_argument("--kind", default="", help='what the units are, e.g. "census tracts"')


def handle(options: dict[str, Any], out: Any) -> None:
    path = Path(options["file"])
    if not path.is_file():
        raise Rejected(f"{path} is not a file.")
    dataset = imports.get_dataset(options["dataset"])
    with path.open("rb") as stream:
        layer = areas.import_layer(
            stream,
            dataset=dataset,
            name=options.get("layer") or path.stem,
            name_field=options["name_field"],
            actor=SYSTEM,
            file_name=path.name,
            epsg=options.get("epsg"),
            kind=options.get("kind") or "",
        )
    for warning in layer.warnings:
        out.write(f"warning: {warning}")
    out.write(
        f"Imported layer {layer.name!r} version {layer.version} into {dataset.slug}: "
        f"{layer.units.count()} units, {layer.vertices:,} vertices (from EPSG:{layer.epsg_source})."
    )
