"""Early intervention: rules over use-of-force reports and complaints, a peer comparison
normalised by calls handled, the alerts they raise and what was done about them.

An alert whose supporting records include a complaint is restricted: standards sees it
first and decides whether to forward it to the officer's supervisor (rule 6)."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.utils import timezone


class RuleSource(models.TextChoices):
    USE_OF_FORCE = "use_of_force", "Use-of-force reports"
    COMPLAINT = "complaint", "Complaint allegations"


class Method(models.TextChoices):
    COUNT = "count", "At least N in the window"
    PEER = "peer", "Above unit peers for the calls handled (Poisson test)"


class Rule(models.Model):
    name = models.CharField(max_length=120)
    source = models.CharField(max_length=16, choices=RuleSource.choices)
    method = models.CharField(max_length=8, choices=Method.choices, default=Method.COUNT)
    threshold = models.PositiveIntegerField(
        help_text="COUNT: at least this many. PEER: the least count worth testing."
    )
    window_days = models.PositiveIntegerField()
    alpha = models.FloatField(default=0.05, help_text="PEER: significance level.")
    fdr_correction = models.BooleanField(
        default=True,
        help_text="PEER: Benjamini-Hochberg correction across each unit's officers.",
    )
    active = models.BooleanField(default=True)
    updated_at = models.DateTimeField(default=timezone.now)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["source", "method", "window_days"]

    def __str__(self) -> str:
        return self.name


class AlertStatus(models.TextChoices):
    OPEN = "open", "Open"
    CLOSED = "closed", "Closed"


class Intervention(models.TextChoices):
    NONE = "none", "No intervention"
    MEETING = "meeting", "Meeting with supervisor"
    TRAINING = "training", "Training"
    COUNSELLING = "counselling", "Counselling or wellness referral"
    REASSIGNMENT = "reassignment", "Reassignment"
    OTHER = "other", "Other"


class Alert(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    rule = models.ForeignKey(Rule, on_delete=models.PROTECT, related_name="alerts")
    officer = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    supervisor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text="Who it is routed to.",
    )
    unit = models.ForeignKey(
        "accounts.Unit",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text="The officer's unit when the alert was raised.",
    )
    window_start = models.DateField()
    window_end = models.DateField()
    count = models.PositiveIntegerField()
    calls = models.PositiveIntegerField(null=True, blank=True, help_text="Calls handled.")
    expected = models.FloatField(null=True, blank=True, help_text="PEER: expected count.")
    p_value = models.FloatField(null=True, blank=True)
    p_adjusted = models.FloatField(
        null=True, blank=True, help_text="PEER: Benjamini-Hochberg adjusted p (q-value)."
    )
    supporting = models.JSONField(default=list, help_text="[{kind, id, reference, date}]")
    restricted = models.BooleanField(default=False, help_text="Includes complaints.")
    status = models.CharField(max_length=8, choices=AlertStatus.choices, default=AlertStatus.OPEN)
    forwarded_at = models.DateTimeField(
        null=True, blank=True, help_text="Restricted: when standards forwarded it."
    )
    forwarded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    intervention = models.CharField(max_length=16, choices=Intervention.choices, blank=True)
    intervention_note = models.TextField(blank=True)
    outcome = models.TextField(blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    closed_at = models.DateTimeField(null=True, blank=True)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            # One alert per officer, rule and evaluation day: re-running is idempotent.
            models.UniqueConstraint(
                fields=["rule", "officer", "window_end"], name="one_alert_per_rule_day"
            )
        ]

    def __str__(self) -> str:
        return f"{self.rule} for {self.officer_id} to {self.window_end}"
