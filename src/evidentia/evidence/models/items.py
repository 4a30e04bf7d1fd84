"""Evidence items, the encrypted blobs behind them, processing jobs and fixity alerts."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.utils import timezone


class Blob(models.Model):
    """One immutable encrypted object in the vault. Content-addressed by SHA-256."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    sha256 = models.CharField(max_length=64, unique=True)
    size = models.BigIntegerField()
    storage_key = models.CharField(max_length=200, unique=True)
    kek_id = models.CharField(max_length=64)
    wrapped_key = models.BinaryField(
        blank=True, help_text="The KEK-wrapped data key; empty once destroyed (disposition)."
    )
    segment_size = models.IntegerField()
    mime = models.CharField(max_length=100, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    last_fixity_at = models.DateTimeField(null=True, blank=True)
    last_fixity_ok = models.BooleanField(null=True)
    # Tombstone (rule 4): set when retention disposition crypto-shredded this blob. The
    # row keeps its hash and size; the wrapped key is blank and the stored object gone.
    destroyed_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"blob {self.sha256[:12]}"

    @property
    def destroyed(self) -> bool:
        return self.destroyed_at is not None


class Kind(models.TextChoices):
    VIDEO = "video", "Video"
    AUDIO = "audio", "Audio"
    IMAGE = "image", "Image"
    GPS = "gps", "GPS track"
    DOCUMENT = "document", "Document"
    OTHER = "other", "Other"


class Processing(models.TextChoices):
    PENDING = "pending", "Processing"
    DONE = "done", "Processed"
    FAILED = "failed", "Processing failed"
    NOT_NEEDED = "not_needed", "No processing needed"


class Item(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    blob = models.ForeignKey(Blob, on_delete=models.PROTECT, related_name="items")
    title = models.CharField(max_length=200)
    original_name = models.CharField(max_length=1024, help_text="As submitted; display only.")
    kind = models.CharField(max_length=16, choices=Kind.choices, db_index=True)
    mime = models.CharField(max_length=100)
    officer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="recordings",
        help_text="The officer who recorded or seized it.",
    )
    unit = models.ForeignKey(
        "accounts.Unit", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    device_id = models.CharField(max_length=100, blank=True, db_index=True)
    incident_number = models.CharField(
        max_length=40, blank=True, db_index=True, help_text="Copied from the CAD call it covers."
    )
    category = models.ForeignKey(
        "cases.Category", null=True, blank=True, on_delete=models.PROTECT, related_name="items"
    )
    description = models.TextField(blank=True)
    recorded_at = models.DateTimeField(null=True, blank=True, db_index=True)
    ingested_at = models.DateTimeField(default=timezone.now, db_index=True)
    ingested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )
    source = models.CharField(max_length=20)
    duration_seconds = models.FloatField(null=True, blank=True)
    media = models.JSONField(default=dict, blank=True)
    processing = models.CharField(
        max_length=16, choices=Processing.choices, default=Processing.PENDING
    )
    processing_error = models.TextField(blank=True)
    recording = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="sidecars",
        help_text="For a GPS sidecar: the recording it belongs to.",
    )
    # Tombstone (rule 4): set when retention disposition destroyed this item's bytes.
    disposed_at = models.DateTimeField(null=True, blank=True)
    disposal_certificate = models.CharField(
        max_length=64, blank=True, help_text="SHA-256 of the signed disposition certificate."
    )

    class Meta:
        ordering = ["-ingested_at"]
        indexes = [models.Index(fields=["officer", "-recorded_at"])]

    def __str__(self) -> str:
        return self.title

    @property
    def sha256(self) -> str:
        return self.blob.sha256


class Job(models.Model):
    """Background work on an item: state, percentage and error text (rule 9)."""

    class State(models.TextChoices):
        QUEUED = "queued", "Queued"
        RUNNING = "running", "Running"
        DONE = "done", "Done"
        FAILED = "failed", "Failed"

    item = models.ForeignKey(Item, on_delete=models.PROTECT, related_name="jobs")
    kind = models.CharField(max_length=32)
    state = models.CharField(max_length=16, choices=State.choices, default=State.QUEUED)
    progress = models.PositiveSmallIntegerField(default=0)
    error = models.TextField(blank=True)
    attempts = models.PositiveIntegerField(default=0)
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["created_at"]
        constraints = [models.UniqueConstraint(fields=["item", "kind"], name="one_job_per_kind")]

    def __str__(self) -> str:
        return f"{self.kind} of {self.item_id}: {self.state}"


class FixityAlert(models.Model):
    blob = models.ForeignKey(Blob, on_delete=models.PROTECT, related_name="alerts")
    detected_at = models.DateTimeField(default=timezone.now)
    reason = models.TextField()
    acknowledged_at = models.DateTimeField(null=True, blank=True)
    acknowledged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["-detected_at"]

    def __str__(self) -> str:
        return f"fixity alert on {self.blob_id}"


class FixityRun(models.Model):
    started_at = models.DateTimeField(default=timezone.now)
    finished_at = models.DateTimeField(null=True, blank=True)
    checked = models.PositiveIntegerField(default=0)
    failed = models.PositiveIntegerField(default=0)
    trigger = models.CharField(max_length=20, default="schedule")

    def __str__(self) -> str:
        return f"fixity run {self.started_at:%Y-%m-%d %H:%M}"
