"""Use-of-force reports filed by officers and reviewed up a supervisor chain."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.utils import timezone


class ForceType(models.Model):
    """A configurable list; retired types stay for old reports but are not offered."""

    code = models.SlugField(max_length=40, unique=True)
    name = models.CharField(max_length=120)
    active = models.BooleanField(default=True)
    order = models.PositiveSmallIntegerField(default=100)

    class Meta:
        ordering = ["order", "name"]

    def __str__(self) -> str:
        return self.name


class ReportStatus(models.TextChoices):
    DRAFT = "draft", "Draft"
    SUBMITTED = "submitted", "Awaiting supervisor review"
    RETURNED = "returned", "Returned for changes"
    APPROVED = "approved", "Approved"
    REFERRED = "referred", "Referred to professional standards"


class Race(models.TextChoices):
    # The categories most US state use-of-force collections ask for.
    ASIAN = "asian", "Asian"
    BLACK = "black", "Black"
    HISPANIC = "hispanic", "Hispanic or Latino"
    NATIVE = "native", "American Indian or Alaska Native"
    PACIFIC = "pacific", "Native Hawaiian or Pacific Islander"
    WHITE = "white", "White"
    MULTIPLE = "multiple", "More than one race"
    UNKNOWN = "unknown", "Unknown"


class Sex(models.TextChoices):
    FEMALE = "female", "Female"
    MALE = "male", "Male"
    OTHER = "other", "Another gender"
    UNKNOWN = "unknown", "Unknown"


class UseOfForceReport(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    reference = models.CharField(max_length=20, unique=True, help_text="e.g. UOF-2026-0042")
    officer = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="force_reports"
    )
    unit = models.ForeignKey(
        "accounts.Unit", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    incident_number = models.CharField(max_length=40, db_index=True, help_text="Incident/CAD no.")
    occurred_at = models.DateTimeField(db_index=True)
    location = models.CharField(max_length=300)
    lat = models.FloatField(null=True, blank=True)
    lon = models.FloatField(null=True, blank=True)
    district = models.CharField(max_length=40, blank=True, db_index=True)
    force_types = models.ManyToManyField(ForceType, related_name="reports")
    reason = models.TextField(help_text="Why force was used.")
    deescalation_attempted = models.BooleanField(default=False)
    deescalation = models.TextField(blank=True, help_text="What was tried.")
    officer_injured = models.BooleanField(default=False)
    officer_injuries = models.TextField(blank=True)
    recordings = models.ManyToManyField("evidence.Item", blank=True, related_name="force_reports")
    missing_recording = models.BooleanField(
        default=False, help_text="Set automatically: no body-camera recording covers it."
    )
    status = models.CharField(
        max_length=12, choices=ReportStatus.choices, default=ReportStatus.DRAFT, db_index=True
    )
    reviewer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text="The supervisor whose review it awaits.",
    )
    submitted_at = models.DateTimeField(null=True, blank=True)
    decided_at = models.DateTimeField(null=True, blank=True)
    complaint = models.ForeignKey(
        "standards.Complaint",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text="Set when referred to professional standards.",
    )
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-occurred_at"]
        indexes = [models.Index(fields=["officer", "occurred_at"])]

    def __str__(self) -> str:
        return self.reference


class Subject(models.Model):
    report = models.ForeignKey(UseOfForceReport, on_delete=models.PROTECT, related_name="subjects")
    race = models.CharField(max_length=10, choices=Race.choices, default=Race.UNKNOWN)
    sex = models.CharField(max_length=10, choices=Sex.choices, default=Sex.UNKNOWN)
    age = models.PositiveSmallIntegerField(null=True, blank=True)
    injured = models.BooleanField(default=False)
    injuries = models.TextField(blank=True)

    class Meta:
        ordering = ["pk"]

    def __str__(self) -> str:
        return f"Subject of {self.report}"


class Review(models.Model):
    """One step of the chain: the officer's submission or a supervisor's decision."""

    class Action(models.TextChoices):
        SUBMITTED = "submitted", "Submitted"
        APPROVED = "approved", "Approved"
        RETURNED = "returned", "Returned with comments"
        REFERRED = "referred", "Referred to standards"
        FORWARDED = "forwarded", "Forwarded up the chain"

    report = models.ForeignKey(UseOfForceReport, on_delete=models.PROTECT, related_name="reviews")
    action = models.CharField(max_length=10, choices=Action.choices)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    comments = models.TextField(blank=True)
    snapshot = models.JSONField(
        default=dict,
        blank=True,
        help_text="SUBMITTED: the report exactly as sent; edits after a return never erase it.",
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["created_at", "pk"]

    def __str__(self) -> str:
        return f"{self.get_action_display()} ({self.report})"
