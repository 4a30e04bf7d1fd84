"""The Django admin for accounts. Every privilege change made here reaches the ledger
through `services`, inside the admin's own transaction."""

from __future__ import annotations

from typing import Any

from django import forms
from django.conf import settings
from django.contrib import admin, messages
from django.contrib.admin.utils import unquote
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import reverse
from django_otp.plugins.otp_totp.admin import TOTPDeviceAdmin as OtpTOTPDeviceAdmin
from django_otp.plugins.otp_totp.models import TOTPDevice

from evidentia.accounts import services
from evidentia.accounts.auth import is_verified
from evidentia.accounts.models import ApiToken, Role, Unit, User
from evidentia.core.views import forbidden

_FLAGS = ("is_staff", "is_superuser")
_BEFORE = "_evidentia_account_before"


def _admin_login(request: HttpRequest, extra_context: dict[str, Any] | None = None) -> HttpResponse:
    """The admin has no login of its own: staff sign in with both factors at /accounts/."""
    if request.user.is_authenticated and is_verified(request.user):
        if admin.site.has_permission(request):
            return HttpResponseRedirect(reverse("admin:index"))
        return forbidden(request)
    return redirect_to_login(request.GET.get("next") or reverse("admin:index"), settings.LOGIN_URL)


def _admin_logout(
    request: HttpRequest, extra_context: dict[str, Any] | None = None
) -> HttpResponse:
    from evidentia.accounts.views import logout_view

    return logout_view(request)


admin.site.login = _admin_login  # type: ignore[method-assign]
admin.site.logout = _admin_logout  # type: ignore[method-assign]


class _GuardedChangeForm(DjangoUserAdmin.form):  # type: ignore[name-defined,misc]
    """Refuse, as a form error, the changes `services` would refuse."""

    actor: Any = None

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        if self.instance.pk == getattr(self.actor, "pk", None):
            if data.get("is_active") is False:
                raise forms.ValidationError("You cannot disable your own account.")
            if self.instance.role == Role.ADMIN and data.get("role") not in (None, Role.ADMIN):
                raise forms.ValidationError("You cannot remove your own administrator role.")
        return data  # type: ignore[no-any-return]


@admin.register(User)
class UserAdmin(DjangoUserAdmin):
    form = _GuardedChangeForm
    list_display = ("username", "get_full_name", "role", "unit", "badge_number", "is_active")
    list_filter = ("role", "unit", "is_active", "is_staff", "is_superuser", "groups")
    search_fields = ("username", "first_name", "last_name", "email", "badge_number")
    fieldsets = (
        *DjangoUserAdmin.fieldsets,  # type: ignore[misc]
        ("Agency", {"fields": ("role", "unit", "badge_number")}),
    )
    add_fieldsets = (
        *DjangoUserAdmin.add_fieldsets,  # type: ignore[misc]
        ("Agency", {"fields": ("role", "unit", "badge_number", "first_name", "last_name")}),
    )
    readonly_fields = ("last_login", "date_joined")

    def has_module_permission(self, request: HttpRequest) -> bool:
        return services.is_admin(request.user)

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return services.is_admin(request.user)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return services.is_admin(request.user)

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return services.is_admin(request.user)

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False  # accounts are disabled, never deleted: the ledger names them

    def get_form(self, request: HttpRequest, obj: Any = None, **kwargs: Any) -> Any:
        form = super().get_form(request, obj, **kwargs)
        form.actor = request.user
        return form

    def save_model(self, request: HttpRequest, obj: User, form: Any, change: bool) -> None:
        actor = request.user
        with transaction.atomic():
            if not change:
                services.save_new_user(obj, actor=actor, request=request)
                return
            old = User.objects.get(pk=obj.pk)
            setattr(request, _BEFORE, _relations(old))
            new_role, new_active = obj.role, obj.is_active
            obj.role, obj.is_active = old.role, old.is_active
            flags = {f: [getattr(old, f), getattr(obj, f)] for f in _FLAGS}
            flags = {f: v for f, v in flags.items() if v[0] != v[1]}
            super().save_model(request, obj, form, change)
            services.record_permission_change(obj, flags, actor=actor, request=request)
            if new_role != old.role:
                services.change_role(obj, new_role, actor=actor, request=request)
            if new_active != old.is_active:
                services.set_active(obj, new_active, actor=actor, request=request)

    def save_related(self, request: HttpRequest, form: Any, formsets: Any, change: bool) -> None:
        with transaction.atomic():
            super().save_related(request, form, formsets, change)
            before = getattr(request, _BEFORE, None)
            if before is None:
                return
            after = _relations(form.instance)
            changes = {}
            for name in ("groups", "user_permissions"):
                added, removed = after[name] - before[name], before[name] - after[name]
                if added or removed:
                    changes[name] = {"added": sorted(added), "removed": sorted(removed)}
            services.record_permission_change(
                form.instance, changes, actor=request.user, request=request
            )

    def user_change_password(
        self, request: HttpRequest, id: str, form_url: str = ""
    ) -> HttpResponse:
        with transaction.atomic():
            response = super().user_change_password(request, id, form_url)
            if request.method == "POST" and response.status_code == 302:
                user = self.get_object(request, unquote(id))
                services.record_password_changed(user, actor=request.user, request=request)
        return response


def _relations(user: User) -> dict[str, set[str]]:
    return {
        "groups": set(user.groups.values_list("name", flat=True)),
        "user_permissions": {
            f"{app}.{codename}"
            for app, codename in user.user_permissions.values_list(
                "content_type__app_label", "codename"
            )
        },
    }


@admin.register(Unit)
class UnitAdmin(admin.ModelAdmin):
    list_display = ("code", "name")
    search_fields = ("code", "name")

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin):
    list_display = (
        "name",
        "user",
        "lookup",
        "created_at",
        "expires_at",
        "last_used_at",
        "revoked_at",
    )
    list_filter = ("revoked_at", "expires_at")
    search_fields = ("name", "lookup", "user__username")
    readonly_fields = (
        "id",
        "user",
        "name",
        "lookup",
        "secret_hash",
        "scopes",
        "created_at",
        "expires_at",
        "last_used_at",
        "revoked_at",
    )
    actions = ["revoke"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False  # tokens are created by their owner, who alone sees the plaintext

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return services.is_admin(request.user)

    def has_module_permission(self, request: HttpRequest) -> bool:
        return services.is_admin(request.user)

    def has_revoke_permission(self, request: HttpRequest) -> bool:
        return services.is_admin(request.user)

    @admin.action(description="Revoke the selected tokens", permissions=["revoke"])
    def revoke(self, request: HttpRequest, queryset: QuerySet[ApiToken]) -> None:
        count = 0
        for token in queryset.filter(revoked_at__isnull=True):
            services.revoke_token(token, actor=request.user, request=request)
            count += 1
        self.message_user(request, f"Revoked {count} token(s).", messages.SUCCESS)


if admin.site.is_registered(TOTPDevice):
    admin.site.unregister(TOTPDevice)


@admin.register(TOTPDevice)
class TOTPDeviceAdmin(OtpTOTPDeviceAdmin):
    """Admins see and reset (delete) authenticators; they never read or set a secret."""

    list_display = ["user", "name", "confirmed", "created_at", "last_used_at"]
    fields = ["user", "name", "confirmed", "created_at", "last_used_at", "throttling_failure_count"]
    readonly_fields = fields

    def get_list_display(self, request: HttpRequest) -> list[str]:
        return self.list_display

    def get_fieldsets(self, request: HttpRequest, obj: Any = None) -> Any:
        return [(None, {"fields": self.fields})]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False  # each person enrols their own phone at /accounts/mfa/setup/

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return services.is_admin(request.user)

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return services.is_admin(request.user)

    def has_module_permission(self, request: HttpRequest) -> bool:
        return services.is_admin(request.user)

    def config_view(self, request: HttpRequest, pk: int) -> HttpResponse:
        raise PermissionDenied

    def qrcode_view(self, request: HttpRequest, pk: int) -> HttpResponse:
        raise PermissionDenied

    def delete_model(self, request: HttpRequest, obj: TOTPDevice) -> None:
        services.reset_totp(obj, actor=request.user, request=request)

    def delete_queryset(self, request: HttpRequest, queryset: QuerySet[TOTPDevice]) -> None:
        with transaction.atomic():
            for device in queryset.select_related("user"):
                services.reset_totp(device, actor=request.user, request=request)
