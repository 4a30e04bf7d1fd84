"""CAD tasks. All are idempotent: tagging recomputes links from scratch, and an import
runs only from the queued state, once.

Beat entry wanted in settings.CELERY_BEAT_SCHEDULE:
    "cad-tag-recent": {"task": "evidentia.cad.tasks.tag_recent", "schedule": 900}
"""

from __future__ import annotations

from datetime import timedelta

from celery import shared_task
from django.conf import settings
from django.utils import timezone


@shared_task(name="evidentia.cad.tasks.run_import")
def run_import(import_id: str) -> str:
    """A CAD import queued by the web page; the result is on its Import row."""
    from evidentia.cad.services import background

    imp = background.run_queued(import_id)
    return imp.state if imp is not None else "not queued"


@shared_task(name="evidentia.cad.tasks.tag_import")
def tag_import(import_id: str) -> int:
    from evidentia.cad.models import Call
    from evidentia.cad.services import tagging

    return tagging.tag_calls(Call.objects.filter(source_import_id=import_id)).items_changed


@shared_task(name="evidentia.cad.tasks.tag_recent")
def tag_recent(hours: float | None = None) -> int:
    """Recordings ingested lately (default the last CAD_TAG_RECENT_HOURS, 24): a clip
    docked after its call was imported is linked without waiting for the next import."""
    from evidentia.cad.services import tagging

    hours = hours if hours is not None else getattr(settings, "CAD_TAG_RECENT_HOURS", 24)
    since = timezone.now() - timedelta(hours=float(hours))
    return tagging.tag_since(since).items_changed
