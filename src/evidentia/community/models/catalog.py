"""The service list: what a resident can report (Open311 calls these services)."""

from __future__ import annotations

from django.db import models


class Open311Type(models.TextChoices):
    REALTIME = "realtime", "Realtime (the request id is returned at once)"
    BATCH = "batch", "Batch (a token is returned; the id comes later)"
    BLACKBOX = "blackbox", "Blackbox (nothing is returned)"


class Service(models.Model):
    code = models.SlugField(max_length=40, unique=True, help_text="Open311 service_code.")
    name = models.CharField(max_length=120)
    description = models.TextField(blank=True)
    group = models.CharField(max_length=80, blank=True)
    keywords = models.CharField(max_length=200, blank=True, help_text="Comma-separated.")
    public = models.BooleanField(
        default=True,
        help_text="Reports in this category appear on the public map, list, feed and "
        "Open311 (fuzzed to the block). Off keeps them between the resident and staff.",
    )
    standards = models.BooleanField(
        default=False,
        help_text="Complaints about officers: visible only to professional-standards staff.",
    )
    open311_type = models.CharField(
        max_length=10, choices=Open311Type.choices, default=Open311Type.REALTIME
    )
    attributes = models.JSONField(
        default=list,
        blank=True,
        help_text="Extra questions, as Open311 service-definition attributes.",
    )
    expected_days = models.PositiveIntegerField(
        null=True, blank=True, help_text="Typical days to resolve (Open311 expected_datetime)."
    )
    order = models.PositiveIntegerField(default=0)
    active = models.BooleanField(default=True)

    class Meta:
        ordering = ["order", "name"]

    def __str__(self) -> str:
        return self.name

    @property
    def has_metadata(self) -> bool:
        return bool(self.attributes)
