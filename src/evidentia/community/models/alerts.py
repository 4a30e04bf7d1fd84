"""Community alerts: safety bulletins staff publish on the portal and its feed."""

from __future__ import annotations

import uuid
from datetime import datetime

from django.conf import settings
from django.db import models
from django.utils import timezone


class AlertQuerySet(models.QuerySet):
    def live(self, now: datetime | None = None) -> AlertQuerySet:
        """In force now: published, not yet expired, not withdrawn (as `Alert.live`)."""
        now = now or timezone.now()
        return self.filter(withdrawn_at__isnull=True, published_at__lte=now, expires_at__gt=now)


class Alert(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    title = models.CharField(max_length=160)
    body = models.TextField()
    area = models.CharField(max_length=200, help_text="Where it applies, in words.")
    lat = models.FloatField(null=True, blank=True)
    lon = models.FloatField(null=True, blank=True)
    radius_m = models.PositiveIntegerField(null=True, blank=True)
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    published_at = models.DateTimeField(default=timezone.now, db_index=True)
    expires_at = models.DateTimeField(db_index=True)
    withdrawn_at = models.DateTimeField(null=True, blank=True)

    objects = AlertQuerySet.as_manager()

    class Meta:
        ordering = ["-published_at"]

    def __str__(self) -> str:
        return self.title

    @property
    def live(self) -> bool:
        """This alert is in force: the test `Alert.objects.live()` makes in the database."""
        now = timezone.now()
        return self.withdrawn_at is None and self.published_at <= now < self.expires_at
