"""Celery tasks for resumable uploads. Idempotent: a second run finds nothing to do."""

from __future__ import annotations

from celery import shared_task


@shared_task(name="evidentia.evidence.upload_tasks.cleanup_expired_uploads")
def cleanup_expired_uploads() -> int:
    """Expire unfinished uploads past their Upload-Expires and delete their bytes, and
    remove CSV files staged for import but abandoned (core/staged.py)."""
    from evidentia.core.staged import remove_abandoned
    from evidentia.evidence.services.upload_expiry import cleanup_expired

    return cleanup_expired() + remove_abandoned()
