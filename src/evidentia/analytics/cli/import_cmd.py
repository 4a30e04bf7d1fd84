"""`evidentia analytics import FILE --dataset SLUG [--create --epsg 2913 --name ...]
--map occurred_at=occurred_on --map category=category --map x=x_ft --map y=y_ft
[--map area_unit=census_tract] [--xy-epsg N] [--mode all|skip]`, or `--cad` to copy the
CAD calls into dataset "cad"."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from evidentia.analytics.models import ImportRun
from evidentia.analytics.services import cad, imports, rows
from evidentia.core.errors import Rejected

SYSTEM = "analytics-cli"
SHOWN = 20


def add_arguments(parser: Any) -> None:
    parser.add_argument("file", nargs="?", help="CSV file (UTF-8, header row)")
    parser.add_argument("--dataset", help="dataset slug to import into")
    parser.add_argument("--create", action="store_true", help="create the dataset first")
    parser.add_argument("--epsg", type=int, help="the new dataset's projected CRS (--create)")
    parser.add_argument("--name", default="", help="the new dataset's name (--create)")
    parser.add_argument(
        "--map",
        action="append",
        default=[],
        metavar="FIELD=COLUMN",
        help=f"a column for a field; fields: {', '.join(rows.FIELDS)}",
    )
    parser.add_argument("--xy-epsg", type=int, help="CRS of x/y when not the dataset's")
    parser.add_argument(
        "--mode", choices=ImportRun.Mode.values, default=ImportRun.Mode.ALL_OR_NOTHING
    )
    parser.add_argument("--cad", action="store_true", help="copy the CAD calls instead")


def handle(options: dict[str, Any], out: Any) -> None:
    if options.get("cad"):
        report(cad.copy_calls(actor=SYSTEM, mode=options["mode"]), out)
        return
    if not options.get("file"):
        raise Rejected("Give a CSV file to import (or --cad).")
    path = Path(options["file"])
    if not path.is_file():
        raise Rejected(f"{path} is not a file.")
    slug = options.get("dataset") or ""
    if not slug:
        raise Rejected("Give --dataset SLUG (with --create, --epsg and --name for a new one).")
    mapping = rows.parse_mapping(options.get("map"))
    existing = imports.Dataset.objects.filter(slug=slug).first()
    if options.get("create") and existing is not None and existing.epsg == options.get("epsg"):
        dataset = existing  # a second run of the same command: import into it
    elif options.get("create"):
        if not options.get("epsg"):
            raise Rejected("--create needs --epsg, the dataset's projected CRS (e.g. 2913).")
        dataset = imports.create_dataset(
            slug, name=options.get("name") or slug, epsg=options["epsg"], actor=SYSTEM
        )
    else:
        dataset = imports.get_dataset(slug)
    with path.open("rb") as stream:
        run = imports.import_file(
            stream,
            dataset=dataset,
            file_name=path.name,
            actor=SYSTEM,
            mapping=mapping,
            mode=options["mode"],
            xy_epsg=options.get("xy_epsg"),
        )
    report(run, out)


def report(run: ImportRun, out: Any) -> None:
    for e in run.errors[:SHOWN]:
        where = f"line {e['line']}" if e.get("line") else "file"
        out.write(f"{e.get('level', 'error')}: {where}: {e['reason']}")
    if len(run.errors) > SHOWN:
        out.write(f"... and {len(run.errors) - SHOWN} more (see the import's page)")
    counts = (
        f"{run.rows_total} rows: {run.rows_created} new, {run.rows_updated} updated, "
        f"{run.rows_unchanged} unchanged, {run.rows_rejected} bad, {run.rows_excluded} excluded"
    )
    if run.state == ImportRun.State.REJECTED:
        raise Rejected(f"Nothing was imported into {run.dataset.slug} ({counts}).")
    out.write(f"Imported into {run.dataset.slug} ({counts}). Import {run.pk}.")
