from __future__ import annotations

from django.contrib import admin
from django.db.models import Q

from evidentia.cases.models import Case, Category, Tag
from evidentia.evidence.admin import ReadOnlyAdmin


@admin.register(Case)
class CaseAdmin(ReadOnlyAdmin):
    list_display = (
        "number",
        "incident_number",
        "title",
        "status",
        "restricted",
        "created_by",
        "created_at",
    )
    list_filter = ("status",)
    search_fields = ("number", "incident_number", "title")

    def get_queryset(self, request):  # type: ignore[no-untyped-def]
        # Restricted cases stay invisible to non-members, administrators included.
        visible = Q(restricted=False) | Q(members=request.user)
        return super().get_queryset(request).filter(visible).distinct()


@admin.register(Category)
class CategoryAdmin(admin.ModelAdmin):
    list_display = ("name", "description", "retention")
    fields = ("name", "description", "retention_days")

    @admin.display(description="retention", ordering="retention_days")
    def retention(self, obj: Category) -> str:
        return f"{obj.retention_days} days" if obj.retention_days is not None else "indefinitely"


@admin.register(Tag)
class TagAdmin(ReadOnlyAdmin):
    """Tags are made by tagging evidence (a ledger event), so the admin only lists them."""

    list_display = ("name", "created_at")
    search_fields = ("name",)
