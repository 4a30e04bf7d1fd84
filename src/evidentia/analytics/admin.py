"""Read-mostly admin: datasets (the study area can be corrected here), import runs and
area layers. Incidents and layers change only through their services
(`analytics.services.imports`, `analytics.services.areas`)."""

from django.contrib import admin

from evidentia.analytics.models import AreaLayer, Dataset, ImportRun


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


@admin.register(AreaLayer)
class AreaLayerAdmin(ImportRunAdmin):
    list_display = ("name", "dataset", "version", "uploaded_at")
    list_filter = ("dataset",)
