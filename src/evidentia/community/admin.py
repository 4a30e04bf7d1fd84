"""Administration of the community portal: the service list is edited here; keys may be
revoked; reports, invites and alerts are read-only (they change through the staff pages,
which write the ledger). Nothing is ever deleted."""

from __future__ import annotations

from typing import Any

from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest

from evidentia.community.models import Alert, Invite, Open311Key, Report, Service
from evidentia.community.services import catalog, open311_keys


class NoDelete(admin.ModelAdmin):
    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def get_actions(self, request: HttpRequest) -> dict[str, Any]:
        actions = super().get_actions(request)
        actions.pop("delete_selected", None)
        return actions


class ReadOnly(NoDelete):
    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(Service)
class ServiceAdmin(NoDelete):
    list_display = ("code", "name", "group", "public", "standards", "active", "order")
    list_display_links = ("code",)
    list_editable = ("name", "public", "standards", "active", "order")
    list_filter = ("public", "standards", "active")
    search_fields = ("code", "name", "keywords")
    fieldsets = (
        (None, {"fields": ("code", "name", "description", "group", "keywords", "order", "active")}),
        ("Who sees it", {"fields": ("public", "standards")}),
        ("Open311", {"fields": ("open311_type", "expected_days", "attributes")}),
    )

    def save_model(self, request: HttpRequest, obj: Service, form: Any, change: bool) -> None:
        changed = catalog.save_service(obj, actor=request.user, request=request)  # type: ignore[arg-type]
        if changed:
            self.message_user(
                request,
                f"{obj.name}: {changed} filed report(s) taken off the public site or "
                "restricted to match.",
                messages.WARNING,
            )


@admin.register(Open311Key)
class Open311KeyAdmin(NoDelete):
    list_display = ("name", "prefix", "created_by", "created_at", "revoked_at")
    list_filter = ("revoked_at",)
    actions = ["revoke"]

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False  # a key is made where its secret can be shown once, not here

    # Revocation goes through the service (the action below), so it is in the ledger.
    readonly_fields = ("name", "key_hash", "prefix", "created_by", "created_at", "revoked_at")

    @admin.action(description="Revoke the selected keys")
    def revoke(self, request: HttpRequest, queryset: QuerySet[Open311Key]) -> None:
        done = 0
        for key in queryset.filter(revoked_at__isnull=True):
            open311_keys.revoke(request.user, key, request)  # type: ignore[arg-type]
            done += 1
        self.message_user(request, f"{done} key(s) revoked.", messages.SUCCESS)


@admin.register(Report)
class ReportAdmin(ReadOnly):
    list_display = ("public_id", "service", "status", "restricted", "public", "via", "created_at")
    list_filter = ("status", "service", "restricted", "public", "via")
    search_fields = ("public_id",)
    date_hierarchy = "created_at"
    exclude = ("code_hash", "token")


@admin.register(Invite)
class InviteAdmin(ReadOnly):
    list_display = ("label", "case", "state", "created_by", "created_at", "expires_at")
    list_filter = ("revoked_at",)
    exclude = ("token_hash",)


@admin.register(Alert)
class AlertAdmin(ReadOnly):
    list_display = ("title", "area", "author", "published_at", "expires_at", "withdrawn_at")
    search_fields = ("title", "area")
