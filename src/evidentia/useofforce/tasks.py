"""Use-of-force tasks: the periodic missing-recording check (idempotent)."""

from __future__ import annotations

from celery import shared_task


@shared_task(name="evidentia.useofforce.tasks.check_recordings")
def check_recordings() -> dict[str, int]:
    from evidentia.useofforce.services import recordings

    return recordings.check_all()
