"""Read-only admin views: evidence changes only through services, which write the ledger.

Open fixity alerts are shown on the admin index (templates/admin/index.html) and can be
acknowledged here; acknowledging records who looked, it repairs nothing.
"""

from __future__ import annotations

from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest

from evidentia.evidence.models import Blob, Derivative, FixityAlert, FixityRun, Item, Job
from evidentia.evidence.services.fixity import acknowledge


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False


@admin.register(Item)
class ItemAdmin(ReadOnlyAdmin):
    list_display = ("title", "kind", "officer", "recorded_at", "ingested_at", "processing")
    list_filter = ("kind", "processing", "source")
    search_fields = ("title", "original_name", "device_id", "blob__sha256")


@admin.register(Blob)
class BlobAdmin(ReadOnlyAdmin):
    list_display = ("sha256", "size", "mime", "created_at", "last_fixity_at", "last_fixity_ok")
    list_filter = ("last_fixity_ok",)
    search_fields = ("sha256",)
    exclude = ("wrapped_key",)


@admin.register(Derivative)
class DerivativeAdmin(ReadOnlyAdmin):
    list_display = ("item", "kind", "blob", "created_at")
    list_filter = ("kind",)


@admin.register(Job)
class JobAdmin(ReadOnlyAdmin):
    list_display = ("item", "kind", "state", "progress", "attempts", "updated_at")
    list_filter = ("state", "kind")


@admin.register(FixityRun)
class FixityRunAdmin(ReadOnlyAdmin):
    list_display = ("started_at", "finished_at", "checked", "failed", "trigger")


@admin.register(FixityAlert)
class FixityAlertAdmin(ReadOnlyAdmin):
    list_display = ("detected_at", "blob", "reason", "acknowledged_at", "acknowledged_by")
    list_filter = ("acknowledged_at",)
    actions = ("acknowledge_selected",)

    @admin.action(description="Acknowledge (records who looked; repairs nothing)")
    def acknowledge_selected(self, request: HttpRequest, queryset: QuerySet[FixityAlert]) -> None:
        count = acknowledge(list(queryset), actor=request.user, request=request)
        messages.success(request, f"Acknowledged {count} alert(s).")
