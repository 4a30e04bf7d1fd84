from django.contrib import admin

from evidentia.useofforce.models import ForceType, Review, Subject, UseOfForceReport
from evidentia.useofforce.services import types


@admin.register(ForceType)
class ForceTypeAdmin(admin.ModelAdmin):
    """Saves go through the service so the ledger records every change; types are
    retired (unticked "active"), never deleted, because old reports name them."""

    list_display = ["name", "code", "active", "order"]
    list_editable: list[str] = []
    ordering = ["order", "name"]

    def get_readonly_fields(self, request, obj=None):  # type: ignore[no-untyped-def]
        return ["code"] if obj is not None else []

    def save_model(self, request, obj, form, change):  # type: ignore[no-untyped-def]
        saved = types.save_type(
            request.user,
            name=obj.name,
            code=obj.code,
            order=obj.order,
            active=obj.active,
            request=request,
        )
        obj.pk = saved.pk

    def has_delete_permission(self, request, obj=None):  # type: ignore[no-untyped-def]
        return False


@admin.register(UseOfForceReport, Review, Subject)
class ReadOnlyAdmin(admin.ModelAdmin):
    """Reports change only through the pages and their services."""

    def has_add_permission(self, request):  # type: ignore[no-untyped-def]
        return False

    def has_change_permission(self, request, obj=None):  # type: ignore[no-untyped-def]
        return False

    def has_delete_permission(self, request, obj=None):  # type: ignore[no-untyped-def]
        return False
