"""Early-intervention task: evaluate the rules as of today. Idempotent: a second run the
same day raises nothing new (see services.evaluate)."""

from __future__ import annotations

from celery import shared_task


@shared_task(name="evidentia.intervention.tasks.evaluate")
def evaluate(as_of: str | None = None) -> int:
    from datetime import date

    from evidentia.intervention.services.evaluate import evaluate as run

    return len(run(date.fromisoformat(as_of) if as_of else None).raised)
