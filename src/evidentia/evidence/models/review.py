"""Review for training: bookmarks and comments on the timeline, a supervisor's feedback
thread with the recording officer, and training-clip markers. All append-only."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone

from evidentia.evidence.models.items import Item


class Bookmark(models.Model):
    item = models.ForeignKey(Item, on_delete=models.PROTECT, related_name="bookmarks")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    at_seconds = models.FloatField()
    label = models.CharField(max_length=200)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["at_seconds", "id"]
        constraints = [
            models.CheckConstraint(condition=models.Q(at_seconds__gte=0), name="bookmark_at_gte_0")
        ]

    def __str__(self) -> str:
        return f"{self.label} at {self.at_seconds:.1f} s"


class Comment(models.Model):
    item = models.ForeignKey(Item, on_delete=models.PROTECT, related_name="comments")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    at_seconds = models.FloatField(null=True, blank=True, help_text="Empty: about the whole item.")
    text = models.TextField()
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["created_at", "id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(at_seconds__isnull=True) | models.Q(at_seconds__gte=0),
                name="comment_at_gte_0",
            )
        ]

    def __str__(self) -> str:
        return f"comment by {self.author} on {self.item_id}"


class FeedbackThread(models.Model):
    """Opened by a supervisor of the recording officer's unit; read and answered only by
    the officer and the supervisors of that unit (see evidence.services.review)."""

    item = models.ForeignKey(Item, on_delete=models.PROTECT, related_name="feedback_threads")
    officer = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="feedback_received"
    )
    opened_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="feedback_opened"
    )
    subject = models.CharField(max_length=200)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return self.subject


class FeedbackMessage(models.Model):
    thread = models.ForeignKey(FeedbackThread, on_delete=models.PROTECT, related_name="messages")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    at_seconds = models.FloatField(null=True, blank=True)
    text = models.TextField()
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["created_at", "id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(at_seconds__isnull=True) | models.Q(at_seconds__gte=0),
                name="feedback_message_at_gte_0",
            )
        ]

    def __str__(self) -> str:
        return f"message by {self.author} in thread {self.thread_id}"


class TrainingMarker(models.Model):
    """A stretch of a recording a supervisor marks as a training example (used by a later
    release that builds training clips)."""

    item = models.ForeignKey(Item, on_delete=models.PROTECT, related_name="training_markers")
    start_seconds = models.FloatField()
    end_seconds = models.FloatField()
    note = models.TextField(blank=True)
    set_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["start_seconds", "id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(start_seconds__gte=0)
                & models.Q(end_seconds__gt=models.F("start_seconds")),
                name="training_marker_span",
            )
        ]

    def __str__(self) -> str:
        return f"training clip {self.start_seconds:.1f}-{self.end_seconds:.1f} s"
