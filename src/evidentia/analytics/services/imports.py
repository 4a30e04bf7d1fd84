"""Importing incidents: the one door for Dataset, ImportRun and Incident rows.

A CSV file is read once into parsed rows, placed file-wide (`places.locate`), then
written in one transaction with the ImportRun and its ledger event. All-or-nothing mode
writes nothing when any row is bad; skip-bad writes the good rows. Rows at 0,0 or
outside the study area are excluded and listed in either mode (they are not errors of
the file: geocoders write 0,0 for "unknown"). A mixture of CRSs refuses the whole file.
Re-imports match incidents by key, so importing a file twice changes nothing.

A web import is queued and run by a Celery task through the same `import_file`
(background.py, docs/decisions/0027)."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import IO, Any

from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone

from evidentia.accounts.models import User
from evidentia.analytics.models import Dataset, ImportRun, Incident
from evidentia.analytics.services import access
from evidentia.analytics.services.places import locate, metres_per_unit, projected
from evidentia.analytics.services.rows import (
    ParsedRow,
    RowError,
    check_mapping,
    read_headers,
    row_key,
    rows,
    sha256_of,
)
from evidentia.core import staged
from evidentia.core.errors import Conflict, NotFound, Rejected
from evidentia.core.staged import StagedUploads
from evidentia.custody import events, ledger

STAGED = StagedUploads("analytics", "ANALYTICS_IMPORT_MAX_BYTES", "incident imports")

IMPORTED = events.ANALYTICS_IMPORTED
IMPORT_REJECTED = events.ANALYTICS_IMPORT_REJECTED
CHUNK = 2000
MAX_LISTED = 1000  # problems kept on the ImportRun; the counts are always exact
COMPARED = ("occurred_at", "date_only", "category", "subcategory", "x", "y", "lat", "lon")


@dataclass
class Batch:
    """Rows ready to place and write, from a file or from CAD calls."""

    rows: list[ParsedRow] = field(default_factory=list)
    errors: list[RowError] = field(default_factory=list)
    total: int = 0


def get_dataset(slug: str) -> Dataset:
    dataset = Dataset.objects.filter(slug=slug).first()
    if dataset is None:
        raise NotFound(f"No dataset {slug!r}. Create it first (--create with --epsg and --name).")
    return dataset


def create_dataset(
    slug: str, *, name: str, epsg: int, actor: Any, description: str = ""
) -> Dataset:
    access.check_import(actor)
    dataset = new_dataset(slug, name=name, epsg=epsg, description=description)
    dataset.save()
    return dataset


def new_dataset(slug: str, *, name: str, epsg: int, description: str = "") -> Dataset:
    """A checked, unsaved dataset (saved by create_dataset, or with a queued import's
    first incidents)."""
    if not slug or len(slug) > 60 or not slug.replace("-", "").replace("_", "").isalnum():
        raise Rejected("A dataset slug is letters, digits, - and _ (at most 60).")
    if Dataset.objects.filter(slug=slug).exists():
        raise Rejected(f"A dataset {slug!r} exists already.")
    projected(epsg)
    units = "m" if abs(metres_per_unit(epsg) - 1.0) < 1e-9 else "ft"
    return Dataset(slug=slug, name=name or slug, epsg=epsg, units=units, description=description)


def refused_new_dataset(slug: str, run: ImportRun) -> Rejected:
    """The error that undoes a new dataset whose first import was rejected."""
    reasons = "; ".join(
        (f"line {e['line']}: " if e.get("line") else "") + str(e.get("reason", ""))
        for e in (run.errors or [])[:5]
    )
    return Rejected(
        f"Nothing was imported, so the dataset {slug!r} was not created either. {reasons}".strip()
    )


def import_into_new_dataset(
    stream: IO[bytes], *, slug: str, name: str, epsg: int, actor: Any, **kw: Any
) -> ImportRun:
    """Create a dataset and import its first file in one transaction: a rejected file
    leaves no empty dataset behind (so the same slug can be tried again)."""
    with transaction.atomic():
        dataset = create_dataset(slug, name=name, epsg=epsg, actor=actor)
        run = import_file(stream, dataset=dataset, actor=actor, **kw)
        if run.state != ImportRun.State.DONE:
            raise refused_new_dataset(slug, run)
    return run


def import_file(
    stream: IO[bytes],
    *,
    dataset: Dataset,
    file_name: str,
    actor: Any,
    mapping: dict[str, str],
    mode: str = ImportRun.Mode.ALL_OR_NOTHING,
    xy_epsg: int | None = None,
    request: HttpRequest | None = None,
    run: ImportRun | None = None,
    progress: Callable[..., None] | None = None,
) -> ImportRun:
    """Import one CSV file into `dataset`. Returns the run (state done or rejected).

    `run` is the queued row a background import fills in (its dataset may be a new,
    unsaved one); `progress(rows_read, reading_done=False)` is called per row read."""
    access.check_import(actor)
    if mode not in ImportRun.Mode.values:
        raise Rejected(f"Mode must be one of: {', '.join(ImportRun.Mode.values)}.")
    base = _base(dataset, file_name, sha256_of(stream), mapping, mode, actor, xy_epsg)
    try:
        full = check_mapping(read_headers(stream), mapping)
        base["mapping"] = {**full, **({"xy_epsg": str(xy_epsg)} if xy_epsg else {})}
        batch = Batch()
        for row in rows(stream, full):
            batch.total += 1
            if progress is not None:
                progress(batch.total)
            (batch.errors if isinstance(row, RowError) else batch.rows).append(row)
        if progress is not None:
            progress(batch.total, True)
    except Rejected as exc:
        return _reject(base, [RowError(0, exc.message)], 0, actor, request, run)
    return write(batch, base, dataset, actor=actor, request=request, xy_epsg=xy_epsg, run=run)


def _base(dataset, file_name, digest, mapping, mode, actor, xy_epsg) -> dict[str, Any]:
    return {
        "dataset": dataset if dataset.pk else None,
        "file_name": file_name[:300],
        "sha256": digest,
        "mode": mode,
        "imported_by": actor if isinstance(actor, User) else None,
        "mapping": dict(mapping or {}),
    }


def write(
    batch: Batch,
    base: dict[str, Any],
    dataset: Dataset,
    *,
    actor: Any,
    request: Any = None,
    xy_epsg: int | None = None,
    run: ImportRun | None = None,
) -> ImportRun:
    who = (actor, request, run)
    if batch.total == 0:
        return _reject(base, [RowError(0, "The file has a header row but no rows.")], 0, *who)
    if batch.errors and base["mode"] == ImportRun.Mode.ALL_OR_NOTHING:
        return _reject(base, batch.errors, batch.total, *who)
    try:
        placed = locate(batch.rows, epsg=dataset.epsg, xy_epsg=xy_epsg, area=dataset.area)
    except Rejected as exc:
        return _reject(base, [RowError(0, exc.message)], batch.total, *who)
    excluded = [
        RowError(batch.rows[i].line, why, "excluded") for i, why in sorted(placed.excluded.items())
    ]
    wanted: dict[str, dict[str, Any]] = {}
    seen: Counter[str] = Counter()
    duplicates: list[RowError] = []
    first_line: dict[str, int] = {}
    for i, row in enumerate(batch.rows):
        if i in placed.excluded:
            continue
        x, y = float(placed.x[i]), float(placed.y[i])
        plain = row_key(row, x, y)
        key = plain if row.ident else row_key(row, x, y, seen[plain])
        seen[plain] += 1
        values = {
            "occurred_at": row.occurred_at,
            "date_only": row.date_only,
            "category": row.category,
            "subcategory": row.subcategory,
            "x": x,
            "y": y,
            "lat": float(placed.lat[i]),
            "lon": float(placed.lon[i]),
            "area_unit": row.area_unit,
        }
        if key in wanted:  # the same id twice in one file
            if wanted[key] != values:
                batch.errors.append(
                    RowError(row.line, f"id {row.ident!r} is also on line {first_line[key]} "
                             "with different values")
                )  # fmt: skip
            else:
                duplicates.append(
                    RowError(row.line, f"same as line {first_line[key]}: imported once", "warning")
                )
            continue
        wanted[key] = values
        first_line[key] = row.line
    if batch.errors and base["mode"] == ImportRun.Mode.ALL_OR_NOTHING:
        return _reject(base, batch.errors + excluded, batch.total, *who)
    return _save(base, dataset, placed, wanted, batch, excluded + duplicates, *who)


def _store(run: ImportRun | None, **values: Any) -> ImportRun:
    """Create the row (a foreground import) or fill in the queued one (a task's)."""
    values.setdefault("rows_read", values.get("rows_total", 0))
    values["finished_at"] = timezone.now()
    if run is None:
        return ImportRun.objects.create(**values)
    staged.still_running(ImportRun, run.pk)
    for name, value in values.items():
        setattr(run, name, value)
    run.updated_at = timezone.now()
    run.save()
    return run


def _save(base, dataset, placed, wanted, batch, remarks, actor, request, run) -> ImportRun:
    with transaction.atomic():
        if placed.area_is_new and placed.area is not None:
            (
                dataset.area_x_min,
                dataset.area_y_min,
                dataset.area_x_max,
                dataset.area_y_max,
            ) = placed.area
            if dataset.pk:
                fields = ["area_x_min", "area_y_min", "area_x_max", "area_y_max"]
                dataset.save(update_fields=fields)
        if not dataset.pk:  # a queued import's new dataset, created with its incidents
            if Dataset.objects.filter(slug=dataset.slug).exists():
                raise Conflict(f"A dataset {dataset.slug!r} was created meanwhile.")
            dataset.save()
        run = _store(run, **{**base, "dataset": dataset}, state=ImportRun.State.DONE)
        created, updated, unchanged = _upsert(dataset, run, wanted)
        problems = sorted(batch.errors + remarks, key=lambda e: e.line)
        run.rows_total = batch.total
        run.rows_created, run.rows_updated, run.rows_unchanged = created, updated, unchanged
        run.rows_rejected = len(batch.errors)
        run.rows_excluded = sum(1 for e in remarks if e.level == "excluded")
        run.errors = [e.as_dict() for e in problems[:MAX_LISTED]]
        run.rows_read = batch.total
        run.save()
        ledger.record(
            IMPORTED, actor=actor, request=request, client=run.client, detail=event_detail(run)
        )
    return run


def _chunks(items: list[str], size: int = CHUNK) -> Iterable[list[str]]:
    for i in range(0, len(items), size):
        yield items[i : i + size]


def _upsert(
    dataset: Dataset, run: ImportRun, wanted: dict[str, dict[str, Any]]
) -> tuple[int, int, int]:
    existing: dict[str, Incident] = {}
    for chunk in _chunks(list(wanted)):
        for incident in Incident.objects.filter(dataset=dataset, key__in=chunk):
            existing[incident.key] = incident
    new, changed, unchanged = [], [], 0
    for key, values in wanted.items():
        old = existing.get(key)
        if old is None:
            new.append(Incident(dataset=dataset, key=key, source_import=run, **values))
            continue
        if all(_same(getattr(old, k), values[k]) for k in values):
            unchanged += 1
            continue
        for k, v in values.items():
            setattr(old, k, v)
        old.source_import = run
        changed.append(old)
    Incident.objects.bulk_create(new, batch_size=CHUNK)
    if changed:
        Incident.objects.bulk_update(
            changed, [*COMPARED, "area_unit", "source_import"], batch_size=CHUNK
        )
    return len(new), len(changed), unchanged


def _same(a: Any, b: Any) -> bool:
    if isinstance(a, float) and isinstance(b, float):
        return abs(a - b) < 1e-6
    return a == b


def _reject(
    base: dict[str, Any],
    errors: list[RowError],
    total: int,
    actor: Any,
    request: Any,
    run: ImportRun | None = None,
) -> ImportRun:
    bad = [e for e in errors if e.level == "error"]
    with transaction.atomic():
        run = _store(
            run,
            **base,
            state=ImportRun.State.REJECTED,
            rows_total=total,
            rows_rejected=len(bad) if total else 0,
            rows_excluded=sum(1 for e in errors if e.level == "excluded"),
            errors=[e.as_dict() for e in sorted(errors, key=lambda e: e.line)[:MAX_LISTED]],
        )
        ledger.record(
            IMPORT_REJECTED,
            actor=actor,
            request=request,
            client=run.client,
            outcome="failure",
            detail=event_detail(run, errors=len(bad)),
        )
    return run


def event_detail(run: ImportRun, **extra: Any) -> dict[str, Any]:
    return {
        "import": str(run.pk),
        "dataset": run.dataset_slug,
        "file_name": run.file_name,
        "sha256": run.sha256,
        "mode": run.mode,
        "rows": run.rows_total,
        "created": run.rows_created,
        "updated": run.rows_updated,
        "unchanged": run.rows_unchanged,
        "rejected": run.rows_rejected,
        "excluded": run.rows_excluded,
        **extra,
    }
