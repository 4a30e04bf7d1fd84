"""Incidents for analysis (imported calls and reports, or the agency's CAD calls) and
the imports that brought them. Calls and reports are not crime: every page says so."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.utils import timezone

from evidentia.core.models import ImportProgress


class Dataset(models.Model):
    """One source of incidents, with the projected CRS its x/y are in (for grids)."""

    slug = models.SlugField(max_length=60, unique=True)
    name = models.CharField(max_length=200)
    description = models.TextField(blank=True)
    epsg = models.PositiveIntegerField(
        help_text="CRS of x/y: a projected system in feet or metres (e.g. 2913)."
    )
    units = models.CharField(max_length=8, default="ft", help_text="ft or m")
    # The study area in the dataset's CRS. The first import sets it from the data's
    # robust extent (docs/decisions/0025); points outside it are reported and excluded.
    area_x_min = models.FloatField(null=True, blank=True)
    area_y_min = models.FloatField(null=True, blank=True)
    area_x_max = models.FloatField(null=True, blank=True)
    area_y_max = models.FloatField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    @property
    def area(self) -> tuple[float, float, float, float] | None:
        box = (self.area_x_min, self.area_y_min, self.area_x_max, self.area_y_max)
        return None if any(v is None for v in box) else box  # type: ignore[return-value]


class ImportRun(ImportProgress):
    class Mode(models.TextChoices):
        ALL_OR_NOTHING = "all", "Import nothing if any row is bad"
        SKIP_BAD = "skip", "Import the good rows, report the bad"

    class State(models.TextChoices):
        QUEUED = "queued", "Waiting for a background worker"
        RUNNING = "running", "Importing"
        DONE = "done", "Imported"
        REJECTED = "rejected", "Rejected (nothing imported)"
        FAILED = "failed", "Failed (nothing imported)"

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    # Empty while a web import that creates its dataset is queued or running, and for
    # good if that import is refused: the dataset is created with its first incidents.
    dataset = models.ForeignKey(
        Dataset, null=True, blank=True, on_delete=models.PROTECT, related_name="imports"
    )
    new_dataset = models.JSONField(
        default=dict, blank=True, help_text="{slug, name, epsg} of the dataset to create."
    )
    file_name = models.CharField(max_length=300)
    sha256 = models.CharField(max_length=64)
    mapping = models.JSONField(default=dict)
    mode = models.CharField(max_length=4, choices=Mode.choices)
    state = models.CharField(max_length=10, choices=State.choices)
    rows_total = models.PositiveIntegerField(default=0)
    rows_created = models.PositiveIntegerField(default=0)
    rows_updated = models.PositiveIntegerField(default=0)
    rows_unchanged = models.PositiveIntegerField(default=0)
    rows_excluded = models.PositiveIntegerField(
        default=0, help_text="At 0,0 or outside the study area: reported, not imported."
    )
    rows_rejected = models.PositiveIntegerField(default=0)
    errors = models.JSONField(default=list, help_text="[{line, reason, level}]")
    imported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["state", "created_at"])]

    def __str__(self) -> str:
        return f"{self.file_name} into {self.dataset or self.dataset_slug}"

    @property
    def dataset_slug(self) -> str:
        return self.dataset.slug if self.dataset else str(self.new_dataset.get("slug", ""))

    @property
    def dataset_name(self) -> str:
        if self.dataset:
            return self.dataset.name
        return str(self.new_dataset.get("name") or self.new_dataset.get("slug", ""))


class Incident(models.Model):
    dataset = models.ForeignKey(Dataset, on_delete=models.PROTECT, related_name="incidents")
    key = models.CharField(
        max_length=64, help_text="The source's id, or a digest of the row: re-imports match it."
    )
    occurred_at = models.DateTimeField(db_index=True)
    date_only = models.BooleanField(default=False, help_text="The source gave a date, no time.")
    category = models.CharField(max_length=120, db_index=True)
    subcategory = models.CharField(max_length=120, blank=True)
    x = models.FloatField(help_text="In the dataset's CRS.")
    y = models.FloatField()
    lat = models.FloatField()
    lon = models.FloatField()
    area_unit = models.CharField(max_length=60, blank=True, help_text="e.g. census tract")
    source_import = models.ForeignKey(
        ImportRun, null=True, blank=True, on_delete=models.PROTECT, related_name="incidents"
    )

    class Meta:
        ordering = ["-occurred_at"]
        constraints = [
            models.UniqueConstraint(fields=["dataset", "key"], name="one_incident_per_key")
        ]
        indexes = [models.Index(fields=["dataset", "category", "occurred_at"])]

    def __str__(self) -> str:
        return f"{self.category} {self.occurred_at:%Y-%m-%d}"


class AreaLayer(models.Model):
    """A polygon layer of area units (census tracts, beats, neighbourhoods) for the bias
    and validity report. Kept as uploaded, one row per version: importing the same name
    again adds a version, and the report uses the dataset's newest layer (decision 0029)."""

    dataset = models.ForeignKey(Dataset, on_delete=models.PROTECT, related_name="area_layers")
    name = models.CharField(max_length=80, help_text="e.g. tracts2010")
    version = models.PositiveIntegerField(default=1)
    kind = models.CharField(max_length=80, blank=True, help_text="What the units are.")
    unit_field = models.CharField(max_length=120, help_text="The property naming each unit.")
    file_name = models.CharField(max_length=300)
    sha256 = models.CharField(max_length=64)
    epsg_source = models.PositiveIntegerField(help_text="CRS of the uploaded coordinates.")
    vertices = models.PositiveIntegerField(default=0)
    warnings = models.JSONField(default=list, blank=True, help_text="Repairs and merges.")
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    uploaded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-uploaded_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["dataset", "name", "version"], name="one_area_layer_version"
            )
        ]

    def __str__(self) -> str:
        return f"{self.name} v{self.version} ({self.dataset})"


class AreaUnit(models.Model):
    """One area of a layer, its polygon in the dataset's CRS (WKB, hex)."""

    layer = models.ForeignKey(AreaLayer, on_delete=models.PROTECT, related_name="units")
    name = models.CharField(max_length=200)
    geometry = models.TextField(help_text="Polygon or MultiPolygon as hex WKB, dataset CRS.")
    area = models.FloatField(help_text="In square units of the dataset's CRS.")

    class Meta:
        ordering = ["name"]
        constraints = [models.UniqueConstraint(fields=["layer", "name"], name="one_area_unit_name")]

    def __str__(self) -> str:
        return self.name
