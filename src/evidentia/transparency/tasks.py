"""Transparency tasks: the refresh, safe to run at any time and any number of times."""

from __future__ import annotations

from celery import shared_task


@shared_task(name="transparency.tasks.refresh")
def refresh() -> int:
    from evidentia.transparency.services.refresh import refresh as run

    return run().datasets
