"""Incident imports from the web page run as a Celery task (docs/decisions/0027).

The page queues an ImportRun that owns the staged file; the task claims it once, runs
the same `imports.import_file` the command line runs (noting progress while reading),
and removes the file however the import ends. A new dataset is created only together
with its first incidents."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import IO, Any

from django.db import transaction
from django.http import HttpRequest

from evidentia.analytics.models import Dataset, ImportRun
from evidentia.analytics.services import access
from evidentia.analytics.services.imports import (
    IMPORT_REJECTED,
    STAGED,
    event_detail,
    import_file,
    new_dataset,
)
from evidentia.core import staged
from evidentia.core.errors import Rejected
from evidentia.custody.ledger import client_of


def queue_import(
    token: str,
    *,
    dataset: Dataset,
    file_name: str,
    actor: Any,
    mapping: dict[str, str],
    mode: str = ImportRun.Mode.ALL_OR_NOTHING,
    xy_epsg: int | None = None,
    request: HttpRequest | None = None,
) -> ImportRun:
    """A queued ImportRun for a staged upload; the task starts once this commits.
    `dataset` may be new_dataset(...): it is created with the first incidents."""
    access.check_import(actor)
    if mode not in ImportRun.Mode.values:
        raise Rejected(f"Mode must be one of: {', '.join(ImportRun.Mode.values)}.")
    path = STAGED.path_of(token)
    spec = {} if dataset.pk else {"slug": dataset.slug, "name": dataset.name, "epsg": dataset.epsg}
    with transaction.atomic():
        run = ImportRun.objects.create(
            dataset=dataset if dataset.pk else None,
            new_dataset=spec,
            file_name=file_name[:300],
            mode=mode,
            mapping={**mapping, **({"xy_epsg": str(xy_epsg)} if xy_epsg else {})},
            state=ImportRun.State.QUEUED,
            imported_by=actor,
            staged=token,
            rows_expected=staged.estimate_rows(path),
            client=client_of(request),
        )
        from evidentia.analytics.tasks import run_import

        pk = str(run.pk)
        transaction.on_commit(lambda: run_import.delay(pk))
    return run


def run_queued(run_id: str) -> ImportRun | None:
    """Run a queued import; None when it was not queued (already run, or running)."""

    def work(run: ImportRun, stream: IO[bytes], progress: Callable[..., None]) -> ImportRun:
        mapping = dict(run.mapping)
        xy = mapping.pop("xy_epsg", "")
        spec = run.new_dataset
        dataset = run.dataset or new_dataset(spec["slug"], name=spec["name"], epsg=spec["epsg"])
        return import_file(
            stream,
            dataset=dataset,
            file_name=run.file_name,
            actor=run.imported_by,
            mapping=mapping,
            mode=run.mode,
            xy_epsg=int(xy) if xy else None,
            run=run,
            progress=progress,
        )

    return staged.run_job(ImportRun, run_id, STAGED, work, IMPORT_REJECTED, event_detail)


def staged_in_use(cutoff: datetime) -> set[str]:
    """For the hourly cleanup (core/staged.py): stale imports fail, live ones keep
    their files."""
    return staged.sweep(ImportRun, cutoff, STAGED, IMPORT_REJECTED, event_detail)
