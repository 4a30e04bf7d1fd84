"""Periodic community-portal housekeeping (idempotent)."""

from __future__ import annotations

from celery import shared_task

from evidentia.community.services import ratelimit


@shared_task
def purge_rate_counters() -> int:
    return ratelimit.purge()
