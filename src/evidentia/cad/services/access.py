"""Who may do what with CAD data. Compliance figures carry no media or complaint data,
so rule 6's restricted matters are not involved. The aggregates by call type and by unit
are agency-wide for every reader; figures per named officer are shown to a supervisor
only for the officers of their own unit (administrators, custodians and auditors see
every officer)."""

from __future__ import annotations

from typing import Any

from evidentia.accounts.auth import acts_as
from evidentia.accounts.models import Role
from evidentia.core.errors import PermissionDenied

IMPORTERS = {Role.ADMIN, Role.CUSTODIAN}
READERS = {Role.ADMIN, Role.CUSTODIAN, Role.SUPERVISOR, Role.AUDITOR}
POLICY_EDITORS = {Role.ADMIN}
ALL_OFFICERS = {Role.ADMIN, Role.CUSTODIAN, Role.AUDITOR}
SYSTEM = "cad"


def can_import(user: Any) -> bool:
    return acts_as(user, IMPORTERS)


def can_read(user: Any) -> bool:
    return acts_as(user, READERS)


def can_edit_policy(user: Any) -> bool:
    return acts_as(user, POLICY_EDITORS)


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


def officer_unit_scope(user: Any) -> tuple[bool, int | None]:
    """(restricted, unit id) for the per-officer figures: a supervisor sees only the
    officers of their own unit (none when they have no unit); the shell sees all."""
    if isinstance(user, str) or acts_as(user, ALL_OFFICERS):
        return False, None
    return True, getattr(user, "unit_id", None)
