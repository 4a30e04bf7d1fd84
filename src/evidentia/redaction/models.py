"""Redaction plans for an item and the redacted versions rendered from them.

A plan is the engine's JSON (plan.py) plus who asked for it, who approved it and where
its jobs stand. A redacted version is new blobs in the vault (video, review log JSON,
review log PDF), each with its own SHA-256; the original is never touched (rule 1).
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.utils import timezone

from evidentia.evidence.models import Blob, Item


class RedactionPlan(models.Model):
    class State(models.TextChoices):
        DRAFT = "draft", "Draft"
        DETECTING = "detecting", "Detecting"
        READY = "ready", "Ready for review"
        REQUESTED = "requested", "Approval requested"
        APPROVED = "approved", "Approved"
        RENDERING = "rendering", "Rendering"
        RENDERED = "rendered", "Rendered"
        FAILED = "failed", "Failed"
        REJECTED = "rejected", "Rejected"

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    item = models.ForeignKey(Item, on_delete=models.PROTECT, related_name="redaction_plans")
    number = models.PositiveIntegerField(help_text="1, 2, … per item.")
    kinds = models.JSONField(default=list, help_text="Detectors asked for: faces, plates.")
    plan = models.JSONField(default=dict, blank=True, help_text="The engine's plan (version 1).")
    plan_sha256 = models.CharField(max_length=64, blank=True)
    approved_sha256 = models.CharField(
        max_length=64, blank=True, help_text="plan_sha256 when it was approved."
    )
    state = models.CharField(max_length=16, choices=State.choices, default=State.DRAFT)
    progress = models.PositiveSmallIntegerField(default=0)
    error = models.TextField(blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(auto_now=True)
    requested_at = models.DateTimeField(null=True, blank=True)
    approved_at = models.DateTimeField(null=True, blank=True)
    review_note = models.TextField(blank=True, help_text="The custodian's reason on rejection.")

    class Meta:
        ordering = ["item", "number"]
        constraints = [
            models.UniqueConstraint(fields=["item", "number"], name="one_plan_number_per_item")
        ]

    def __str__(self) -> str:
        return f"redaction plan {self.number} of {self.item_id} ({self.state})"


class RedactedVersion(models.Model):
    """One render of one approved plan: the redacted file and its review log."""

    plan = models.ForeignKey(RedactionPlan, on_delete=models.PROTECT, related_name="versions")
    plan_sha256 = models.CharField(max_length=64, help_text="The approved plan rendered.")
    plan_snapshot = models.JSONField(help_text="The plan exactly as rendered.")
    blob = models.ForeignKey(Blob, on_delete=models.PROTECT, related_name="redacted_versions")
    review_log = models.ForeignKey(Blob, on_delete=models.PROTECT, related_name="+")
    review_pdf = models.ForeignKey(Blob, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["plan", "created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["plan", "plan_sha256"], name="one_version_per_plan_content"
            )
        ]

    def __str__(self) -> str:
        return f"redacted version of plan {self.plan_id}"
