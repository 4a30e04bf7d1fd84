"""Retention tasks: the daily due-flagging (never destroys) and the shred after approval."""

from __future__ import annotations

from celery import shared_task


@shared_task(name="evidentia.retention.tasks.flag_due")
def flag_due() -> int:
    from evidentia.retention import services

    services.resume_all()  # finish any shred a crash interrupted
    return len(services.flag_due())


@shared_task(name="evidentia.retention.tasks.shred_disposition")
def shred_disposition(disposition_id: str) -> str:
    from evidentia.retention import services
    from evidentia.retention.models import Disposition

    d = Disposition.objects.get(pk=disposition_id)
    return services.shred(d).state
