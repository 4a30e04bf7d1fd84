"""Retention rules per category, legal holds, and dispositions (crypto-shredding).

Nothing here is ever deleted: a released hold keeps its row, a disposition keeps its
row and its certificate blob for good, and a disposed item stays as a tombstone.
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone


class Clock(models.TextChoices):
    RECORDED = "recorded", "From the recorded time"
    CLOSURE = "closure", "From case closure"


class RetentionRule(models.Model):
    """How long evidence in one category is kept. Agencies set these to their state's
    records-retention schedule; the seeded values are examples only."""

    category = models.OneToOneField(
        "cases.Category", on_delete=models.PROTECT, related_name="retention_rule"
    )
    period_days = models.PositiveIntegerField(
        null=True, blank=True, help_text="Days to keep; empty when permanent."
    )
    permanent = models.BooleanField(default=False, help_text="Never disposed of.")
    clock = models.CharField(max_length=16, choices=Clock.choices, default=Clock.RECORDED)
    note = models.TextField(blank=True)
    updated_at = models.DateTimeField(default=timezone.now)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["category__name"]
        constraints = [
            models.CheckConstraint(
                condition=Q(permanent=True, period_days__isnull=True)
                | Q(permanent=False, period_days__isnull=False),
                name="rule_permanent_or_period",
            )
        ]

    def __str__(self) -> str:
        return f"{self.category}: {self.describe()}"

    def describe(self) -> str:
        if self.permanent:
            return "permanent"
        clock = "case closure" if self.clock == Clock.CLOSURE else "recorded time"
        return f"{self.period_days} days from {clock}"


class LegalHold(models.Model):
    """A hold on an item or on a case (every item in it). Active until released."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    item = models.ForeignKey(
        "evidence.Item", null=True, blank=True, on_delete=models.PROTECT, related_name="holds"
    )
    case = models.ForeignKey(
        "cases.Case", null=True, blank=True, on_delete=models.PROTECT, related_name="holds"
    )
    reason = models.TextField()
    placed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    placed_at = models.DateTimeField(default=timezone.now)
    released_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    released_at = models.DateTimeField(null=True, blank=True)
    release_reason = models.TextField(blank=True)

    class Meta:
        ordering = ["-placed_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(item__isnull=False, case__isnull=True)
                | Q(item__isnull=True, case__isnull=False),
                name="hold_on_item_or_case",
            )
        ]

    def __str__(self) -> str:
        return f"hold on {self.subject}"

    @property
    def active(self) -> bool:
        return self.released_at is None

    @property
    def subject(self) -> str:
        return f"case {self.case.number}" if self.case_id else f"item {self.item}"


class Disposition(models.Model):
    """One item's path to destruction: due → requested → approved → shredding → done,
    or rejected / cancelled. Requester and approver are different custodians."""

    class State(models.TextChoices):
        DUE = "due", "Due"
        REQUESTED = "requested", "Awaiting approval"
        APPROVED = "approved", "Approved"
        SHREDDING = "shredding", "Shredding"
        DONE = "done", "Disposed"
        REJECTED = "rejected", "Rejected"
        CANCELLED = "cancelled", "Cancelled"

    OPEN = (State.DUE, State.REQUESTED, State.APPROVED, State.SHREDDING, State.DONE)

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    item = models.ForeignKey("evidence.Item", on_delete=models.PROTECT, related_name="dispositions")
    state = models.CharField(max_length=16, choices=State.choices, default=State.DUE)
    due_at = models.DateTimeField(help_text="When the retention period ended.")
    flagged_at = models.DateTimeField(null=True, blank=True)
    rule = models.CharField(max_length=200, blank=True, help_text="The rule as applied.")
    reason = models.TextField(blank=True)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    requested_at = models.DateTimeField(null=True, blank=True)
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    approved_at = models.DateTimeField(null=True, blank=True)
    rejected_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    rejected_at = models.DateTimeField(null=True, blank=True)
    rejection_reason = models.TextField(blank=True)
    certificate = models.ForeignKey(
        "evidence.Blob", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    certificate_sha256 = models.CharField(max_length=64, blank=True)
    plan = models.JSONField(
        default=list,
        blank=True,
        help_text="Blobs to destroy, fixed when the certificate is written.",
    )
    kept = models.JSONField(
        default=list, blank=True, help_text="Blobs kept because other live items use them."
    )
    shredding_at = models.DateTimeField(null=True, blank=True)
    done_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["due_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["item"],
                condition=Q(state__in=["due", "requested", "approved", "shredding", "done"]),
                name="one_open_disposition_per_item",
            )
        ]

    def __str__(self) -> str:
        return f"disposition of {self.item_id} ({self.state})"
