"""Public releases: redacted footage the agency publishes on the portal with a statement,
e.g. after a critical incident. Only an approved RedactedVersion is ever released; the
original evidence never leaves the vault."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.utils import timezone


class ReleaseQuerySet(models.QuerySet):
    def live(self) -> ReleaseQuerySet:
        return self.filter(withdrawn_at__isnull=True)


class Release(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    slug = models.SlugField(max_length=80, unique=True)
    title = models.CharField(max_length=160)
    statement = models.TextField(help_text="The agency's statement, shown as written.")
    summary = models.TextField(help_text="What happened, in a few sentences.")
    incident_date = models.DateField()
    item = models.ForeignKey("evidence.Item", on_delete=models.PROTECT, related_name="+")
    version = models.ForeignKey(
        "redaction.RedactedVersion", on_delete=models.PROTECT, related_name="releases"
    )
    sha256 = models.CharField(max_length=64, help_text="SHA-256 of the released redacted file.")
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    published_at = models.DateTimeField(default=timezone.now, db_index=True)
    withdrawn_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    withdrawn_at = models.DateTimeField(null=True, blank=True)
    withdrawn_reason = models.TextField(blank=True)

    objects = ReleaseQuerySet.as_manager()

    class Meta:
        ordering = ["-published_at"]

    def __str__(self) -> str:
        return self.title

    @property
    def live(self) -> bool:
        return self.withdrawn_at is None
