"""What the public transparency portal publishes.

Figures are computed by a refresh task into `Dataset` rows, already suppressed: a page
or a download reads them and never touches the underlying records."""

from __future__ import annotations

from django.db import models
from django.utils import timezone


class Dataset(models.Model):
    key = models.SlugField(max_length=40, help_text="use_of_force, complaints, ...")
    year = models.PositiveSmallIntegerField()
    payload = models.JSONField(help_text="Tables of suppressed cells, with definitions.")
    refreshed_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["key", "-year"]
        constraints = [models.UniqueConstraint(fields=["key", "year"], name="one_dataset_year")]

    def __str__(self) -> str:
        return f"{self.key} {self.year}"
