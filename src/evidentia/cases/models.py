"""Cases group evidence for an investigation; categories classify it."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.utils import timezone


class Category(models.Model):
    name = models.CharField(max_length=80, unique=True)
    description = models.CharField(max_length=300, blank=True)
    retention_days = models.PositiveIntegerField(
        null=True,
        blank=True,
        help_text="Keep evidence in this category this many days; empty keeps it indefinitely.",
    )

    class Meta:
        ordering = ["name"]
        verbose_name_plural = "categories"

    def __str__(self) -> str:
        return self.name


class CaseStatus(models.TextChoices):
    OPEN = "open", "Open"
    CLOSED = "closed", "Closed"
    ARCHIVED = "archived", "Archived"


class Case(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    number = models.CharField(max_length=40, unique=True)
    incident_number = models.CharField(
        max_length=40, blank=True, db_index=True, help_text="Incident or CAD number."
    )
    title = models.CharField(max_length=200)
    description = models.TextField(blank=True)
    status = models.CharField(
        max_length=16, choices=CaseStatus.choices, default=CaseStatus.OPEN, db_index=True
    )
    restricted = models.BooleanField(
        default=False, help_text="Visible only to its members (e.g. internal affairs)."
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    members = models.ManyToManyField(
        settings.AUTH_USER_MODEL, through="CaseMember", related_name="cases"
    )
    items = models.ManyToManyField("evidence.Item", through="CaseItem", related_name="cases")

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.number} {self.title}"


class CaseMember(models.Model):
    case = models.ForeignKey(Case, on_delete=models.CASCADE)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT)
    added_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["case", "user"], name="one_membership")]

    def __str__(self) -> str:
        return f"{self.user} in {self.case}"


class CaseItem(models.Model):
    case = models.ForeignKey(Case, on_delete=models.PROTECT)
    item = models.ForeignKey("evidence.Item", on_delete=models.PROTECT)
    added_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    added_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["case", "item"], name="one_link")]

    def __str__(self) -> str:
        return f"{self.item} in {self.case}"


class Tag(models.Model):
    name = models.CharField(max_length=60, unique=True, help_text="Lower case, trimmed.")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class ItemTag(models.Model):
    item = models.ForeignKey("evidence.Item", on_delete=models.PROTECT, related_name="item_tags")
    tag = models.ForeignKey(Tag, on_delete=models.PROTECT, related_name="item_tags")
    added_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    added_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["tag__name"]
        constraints = [models.UniqueConstraint(fields=["item", "tag"], name="one_tag_per_item")]

    def __str__(self) -> str:
        return f"{self.tag} on {self.item}"


class Note(models.Model):
    """Append-only: a note is never edited or removed; a correction is a new note."""

    item = models.ForeignKey(
        "evidence.Item", null=True, blank=True, on_delete=models.PROTECT, related_name="notes"
    )
    case = models.ForeignKey(
        Case, null=True, blank=True, on_delete=models.PROTECT, related_name="notes"
    )
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    text = models.TextField()
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["created_at", "id"]
        constraints = [
            models.CheckConstraint(
                condition=(
                    models.Q(item__isnull=False, case__isnull=True)
                    | models.Q(item__isnull=True, case__isnull=False)
                ),
                name="note_on_item_or_case",
            )
        ]

    def __str__(self) -> str:
        return f"note by {self.author} at {self.created_at:%Y-%m-%d %H:%M}"


class SearchDoc(models.Model):
    """The searchable text of one item, rebuilt by `cases.search.reindex_item`.

    The full-text index itself lives in the database: an FTS5 table kept in step by
    triggers on SQLite, a generated `tsvector` column with a GIN index on PostgreSQL
    (see migration 0003). Neither is a Django field.
    """

    id = models.BigAutoField(primary_key=True)  # the FTS5 rowid
    item = models.OneToOneField(
        "evidence.Item", on_delete=models.CASCADE, related_name="search_doc"
    )
    title = models.TextField(blank=True)
    keys = models.TextField(blank=True, help_text="Tags, case and incident numbers, officer.")
    body = models.TextField(blank=True, help_text="Description, notes, case titles.")
    updated_at = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return f"search document for {self.item_id}"
