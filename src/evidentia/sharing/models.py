"""Shares: evidence items, or a whole case, lent to a named prosecutor for a while."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.utils import timezone


class Share(models.Model):
    class Mode(models.TextChoices):
        VIEW = "view", "View only (watermarked playback)"
        DOWNLOAD = "download", "View and download"

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    # A case share covers the case's items as they are when the grantee looks;
    # an item share covers exactly `items`.
    case = models.ForeignKey(
        "cases.Case", null=True, blank=True, on_delete=models.PROTECT, related_name="shares"
    )
    items = models.ManyToManyField("evidence.Item", blank=True, related_name="shares")
    # Exactly one recipient: a prosecutor's account, or an external e-mail address that
    # opens the share through a secret link plus a one-time code (services/external.py).
    grantee = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="shares_received",
    )
    recipient_email = models.EmailField(blank=True)
    link_hash = models.CharField(max_length=64, blank=True, db_index=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="shares_made"
    )
    mode = models.CharField(max_length=16, choices=Mode.choices, default=Mode.VIEW)
    notes = models.TextField(blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField()
    revoked_at = models.DateTimeField(null=True, blank=True)
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )

    class Meta:
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["grantee", "expires_at"])]
        constraints = [
            models.CheckConstraint(
                condition=(
                    models.Q(grantee__isnull=False, recipient_email="")
                    | (models.Q(grantee__isnull=True) & ~models.Q(recipient_email=""))
                ),
                name="share_has_one_recipient",
            )
        ]

    def __str__(self) -> str:
        return f"share {str(self.pk)[:8]} to {self.recipient}"

    @property
    def external(self) -> bool:
        return self.grantee_id is None

    @property
    def recipient(self) -> str:
        if self.grantee is None:
            return self.recipient_email
        return self.grantee.get_full_name() or self.grantee.get_username()

    @property
    def live(self) -> bool:
        return self.revoked_at is None and self.expires_at > timezone.now()

    @property
    def downloadable(self) -> bool:
        return self.mode == self.Mode.DOWNLOAD


class ShareCode(models.Model):
    """A one-time code e-mailed to an external recipient; only its keyed hash is kept."""

    share = models.ForeignKey(Share, on_delete=models.CASCADE, related_name="codes")
    code_hash = models.CharField(max_length=64)
    created_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField()
    attempts = models.PositiveSmallIntegerField(default=0)
    used_at = models.DateTimeField(null=True, blank=True)
    burnt_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"code for {self.share_id}"

    @property
    def usable(self) -> bool:
        return self.used_at is None and self.burnt_at is None and self.expires_at > timezone.now()


class WatermarkedCopy(models.Model):
    """A copy of an item's playable video with the grantee's name burnt in, made on first
    view of a view-only share. The original is never touched."""

    share = models.ForeignKey(Share, on_delete=models.CASCADE, related_name="copies")
    item = models.ForeignKey("evidence.Item", on_delete=models.PROTECT, related_name="+")
    blob = models.ForeignKey("evidence.Blob", on_delete=models.PROTECT, related_name="+")
    source_sha256 = models.CharField(max_length=64)
    text = models.CharField(max_length=200)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["share", "item"], name="one_watermark_per_share_item")
        ]

    def __str__(self) -> str:
        return f"watermarked copy of {self.item_id} for {self.share_id}"


class RecordsRequest(models.Model):
    """A public-records request: a named requester asks for recordings; a records clerk
    (a custodian) finds them, attaches approved redacted copies and releases them through
    an expiring download link (docs/decisions/0017-records-requests.md)."""

    class Status(models.TextChoices):
        RECEIVED = "received", "Received"
        IN_REVIEW = "in_review", "In review"
        FULFILLED = "fulfilled", "Fulfilled"
        DENIED = "denied", "Denied"
        WITHDRAWN = "withdrawn", "Withdrawn"

    OPEN = (Status.RECEIVED, Status.IN_REVIEW)

    class Via(models.TextChoices):
        PUBLIC = "public", "Public form"
        STAFF = "staff", "Staff intake"

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    reference = models.CharField(max_length=16, unique=True)
    code_hash = models.CharField(max_length=64, unique=True)
    name = models.CharField(max_length=200)
    email = models.EmailField(blank=True)
    phone = models.CharField(max_length=40, blank=True)
    description = models.TextField()
    date_from = models.DateField(null=True, blank=True)
    date_to = models.DateField(null=True, blank=True)
    location = models.CharField(max_length=300, blank=True)
    officers = models.CharField(max_length=300, blank=True, help_text="Badge numbers or names.")
    incident = models.CharField(max_length=100, blank=True, help_text="Incident or case number.")
    via = models.CharField(max_length=8, choices=Via.choices, default=Via.PUBLIC)
    received_at = models.DateTimeField(default=timezone.now)
    due_at = models.DateTimeField()
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.RECEIVED)
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    closed_at = models.DateTimeField(null=True, blank=True)
    decision_note = models.TextField(blank=True)
    link_hash = models.CharField(max_length=64, blank=True, db_index=True)
    link_expires_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["due_at", "received_at"]
        indexes = [models.Index(fields=["status", "due_at"])]

    def __str__(self) -> str:
        return f"records request {self.reference}"

    @property
    def attached(self) -> models.QuerySet:
        """The items on the request now (not those taken off it)."""
        return self.attachments.filter(removed_at__isnull=True)

    @property
    def is_open(self) -> bool:
        return self.status in self.OPEN

    @property
    def overdue(self) -> bool:
        return self.is_open and self.due_at < timezone.now()


class RecordsItem(models.Model):
    """An evidence item released under a request, as the chosen redacted version."""

    request = models.ForeignKey(
        RecordsRequest, on_delete=models.CASCADE, related_name="attachments"
    )
    item = models.ForeignKey("evidence.Item", on_delete=models.PROTECT, related_name="+")
    version = models.ForeignKey(
        "redaction.RedactedVersion", on_delete=models.PROTECT, related_name="+"
    )
    added_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    added_at = models.DateTimeField(default=timezone.now)
    # Taken off the request before fulfilment (kept, not deleted: rule 4); attaching the
    # item again brings the row back.
    removed_at = models.DateTimeField(null=True, blank=True)
    removed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    removed_reason = models.TextField(blank=True)

    class Meta:
        ordering = ["added_at"]
        constraints = [
            models.UniqueConstraint(fields=["request", "item"], name="one_release_per_request_item")
        ]

    def __str__(self) -> str:
        return f"{self.item_id} in {self.request_id}"


class WatermarkJob(models.Model):
    """The background making of a share's watermarked copy of one video item
    (docs/decisions/0030-watermark-jobs.md): queued when the share is made, or on the
    first play of an older share; the task writes its progress every few percent."""

    class State(models.TextChoices):
        QUEUED = "queued", "Queued"
        RUNNING = "running", "Running"
        DONE = "done", "Done"
        FAILED = "failed", "Failed"

    share = models.ForeignKey(Share, on_delete=models.CASCADE, related_name="watermark_jobs")
    item = models.ForeignKey("evidence.Item", on_delete=models.PROTECT, related_name="+")
    state = models.CharField(max_length=16, choices=State.choices, default=State.QUEUED)
    progress = models.PositiveSmallIntegerField(default=0)
    # A plain reason when it failed; the trace goes to the worker's log only.
    message = models.CharField(max_length=300, blank=True)
    attempts = models.PositiveSmallIntegerField(default=0)
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["share", "item"], name="one_watermark_job_per_share_item"
            )
        ]

    def __str__(self) -> str:
        return f"watermark job {self.state} for {self.item_id} in {self.share_id}"


class ExternalAuthenticator(models.Model):
    """An authenticator app (TOTP) an external recipient set up after a good e-mailed
    code, bound to their e-mail address: later visits to any share for that address may
    use its codes instead of an e-mailed one (docs/decisions/0032-external-authenticator.md).

    The secret is kept as django-otp keeps the staff's TOTP keys (hex), shown only while
    enrolling and wiped when the app is removed or reset. A row is pending until one
    current code confirms it; at most one row per address is not revoked."""

    email = models.EmailField()
    key = models.CharField(max_length=40, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    confirmed_at = models.DateTimeField(null=True, blank=True)
    # The last accepted time step: a code of that step or an earlier one is a replay.
    last_t = models.BigIntegerField(default=-1)
    # Wrong codes (of either kind) since the last good one; the fifth locks the app
    # until a good e-mailed code (the same five tries an e-mailed code has).
    failures = models.PositiveSmallIntegerField(default=0)
    last_used_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["email"],
                condition=models.Q(revoked_at__isnull=True),
                name="one_live_authenticator_per_email",
            )
        ]

    def __str__(self) -> str:
        state = "revoked" if self.revoked_at else "confirmed" if self.confirmed_at else "pending"
        return f"authenticator for {self.email} ({state})"
