from __future__ import annotations

from django.contrib import admin

from evidentia.custody.models import Checkpoint, Event
from evidentia.evidence.admin import ReadOnlyAdmin


@admin.register(Event)
class EventAdmin(ReadOnlyAdmin):
    list_display = ("seq", "recorded_at", "kind", "actor", "outcome", "item_id")
    list_filter = ("kind", "outcome")
    search_fields = ("actor", "kind")
    exclude = ("leaf_hash",)


@admin.register(Checkpoint)
class CheckpointAdmin(ReadOnlyAdmin):
    list_display = ("tree_size", "signed_at", "key_name")
