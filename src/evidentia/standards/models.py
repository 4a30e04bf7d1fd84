"""Complaints about officers, their allegations, investigations, findings and corrective
action. Restricted: only standards investigators and administrators see any of it, even
its counts (architecture rule 6); the transparency portal publishes suppressed aggregates.

A resident's complaint keeps its community `Report` (the tracking code lives there); a
complaint taken by phone or in person gets one too, so every complainant follows status
the same way. Internal referrals have no report.
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.utils import timezone


class Source(models.TextChoices):
    PORTAL = "portal", "Public portal"
    PHONE = "phone", "Telephone"
    IN_PERSON = "in_person", "In person"
    MAIL = "mail", "Letter or e-mail"
    INTERNAL = "internal", "Internal referral"


class ComplaintStatus(models.TextChoices):
    RECEIVED = "received", "Received"
    INVESTIGATING = "investigating", "Under investigation"
    CLOSED = "closed", "Closed"


class AllegationType(models.TextChoices):
    FORCE = "force", "Use of force"
    COURTESY = "courtesy", "Courtesy"
    PROCEDURE = "procedure", "Procedure"
    BIAS = "bias", "Bias"
    OTHER = "other", "Other"


class Finding(models.TextChoices):
    SUSTAINED = "sustained", "Sustained"
    NOT_SUSTAINED = "not_sustained", "Not sustained"
    EXONERATED = "exonerated", "Exonerated"
    UNFOUNDED = "unfounded", "Unfounded"
    POLICY_FAILURE = "policy_failure", "Policy failure"


class ActionKind(models.TextChoices):
    NONE = "none", "No action"
    COUNSELLING = "counselling", "Counselling"
    TRAINING = "training", "Training"
    WRITTEN_REPRIMAND = "written_reprimand", "Written reprimand"
    SUSPENSION = "suspension", "Suspension"
    DEMOTION = "demotion", "Demotion"
    TERMINATION = "termination", "Termination"
    POLICY_REVIEW = "policy_review", "Policy or training review"
    OTHER = "other", "Other"


class Complaint(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    reference = models.CharField(max_length=20, unique=True, help_text="e.g. C-2026-0042")
    source = models.CharField(max_length=12, choices=Source.choices)
    report = models.OneToOneField(
        "community.Report",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="complaint",
        help_text="The resident's report; carries the tracking code.",
    )
    summary = models.TextField(help_text="The investigator's summary of the complaint.")
    received_at = models.DateTimeField(default=timezone.now, db_index=True)
    incident_at = models.DateTimeField(null=True, blank=True)
    location = models.CharField(max_length=300, blank=True)
    incident_number = models.CharField(
        max_length=40, blank=True, db_index=True, help_text="CAD/incident number, if known."
    )
    district = models.CharField(max_length=40, blank=True, db_index=True)
    status = models.CharField(
        max_length=16, choices=ComplaintStatus.choices, default=ComplaintStatus.RECEIVED
    )
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    due_on = models.DateField(null=True, blank=True, help_text="Investigation due date.")
    closing_letter = models.TextField(
        blank=True, help_text="Sent to the complainant; the only text they see."
    )
    closed_at = models.DateTimeField(null=True, blank=True, db_index=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-received_at"]
        indexes = [models.Index(fields=["status", "due_on"])]

    def __str__(self) -> str:
        return self.reference

    @property
    def is_open(self) -> bool:
        return self.status != ComplaintStatus.CLOSED


class Allegation(models.Model):
    complaint = models.ForeignKey(Complaint, on_delete=models.PROTECT, related_name="allegations")
    officer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text="Empty until the officer is identified.",
    )
    officer_description = models.CharField(
        max_length=200, blank=True, help_text="As the complainant described them."
    )
    type = models.CharField(max_length=12, choices=AllegationType.choices)
    description = models.TextField(blank=True)
    finding = models.CharField(max_length=16, choices=Finding.choices, blank=True)
    finding_note = models.TextField(blank=True)
    finding_at = models.DateTimeField(null=True, blank=True)
    finding_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["complaint", "created_at", "pk"]
        indexes = [models.Index(fields=["officer", "created_at"])]

    def __str__(self) -> str:
        return f"{self.get_type_display()} ({self.complaint})"


class CorrectiveAction(models.Model):
    allegation = models.ForeignKey(Allegation, on_delete=models.PROTECT, related_name="actions")
    kind = models.CharField(max_length=20, choices=ActionKind.choices)
    description = models.TextField(blank=True)
    decided_at = models.DateTimeField(default=timezone.now)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["decided_at", "pk"]

    def __str__(self) -> str:
        return self.get_kind_display()


class ComplaintEvidence(models.Model):
    complaint = models.ForeignKey(Complaint, on_delete=models.PROTECT, related_name="evidence")
    item = models.ForeignKey("evidence.Item", on_delete=models.PROTECT, related_name="+")
    note = models.CharField(max_length=300, blank=True)
    added_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    added_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["added_at", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["complaint", "item"], name="complaint_item_once")
        ]

    def __str__(self) -> str:
        return f"{self.item_id} in {self.complaint}"


class InvestigationNote(models.Model):
    complaint = models.ForeignKey(Complaint, on_delete=models.PROTECT, related_name="notes")
    text = models.TextField()
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["created_at", "pk"]

    def __str__(self) -> str:
        return f"Note on {self.complaint} by {self.author}"
