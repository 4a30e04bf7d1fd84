"""Rules are changed on /intervention/rules/ (a ledger event each); the admin only reads."""

from django.contrib import admin

from evidentia.intervention.models import Alert, Rule


class ReadOnly(admin.ModelAdmin):
    def has_add_permission(self, request, obj=None):  # type: ignore[no-untyped-def]
        return False

    def has_change_permission(self, request, obj=None):  # type: ignore[no-untyped-def]
        return False

    def has_delete_permission(self, request, obj=None):  # type: ignore[no-untyped-def]
        return False


@admin.register(Rule)
class RuleAdmin(ReadOnly):
    list_display = ("name", "source", "method", "threshold", "window_days", "alpha", "active")


@admin.register(Alert)
class AlertAdmin(ReadOnly):
    list_display = ("rule", "officer", "window_end", "count", "status", "restricted")
