from django.contrib import admin

from evidentia.retention.models import Disposition, LegalHold, RetentionRule


@admin.register(RetentionRule)
class RetentionRuleAdmin(admin.ModelAdmin):
    """Read-only here: rules change on the staff rules page (/retention/rules/) or with
    `evidentia retention rule`, both through `services.set_rule`, so the ledger records
    every change. The list links to that page."""

    change_list_template = "admin/retention/retentionrule/change_list.html"
    list_display = ["category", "period_days", "permanent", "clock", "updated_at"]

    def has_add_permission(self, request):  # type: ignore[no-untyped-def]
        return False

    def has_change_permission(self, request, obj=None):  # type: ignore[no-untyped-def]
        return False

    def has_delete_permission(self, request, obj=None):  # type: ignore[no-untyped-def]
        return False


@admin.register(LegalHold, Disposition)
class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request):  # type: ignore[no-untyped-def]
        return False

    def has_change_permission(self, request, obj=None):  # type: ignore[no-untyped-def]
        return False

    def has_delete_permission(self, request, obj=None):  # type: ignore[no-untyped-def]
        return False
