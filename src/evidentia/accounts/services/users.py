"""Accounts: create, change role, enable/disable, passwords, admin-made privilege changes."""

from __future__ import annotations

from typing import Any

from django.contrib.auth import password_validation
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import HttpRequest

from evidentia.accounts.models import Role, Unit, User
from evidentia.accounts.services._common import (
    _ref,
    _require_admin,
)
from evidentia.core.errors import Conflict, Rejected
from evidentia.custody import events, ledger


def _validate_password(password: str, user: User) -> None:
    try:
        password_validation.validate_password(password, user)
    except ValidationError as exc:
        raise Rejected(" ".join(exc.messages)) from exc


def _sync_admin_flags(user: User) -> dict[str, list[bool]]:
    """The admin role is what opens the Django admin: keep is_staff/is_superuser in step."""
    wanted = user.role == Role.ADMIN
    changed: dict[str, list[bool]] = {}
    for flag in ("is_staff", "is_superuser"):
        if getattr(user, flag) != wanted:
            changed[flag] = [getattr(user, flag), wanted]
            setattr(user, flag, wanted)
    return changed


def create_user(
    *,
    username: str,
    role: str,
    password: str,
    actor: Any,
    unit: Unit | None = None,
    badge_number: str = "",
    email: str = "",
    first_name: str = "",
    last_name: str = "",
    request: HttpRequest | None = None,
) -> User:
    """Create a staff account. Only administrators may; the password must pass policy."""
    _require_admin(actor, "create accounts", events.ACCOUNT_CREATED, request=request)
    username = (username or "").strip()
    if not username:
        raise Rejected("Enter a username.")
    if role not in Role.values:
        raise Rejected(f"'{role}' is not a role. Choose one of: {', '.join(Role.values)}.")
    user = User(
        username=username,
        role=role,
        unit=unit,
        badge_number=badge_number,
        email=User.objects.normalize_email(email),
        first_name=first_name,
        last_name=last_name,
    )
    _validate_password(password, user)
    user.set_password(password)
    return save_new_user(user, actor=actor, request=request)


def save_new_user(user: User, *, actor: Any, request: HttpRequest | None = None) -> User:
    """Save an account prepared elsewhere (the admin's add form, password already set)."""
    _require_admin(actor, "create accounts", events.ACCOUNT_CREATED, request=request)
    _sync_admin_flags(user)
    with transaction.atomic():
        if User.objects.filter(username__iexact=user.username).exists():
            raise Conflict(f"The username '{user.username}' is already taken.")
        user.save()
        ledger.record(
            events.ACCOUNT_CREATED,
            actor=actor,
            request=request,
            detail=_account_detail(user),
        )
    return user


def _account_detail(user: User) -> dict[str, Any]:
    return {
        "user": _ref(user),
        "role": user.role,
        "unit": user.unit.code if user.unit else None,
        "badge_number": user.badge_number,
    }


def change_role(user: User, role: str, *, actor: Any, request: HttpRequest | None = None) -> User:
    """Give `user` a new role. Only administrators may; the old and new role are recorded."""
    _require_admin(actor, "change roles", events.ROLE_CHANGED, request=request, subject=user)
    if role not in Role.values:
        raise Rejected(f"'{role}' is not a role. Choose one of: {', '.join(Role.values)}.")
    with transaction.atomic():
        locked = User.objects.select_for_update().get(pk=user.pk)
        old = locked.role
        if old == role:
            return user
        if locked.pk == getattr(actor, "pk", None) and old == Role.ADMIN:
            raise Conflict("You cannot remove your own administrator role; ask another admin.")
        user.role = role
        flags = _sync_admin_flags(user)
        user.save(update_fields=["role", "is_staff", "is_superuser"])
        ledger.record(
            events.ROLE_CHANGED,
            actor=actor,
            request=request,
            detail={
                "user": _ref(user),
                "old": old,
                "new": role,
                **({"flags": flags} if flags else {}),
            },
        )
    return user


def set_active(user: User, active: bool, *, actor: Any, request: HttpRequest | None = None) -> User:
    """Enable or disable an account. A disabled account cannot sign in or use its tokens."""
    kind = events.ACCOUNT_DISABLED if not active else events.ACCOUNT_ENABLED
    _require_admin(actor, "enable or disable accounts", kind, request=request, subject=user)
    if not active and user.pk == getattr(actor, "pk", None):
        raise Conflict("You cannot disable your own account.")
    with transaction.atomic():
        locked = User.objects.select_for_update().get(pk=user.pk)
        if locked.is_active == active:
            return user
        user.is_active = active
        user.save(update_fields=["is_active"])
        ledger.record(
            kind,
            actor=actor,
            request=request,
            detail={"user": _ref(user), "is_active": active},
        )
    return user


def set_password(
    user: User, password: str, *, actor: Any, request: HttpRequest | None = None
) -> None:
    """Set a new password: the user themself or an administrator. Never records the password."""
    if getattr(actor, "pk", None) != user.pk:
        _require_admin(
            actor,
            "set another person's password",
            events.PASSWORD_CHANGED,
            request=request,
            subject=user,
        )
    _validate_password(password, user)
    with transaction.atomic():
        user.set_password(password)
        user.save(update_fields=["password"])
        record_password_changed(user, actor=actor, request=request)


def record_password_changed(user: User, *, actor: Any, request: HttpRequest | None = None) -> None:
    """Record a password change made by a form that already set it (the admin's)."""
    ledger.record(
        events.PASSWORD_CHANGED,
        actor=actor,
        request=request,
        detail={"user": _ref(user)},
    )


def record_permission_change(
    user: User,
    changes: dict[str, Any],
    *,
    actor: Any,
    request: HttpRequest | None = None,
) -> None:
    """Record privilege changes made elsewhere (the Django admin). Call inside its transaction."""
    if not changes:
        return
    _require_admin(
        actor, "change permissions", events.PERMISSION_CHANGED, request=request, subject=user
    )
    ledger.record(
        events.PERMISSION_CHANGED,
        actor=actor,
        request=request,
        detail={"user": _ref(user), "changes": changes},
    )
