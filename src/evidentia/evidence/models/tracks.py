"""GPS positions of evidence items, kept for map search (docs/decisions/0007-gps-storage.md)."""

from __future__ import annotations

from django.db import models

from evidentia.evidence.models.items import Item


class TrackPoint(models.Model):
    """One GPS position of an item.

    A GPS sidecar has one row per fix; a recording whose container names a location has
    one row at its start. Points of a sidecar count for its linked recording too.
    """

    class Source(models.TextChoices):
        TRACK = "track", "GPS track"
        LOCATION = "location", "Container location"

    item = models.ForeignKey(Item, on_delete=models.CASCADE, related_name="track_points")
    source = models.CharField(max_length=16, choices=Source.choices)
    seq = models.PositiveIntegerField()
    time = models.DateTimeField(null=True, blank=True)
    lat = models.FloatField()
    lon = models.FloatField()

    class Meta:
        indexes = [
            models.Index(fields=["time"], name="trackpoint_time"),
            models.Index(fields=["lat", "lon"], name="trackpoint_latlon"),
        ]
        constraints = [
            models.UniqueConstraint(fields=["item", "source", "seq"], name="one_point_per_seq")
        ]

    def __str__(self) -> str:
        return f"{self.lat:.5f},{self.lon:.5f} of {self.item_id}"
