"""Redaction jobs on their own Celery queue (``redaction``), so GPU workers can take them.

Both are idempotent: a plan that is no longer detecting is not detected again, and a plan
that already has a redacted version for its approved content is not rendered again.

The queue comes from settings.CELERY_TASK_ROUTES ("evidentia.redaction.tasks.*" goes to
"redaction"), not from ``@shared_task(queue=...)``, which Celery 5.7 deprecates.
"""

from __future__ import annotations

from celery import shared_task


@shared_task(acks_late=True)
def detect(plan_id: str) -> str:
    """Run automatic detection for a plan in state "detecting"."""
    from evidentia.redaction.services import run_detection

    return run_detection(plan_id)


@shared_task(acks_late=True)
def render(plan_id: str, user_id: int | None = None) -> str:
    """Render an approved plan into a new redacted version (blobs + review log)."""
    from evidentia.redaction.services import run_render

    return run_render(plan_id, user_id)
