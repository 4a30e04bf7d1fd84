"""Who may do what with CAD data. Compliance figures are agency-wide and carry no media
or complaint data, so rule 6's restricted matters are not involved."""

from __future__ import annotations

from typing import Any

from evidentia.accounts.models import Role
from evidentia.core.errors import PermissionDenied

IMPORTERS = {Role.ADMIN, Role.CUSTODIAN}
READERS = {Role.ADMIN, Role.CUSTODIAN, Role.SUPERVISOR, Role.AUDITOR}
POLICY_EDITORS = {Role.ADMIN}
SYSTEM = "cad"


def _is(user: Any, roles: set[str]) -> bool:
    if isinstance(user, str):  # a system actor (CLI, Celery): the shell is trusted
        return True
    return bool(user and user.is_authenticated and user.is_active and user.role in roles)


def can_import(user: Any) -> bool:
    return _is(user, IMPORTERS)


def can_read(user: Any) -> bool:
    return _is(user, READERS)


def can_edit_policy(user: Any) -> bool:
    return _is(user, POLICY_EDITORS)


def check_import(user: Any) -> None:
    if not can_import(user):
        raise PermissionDenied("CAD imports are for administrators and evidence custodians.")


def check_read(user: Any) -> None:
    if not can_read(user):
        raise PermissionDenied(
            "The body-camera compliance report is for supervisors, custodians, auditors "
            "and administrators."
        )


def check_policy(user: Any) -> None:
    if not can_edit_policy(user):
        raise PermissionDenied("Only administrators may change the recording policy.")
