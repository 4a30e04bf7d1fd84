"""Analytics tasks. An import runs only from the queued state, once, so a second
delivery of the same task does nothing."""

from __future__ import annotations

from celery import shared_task


@shared_task(name="evidentia.analytics.tasks.run_import")
def run_import(run_id: str) -> str:
    """An incident import queued by the web page; the result is on its ImportRun."""
    from evidentia.analytics.services import background

    run = background.run_queued(run_id)
    return run.state if run is not None else "not queued"
