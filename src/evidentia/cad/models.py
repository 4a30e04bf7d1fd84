"""Computer-aided-dispatch calls, the officers assigned to them, the recordings that
cover each assignment, and the recording policy per call type."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.utils import timezone

from evidentia.core.models import ImportProgress


class Import(ImportProgress):
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
    file_name = models.CharField(max_length=300)
    sha256 = models.CharField(max_length=64)
    mapping = models.JSONField(default=dict)
    mode = models.CharField(max_length=4, choices=Mode.choices)
    state = models.CharField(max_length=10, choices=State.choices)
    rows_total = models.PositiveIntegerField(default=0)
    rows_created = models.PositiveIntegerField(default=0)
    rows_updated = models.PositiveIntegerField(default=0)
    rows_rejected = models.PositiveIntegerField(default=0)
    errors = models.JSONField(default=list, help_text="[{line, reason}]")
    imported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["state", "created_at"])]

    def __str__(self) -> str:
        return f"{self.file_name} ({self.created_at:%Y-%m-%d %H:%M})"


class Call(models.Model):
    call_number = models.CharField(max_length=40, unique=True)
    call_type = models.CharField(max_length=80, db_index=True)
    priority = models.CharField(max_length=10, blank=True)
    received_at = models.DateTimeField(db_index=True)
    dispatched_at = models.DateTimeField(null=True, blank=True)
    arrived_at = models.DateTimeField(null=True, blank=True)
    cleared_at = models.DateTimeField(null=True, blank=True)
    district = models.CharField(max_length=40, blank=True, db_index=True)
    address = models.CharField(max_length=300, blank=True)
    lat = models.FloatField(null=True, blank=True)
    lon = models.FloatField(null=True, blank=True)
    disposition = models.CharField(max_length=80, blank=True)
    source_import = models.ForeignKey(
        Import, null=True, blank=True, on_delete=models.PROTECT, related_name="calls"
    )

    class Meta:
        ordering = ["-received_at"]

    def __str__(self) -> str:
        return self.call_number


class Assignment(models.Model):
    """One officer on one call. `recorded`, `late` and `short` are recomputed by tagging."""

    call = models.ForeignKey(Call, on_delete=models.PROTECT, related_name="assignments")
    officer_badge = models.CharField(max_length=32)
    officer = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    unit = models.ForeignKey(
        "accounts.Unit", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    starts_at = models.DateTimeField(help_text="Dispatch, else received.")
    ends_at = models.DateTimeField(help_text="Cleared, else start + default length.")
    recorded = models.BooleanField(default=False)
    late = models.BooleanField(default=False)
    short = models.BooleanField(default=False)
    first_recording_at = models.DateTimeField(null=True, blank=True)
    recorded_seconds = models.FloatField(default=0)
    evaluated_at = models.DateTimeField(null=True, blank=True)
    recordings = models.ManyToManyField(
        "evidence.Item", through="CallRecording", related_name="cad_assignments"
    )

    class Meta:
        ordering = ["call", "officer_badge"]
        constraints = [
            models.UniqueConstraint(fields=["call", "officer_badge"], name="one_assignment")
        ]
        indexes = [
            models.Index(fields=["officer", "starts_at"]),
            models.Index(fields=["starts_at"]),
        ]

    def __str__(self) -> str:
        return f"{self.officer_badge} on {self.call_id}"


class CallRecording(models.Model):
    assignment = models.ForeignKey(Assignment, on_delete=models.PROTECT)
    item = models.ForeignKey("evidence.Item", on_delete=models.PROTECT, related_name="+")
    overlap_seconds = models.FloatField()
    linked_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["assignment", "item"], name="one_link_per_recording")
        ]

    def __str__(self) -> str:
        return f"{self.item_id} covers {self.assignment_id}"


class CallTypePolicy(models.Model):
    call_type = models.CharField(max_length=80, unique=True)
    must_record = models.BooleanField(default=True)
    late_after_seconds = models.PositiveIntegerField(
        default=120, help_text="A recording starting later than this after dispatch is late."
    )
    min_coverage = models.FloatField(
        default=0.5, help_text="Recordings covering less of the assignment than this are short."
    )
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["call_type"]
        verbose_name_plural = "call type policies"

    def __str__(self) -> str:
        return self.call_type


class TaggedNumber(models.Model):
    """The incident number tagging itself last wrote on an item. Tagging replaces an
    item's number only while it still equals this value, so a number a person typed (or
    changed) is never overwritten, however often tagging runs."""

    item = models.OneToOneField(
        "evidence.Item", on_delete=models.CASCADE, related_name="cad_tagged_number"
    )
    number = models.CharField(max_length=40)
    written_at = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return f"{self.number} on {self.item_id}"
