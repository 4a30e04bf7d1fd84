"""Read-mostly admin: datasets (the study area can be corrected here) and import runs.
Incidents change only through imports (`analytics.services.imports`)."""

from django.contrib import admin

from evidentia.analytics.models import Dataset, ImportRun


@admin.register(Dataset)
class DatasetAdmin(admin.ModelAdmin):
    list_display = ("slug", "name", "epsg", "units", "created_at")
    readonly_fields = ("slug", "epsg", "units", "created_at")


@admin.register(ImportRun)
class ImportRunAdmin(admin.ModelAdmin):
    list_display = ("file_name", "dataset", "state", "rows_total", "rows_created", "created_at")
    list_filter = ("state", "dataset")

    def has_add_permission(self, request):  # type: ignore[override]
        return False

    def has_change_permission(self, request, obj=None):  # type: ignore[override]
        return False
