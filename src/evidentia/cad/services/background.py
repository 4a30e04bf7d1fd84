"""CAD imports from the web page run as a Celery task (docs/decisions/0027).

The page queues an Import row that owns the staged file; the task claims it once, runs
the same `imports.import_file` the command line runs, and removes the file however the
import ends. A task that crashes leaves the row failed with a plain message (the data
transaction rolled back, so nothing is half-saved) and a ledger event."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.db import transaction
from django.http import HttpRequest

from evidentia.cad.models import Import
from evidentia.cad.services import access, imports, uploads
from evidentia.core import staged
from evidentia.core.errors import Rejected
from evidentia.custody import events
from evidentia.custody.ledger import client_of

# How a failed import is written in the ledger: the rejected event, with the reason.
_FAILED = (events.CAD_IMPORT_REJECTED, imports.event_detail)


def queue_import(
    token: str,
    *,
    file_name: str,
    actor: Any,
    mode: str,
    mapping: dict[str, str],
    request: HttpRequest | None = None,
) -> Import:
    """A queued Import for a staged upload; the task starts once this commits."""
    access.check_import(actor)
    if mode not in Import.Mode.values:
        raise Rejected(f"Mode must be one of: {', '.join(Import.Mode.values)}.")
    path = uploads.STAGED.path_of(token)
    with transaction.atomic():
        imp = Import.objects.create(
            file_name=file_name[:300],
            mode=mode,
            mapping={k: v for k, v in mapping.items() if v},
            state=Import.State.QUEUED,
            imported_by=actor,
            staged=token,
            rows_expected=staged.estimate_rows(path),
            client=client_of(request),
        )
        from evidentia.cad.tasks import run_import

        pk = str(imp.pk)
        transaction.on_commit(lambda: run_import.delay(pk))
    return imp


def run_queued(import_id: str) -> Import | None:
    """Run a queued import; None when it was not queued (already run, or running)."""

    def work(imp: Import, stream: Any, progress: Any) -> Import:
        return imports.import_file(
            stream,
            file_name=imp.file_name,
            actor=imp.imported_by,
            mode=imp.mode,
            mapping=imp.mapping,
            imp=imp,
            progress=progress,
        )

    return staged.run_job(Import, import_id, uploads.STAGED, work, *_FAILED)


def staged_in_use(cutoff: datetime) -> set[str]:
    """For the hourly cleanup (core/staged.py): stale imports fail, live ones keep
    their files."""
    return staged.sweep(Import, cutoff, uploads.STAGED, *_FAILED)
