from __future__ import annotations

from django.contrib import admin
from django.db.models import Q

from evidentia.cases.models import Case, Category
from evidentia.evidence.admin import ReadOnlyAdmin


@admin.register(Case)
class CaseAdmin(ReadOnlyAdmin):
    list_display = ("number", "title", "restricted", "created_by", "created_at")
    search_fields = ("number", "title")

    def get_queryset(self, request):  # type: ignore[no-untyped-def]
        # Restricted cases stay invisible to non-members, administrators included.
        visible = Q(restricted=False) | Q(members=request.user)
        return super().get_queryset(request).filter(visible).distinct()


@admin.register(Category)
class CategoryAdmin(admin.ModelAdmin):
    list_display = ("name", "description")
