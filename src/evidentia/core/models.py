"""Shared abstract model parts (core has no tables of its own)."""

from __future__ import annotations

from django.db import models
from django.utils import timezone


class ImportProgress(models.Model):
    """How far a CSV import run on the worker got (docs/decisions/0027); the CAD and
    incident import logs both carry it, and core/staged.py moves it along."""

    rows_read = models.PositiveIntegerField(default=0)
    rows_expected = models.PositiveIntegerField(
        null=True, blank=True, help_text="About how many rows: the file's line count."
    )
    message = models.TextField(blank=True, help_text="Why a failed import failed.")
    staged = models.CharField(max_length=36, blank=True, help_text="The staged upload's token.")
    client = models.JSONField(null=True, blank=True, help_text="Who sent it, for the ledger.")
    updated_at = models.DateTimeField(default=timezone.now)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        abstract = True
