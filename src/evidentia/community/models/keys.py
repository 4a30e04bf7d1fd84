"""Open311 client keys and the rate limiter's counters."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone


class Open311Key(models.Model):
    """An api_key for Open311 POST. Only its SHA-256 is stored; the key is shown once."""

    name = models.CharField(max_length=120)
    key_hash = models.CharField(max_length=64, unique=True)
    prefix = models.CharField(max_length=12, help_text="The first characters, to recognise it.")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    revoked_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"


class RateHit(models.Model):
    """Requests from one client in one window. `bucket` is an HMAC of the client's
    address under a salt that changes every day, so no address is ever stored and a
    bucket cannot be linked to one from an earlier day."""

    bucket = models.CharField(max_length=64)
    window = models.DateTimeField(db_index=True)
    count = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["bucket", "window"], name="one_counter_per_window")
        ]

    def __str__(self) -> str:
        return f"{self.count} at {self.window:%H:%M}"
