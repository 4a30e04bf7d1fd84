"""Files derived from an original: poster, thumbnail sprite, browser proxy, waveform, track.

Each derivative is its own blob in the vault (own SHA-256), linked to the item it was made
from; the original blob is never touched (rule 1).
"""

from __future__ import annotations

from django.db import models
from django.utils import timezone

from evidentia.evidence.models.items import Blob, Item


class Derivative(models.Model):
    class Kind(models.TextChoices):
        POSTER = "poster", "Poster frame"
        SPRITE = "sprite", "Thumbnail sprite"
        PROXY = "proxy", "Browser proxy"
        WAVEFORM = "waveform", "Audio waveform"
        TRACK = "track", "GPS track"

    item = models.ForeignKey(Item, on_delete=models.PROTECT, related_name="derivatives")
    kind = models.CharField(max_length=16, choices=Kind.choices)
    blob = models.ForeignKey(Blob, on_delete=models.PROTECT, related_name="derivatives")
    meta = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["item", "kind"]
        constraints = [
            models.UniqueConstraint(fields=["item", "kind"], name="one_derivative_per_kind")
        ]

    def __str__(self) -> str:
        return f"{self.kind} of {self.item_id}"
