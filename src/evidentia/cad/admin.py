from django.contrib import admin

from evidentia.cad.models import CallTypePolicy, Import


@admin.register(Import)
class ImportAdmin(admin.ModelAdmin):
    list_display = ["file_name", "state", "mode", "rows_total", "rows_rejected", "created_at"]
    readonly_fields = [f.name for f in Import._meta.fields]

    def has_add_permission(self, request):  # imports go through the service
        return False


@admin.register(CallTypePolicy)
class CallTypePolicyAdmin(admin.ModelAdmin):
    list_display = ["call_type", "must_record", "late_after_seconds", "min_coverage"]
    readonly_fields = [f.name for f in CallTypePolicy._meta.fields]

    def has_add_permission(self, request):  # changes go through /cad/policies/ (ledger)
        return False
