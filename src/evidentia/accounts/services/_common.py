"""Shared by the account services: who is an admin, which scopes a role allows, and
how a refused attempt is recorded."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest

from evidentia.accounts.models import Role, Scope, User
from evidentia.core.errors import PermissionDenied
from evidentia.custody import ledger

_ALL_SCOPES = frozenset(Scope.values)
_READ = frozenset({Scope.EVIDENCE_READ, Scope.CUSTODY_READ})

# Least privilege: the API scopes each role may hold, by token or by session.
# Relation checks (case membership, shares, restricted matters) still apply on top.
ROLE_SCOPES: dict[str, frozenset[str]] = {
    Role.ADMIN: _ALL_SCOPES,
    Role.CUSTODIAN: _ALL_SCOPES,
    Role.SUPERVISOR: _ALL_SCOPES,
    Role.OFFICER: _ALL_SCOPES,
    Role.INVESTIGATOR: _ALL_SCOPES,
    Role.STANDARDS_INVESTIGATOR: _READ,
    Role.PROSECUTOR: _READ,
    Role.AUDITOR: frozenset({Scope.CUSTODY_READ}),
}


def allowed_scopes(user: User) -> frozenset[str]:
    """The scopes `user` may use now: none for a disabled account."""
    if not user.is_active:
        return frozenset()
    return ROLE_SCOPES.get(user.role, frozenset())


def is_admin(user: Any) -> bool:
    return bool(
        user is not None
        and getattr(user, "is_authenticated", False)
        and user.is_active
        and (user.role == Role.ADMIN or user.is_superuser)
    )


def _ref(user: Any) -> dict[str, Any] | None:
    return {"id": user.pk, "username": user.get_username()} if user is not None else None


def _refuse(
    kind: str, message: str, *, actor: Any, request: HttpRequest | None, **detail: Any
) -> PermissionDenied:
    """Record a refused attempt (CJIS 5.4.1.1 asks for unsuccessful ones too)."""
    ledger.record(
        kind,
        actor=actor if getattr(actor, "pk", None) else None,
        request=request,
        outcome="failure",
        detail={"refused": message, **detail},
    )
    return PermissionDenied(message)


def _require_admin(
    actor: Any, what: str, kind: str, *, request: HttpRequest | None = None, subject: Any = None
) -> None:
    if not is_admin(actor):
        message = f"Only an administrator can {what}."
        raise _refuse(kind, message, actor=actor, request=request, user=_ref(subject))
