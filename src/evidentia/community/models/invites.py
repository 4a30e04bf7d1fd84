"""Evidence-submission invites: a link that lets a witness add files to one case."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.utils import timezone


class Invite(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    case = models.ForeignKey("cases.Case", on_delete=models.PROTECT, related_name="invites")
    token_hash = models.CharField(max_length=64, unique=True)
    label = models.CharField(max_length=120, help_text="Who it is for (staff only).")
    email = models.EmailField(blank=True)
    message = models.TextField(blank=True, help_text="Shown to the witness.")
    max_files = models.PositiveIntegerField(default=10)
    max_bytes = models.BigIntegerField(help_text="Largest single file, in bytes.")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField()
    revoked_at = models.DateTimeField(null=True, blank=True)
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"invite {self.label} for {self.case_id}"

    @property
    def state(self) -> str:
        if self.revoked_at:
            return "revoked"
        if self.expires_at <= timezone.now():
            return "expired"
        return "active"


class InviteFile(models.Model):
    invite = models.ForeignKey(Invite, on_delete=models.PROTECT, related_name="files")
    item = models.ForeignKey("evidence.Item", on_delete=models.PROTECT, related_name="+")
    received_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["received_at"]
        constraints = [
            models.UniqueConstraint(fields=["invite", "item"], name="one_link_per_invite_item")
        ]

    def __str__(self) -> str:
        return f"{self.item_id} via {self.invite_id}"
