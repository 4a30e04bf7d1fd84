"""The append-only custody ledger.

`Event.body` is the event's canonical JSON and is what the Merkle leaf hashes; the
other columns are indexes derived from it. Nothing updates or deletes these rows.
"""

from __future__ import annotations

from django.db import models


class Event(models.Model):
    seq = models.BigIntegerField(primary_key=True)
    recorded_at = models.DateTimeField(db_index=True)
    kind = models.CharField(max_length=64, db_index=True)
    actor = models.CharField(max_length=150, blank=True, db_index=True)
    outcome = models.CharField(max_length=16, default="success")
    item_id = models.UUIDField(null=True, blank=True, db_index=True)
    case_id = models.UUIDField(null=True, blank=True, db_index=True)
    body = models.TextField()
    leaf_hash = models.BinaryField(max_length=32)

    class Meta:
        ordering = ["seq"]

    def __str__(self) -> str:
        return f"#{self.seq} {self.kind}"


class Node(models.Model):
    """A stored perfect interior subtree, keyed level << 56 | index."""

    key = models.BigIntegerField(primary_key=True)
    hash = models.BinaryField(max_length=32)

    def __str__(self) -> str:
        return f"node {self.key >> 56}/{self.key & ((1 << 56) - 1)}"

    @staticmethod
    def make_key(level: int, index: int) -> int:
        return level << 56 | index


class Head(models.Model):
    """The single row every append locks: tree size and the compact range of peaks."""

    id = models.PositiveSmallIntegerField(primary_key=True, default=1)
    size = models.BigIntegerField(default=0)
    peaks = models.BinaryField(default=b"")

    def __str__(self) -> str:
        return f"ledger head @{self.size}"


class Checkpoint(models.Model):
    tree_size = models.BigIntegerField(unique=True)
    root_hash = models.BinaryField(max_length=32)
    note = models.TextField()
    key_name = models.CharField(max_length=200)
    signed_at = models.DateTimeField()

    class Meta:
        ordering = ["tree_size"]

    def __str__(self) -> str:
        return f"checkpoint @{self.tree_size}"
