"""The agency's published policies: versions with readable diffs, and public comment
periods whose comments are moderated (the original kept) and answered in public."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone


class Policy(models.Model):
    slug = models.SlugField(max_length=60, unique=True)
    title = models.CharField(max_length=200)
    summary = models.TextField(blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["title"]
        verbose_name_plural = "policies"

    def __str__(self) -> str:
        return self.title


class PolicyVersion(models.Model):
    policy = models.ForeignKey(Policy, on_delete=models.PROTECT, related_name="versions")
    number = models.PositiveIntegerField()
    body = models.TextField(help_text="Plain text; paragraphs separated by blank lines.")
    change_note = models.CharField(max_length=300, blank=True)
    effective_on = models.DateField(null=True, blank=True)
    published_at = models.DateTimeField(default=timezone.now)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["policy", "-number"]
        constraints = [
            models.UniqueConstraint(fields=["policy", "number"], name="one_version_number")
        ]

    def __str__(self) -> str:
        return f"{self.policy} v{self.number}"


class CommentPeriod(models.Model):
    version = models.ForeignKey(
        PolicyVersion, on_delete=models.PROTECT, related_name="comment_periods"
    )
    opens_on = models.DateField()
    closes_on = models.DateField()
    introduction = models.TextField(blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-opens_on"]

    def __str__(self) -> str:
        return f"Comments on {self.version} {self.opens_on} to {self.closes_on}"


class CommentStatus(models.TextChoices):
    PENDING = "pending", "Awaiting moderation"
    PUBLISHED = "published", "Published"
    REJECTED = "rejected", "Not published"


class PolicyComment(models.Model):
    period = models.ForeignKey(CommentPeriod, on_delete=models.PROTECT, related_name="comments")
    body = models.TextField(help_text="As submitted; kept unchanged for staff.")
    public_body = models.TextField(blank=True, help_text="The moderated text that is published.")
    display_name = models.CharField(max_length=80, blank=True, help_text="As submitted.")
    name_moderated = models.BooleanField(
        default=False, help_text="Moderation replaced or dropped the name: show public_name."
    )
    public_name = models.CharField(
        max_length=80, blank=True, help_text="The name published instead; empty: no name."
    )
    email = models.EmailField(blank=True, help_text="Never published.")
    status = models.CharField(
        max_length=10, choices=CommentStatus.choices, default=CommentStatus.PENDING
    )
    moderated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    moderated_at = models.DateTimeField(null=True, blank=True)
    moderation_reason = models.CharField(max_length=300, blank=True)
    response = models.TextField(blank=True, help_text="The agency's published response.")
    responded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    responded_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["created_at", "pk"]

    def __str__(self) -> str:
        return f"Comment {self.pk} on {self.period}"

    @property
    def shown_name(self) -> str:
        """The name the public sees: the moderated one if moderation changed it."""
        return self.public_name if self.name_moderated else self.display_name
