"""Shares: evidence items, or a whole case, lent to a named prosecutor for a while."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.utils import timezone


class Share(models.Model):
    class Mode(models.TextChoices):
        VIEW = "view", "View only (watermarked playback)"
        DOWNLOAD = "download", "View and download"

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    # A case share covers the case's items as they are when the grantee looks;
    # an item share covers exactly `items`.
    case = models.ForeignKey(
        "cases.Case", null=True, blank=True, on_delete=models.PROTECT, related_name="shares"
    )
    items = models.ManyToManyField("evidence.Item", blank=True, related_name="shares")
    grantee = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="shares_received"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="shares_made"
    )
    mode = models.CharField(max_length=16, choices=Mode.choices, default=Mode.VIEW)
    notes = models.TextField(blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField()
    revoked_at = models.DateTimeField(null=True, blank=True)
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )

    class Meta:
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["grantee", "expires_at"])]

    def __str__(self) -> str:
        return f"share {str(self.pk)[:8]} to {self.grantee}"

    @property
    def live(self) -> bool:
        return self.revoked_at is None and self.expires_at > timezone.now()

    @property
    def downloadable(self) -> bool:
        return self.mode == self.Mode.DOWNLOAD


class WatermarkedCopy(models.Model):
    """A copy of an item's playable video with the grantee's name burnt in, made on first
    view of a view-only share. The original is never touched."""

    share = models.ForeignKey(Share, on_delete=models.CASCADE, related_name="copies")
    item = models.ForeignKey("evidence.Item", on_delete=models.PROTECT, related_name="+")
    blob = models.ForeignKey("evidence.Blob", on_delete=models.PROTECT, related_name="+")
    source_sha256 = models.CharField(max_length=64)
    text = models.CharField(max_length=200)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["share", "item"], name="one_watermark_per_share_item")
        ]

    def __str__(self) -> str:
        return f"watermarked copy of {self.item_id} for {self.share_id}"
