"""Reports from residents, the updates on them, their media and moderation history.

Exact locations, typed addresses, contact details and original text are for staff;
the public sees only what `services.public` projects: fuzzed places and moderated text.
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.utils import timezone

from evidentia.community.models.catalog import Service


class Status(models.TextChoices):
    RECEIVED = "received", "Received"
    IN_PROGRESS = "in_progress", "In progress"
    RESOLVED = "resolved", "Resolved"
    CLOSED = "closed", "Closed"
    REFERRED = "referred", "Referred"


OPEN_STATUSES = (Status.RECEIVED, Status.IN_PROGRESS)


class Via(models.TextChoices):
    WEB = "web", "Public web form"
    OPEN311 = "open311", "Open311 client"
    STAFF = "staff", "Entered by staff"


class Visibility(models.TextChoices):
    PUBLIC = "public", "Public: everyone, on the public page"
    REPORTER = "reporter", "Private: only the resident, with their tracking code"
    INTERNAL = "internal", "Internal note: staff only"


class Report(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    public_id = models.CharField(
        max_length=16, unique=True, help_text="Open311 service_request_id; safe to publish."
    )
    # The tracking code is the resident's key: only its SHA-256 is kept.
    code_hash = models.CharField(max_length=64, unique=True)
    token = models.CharField(max_length=32, unique=True, help_text="Open311 token.")
    service = models.ForeignKey(Service, on_delete=models.PROTECT, related_name="reports")
    description = models.TextField(help_text="As submitted; kept unchanged for staff.")
    moderated = models.BooleanField(
        default=False, help_text="A moderator set the public text (public_description)."
    )
    public_description = models.TextField(blank=True, help_text="The moderated public text.")
    address = models.CharField(max_length=300, blank=True, help_text="Typed by the resident.")
    address_id = models.CharField(max_length=64, blank=True)
    zipcode = models.CharField(max_length=16, blank=True)
    lat = models.FloatField(null=True, blank=True)
    lon = models.FloatField(null=True, blank=True)
    occurred_at = models.DateTimeField(null=True, blank=True)
    attributes = models.JSONField(default=dict, blank=True)
    contact_name = models.CharField(max_length=120, blank=True)
    contact_email = models.EmailField(blank=True)
    contact_phone = models.CharField(max_length=40, blank=True)
    via = models.CharField(max_length=8, choices=Via.choices, default=Via.WEB)
    open311_client = models.ForeignKey(
        "community.Open311Key", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    status = models.CharField(
        max_length=12, choices=Status.choices, default=Status.RECEIVED, db_index=True
    )
    unit = models.ForeignKey(
        "accounts.Unit", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    restricted = models.BooleanField(
        default=False, help_text="A complaint about an officer: standards staff only."
    )
    public = models.BooleanField(
        default=True, help_text="Listed publicly (its category is public and not hidden)."
    )
    duplicate_of = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="duplicates"
    )
    case = models.ForeignKey(
        "cases.Case", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)
    closed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        indexes = [
            models.Index(fields=["service", "created_at"]),
            models.Index(fields=["restricted", "status", "created_at"]),
            models.Index(fields=["lat", "lon"]),
            # What the public lists, newest first (public pages, feed, Open311).
            models.Index(
                fields=["-created_at"],
                condition=models.Q(public=True, restricted=False),
                name="report_public_newest",
            ),
        ]

    def __str__(self) -> str:
        return f"report {self.public_id}"

    @property
    def anonymous(self) -> bool:
        return not (self.contact_name or self.contact_email or self.contact_phone)

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_STATUSES


class ReportUpdate(models.Model):
    class Kind(models.TextChoices):
        REPLY = "reply", "Reply"
        STATUS = "status", "Status changed"
        RESIDENT = "resident", "More information from the resident"
        NOTE = "note", "Internal note"
        ASSIGNED = "assigned", "Assigned"
        MERGED = "merged", "Merged as a duplicate"
        CASE = "case", "Case opened"

    report = models.ForeignKey(Report, on_delete=models.PROTECT, related_name="updates")
    kind = models.CharField(max_length=10, choices=Kind.choices)
    visibility = models.CharField(max_length=10, choices=Visibility.choices)
    text = models.TextField(blank=True)
    status = models.CharField(max_length=12, choices=Status.choices, blank=True)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text="Staff author; empty for the resident.",
    )
    created_at = models.DateTimeField(default=timezone.now, db_index=True)

    class Meta:
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return f"{self.kind} on {self.report_id}"


class ReportMedia(models.Model):
    """A file the resident sent: evidence in the vault. `public_blob`, when staff
    publish one, is a redacted copy; the public never reaches `item`'s bytes."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    report = models.ForeignKey(Report, on_delete=models.PROTECT, related_name="media")
    item = models.ForeignKey("evidence.Item", on_delete=models.PROTECT, related_name="+")
    added_at = models.DateTimeField(default=timezone.now)
    public_blob = models.ForeignKey(
        "evidence.Blob", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    published_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["added_at"]
        constraints = [
            models.UniqueConstraint(fields=["report", "item"], name="one_link_per_report_item")
        ]

    def __str__(self) -> str:
        return f"media {self.item_id} of {self.report_id}"


class ModerationEdit(models.Model):
    """Every change to what the public sees, with the text as it was before."""

    report = models.ForeignKey(Report, on_delete=models.PROTECT, related_name="edits")
    field = models.CharField(max_length=40)
    before = models.TextField(blank=True)
    after = models.TextField(blank=True)
    reason = models.CharField(max_length=300)
    editor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return f"{self.field} edited on {self.report_id}"
