"""Who may see and change analytics (docs/decisions/0025).

Incidents here are calls and reports, not people: no complaint data is imported (CAD
calls and CSV files only), so rule 6's restricted matters never enter these figures.
Community-report resolution times on the performance page leave restricted reports out."""

from __future__ import annotations

from typing import Any

from evidentia.accounts.auth import acts_as
from evidentia.accounts.models import Role
from evidentia.core.errors import PermissionDenied

IMPORTERS = {Role.ADMIN, Role.CUSTODIAN}
# Custodians import the data, so they may look at what they brought in.
READERS = {Role.ADMIN, Role.SUPERVISOR, Role.INVESTIGATOR, Role.AUDITOR, Role.CUSTODIAN}
COMMAND = {Role.ADMIN, Role.SUPERVISOR, Role.AUDITOR}


def can_import(user: Any) -> bool:
    return acts_as(user, IMPORTERS)


def can_read(user: Any) -> bool:
    return acts_as(user, READERS)


def can_see_performance(user: Any) -> bool:
    return acts_as(user, COMMAND)


def check_import(user: Any) -> None:
    if not can_import(user):
        raise PermissionDenied("Analytics imports are for administrators and evidence custodians.")


def check_read(user: Any) -> None:
    if not can_read(user):
        raise PermissionDenied(
            "Crime analytics are for supervisors, investigators, custodians, auditors and "
            "administrators."
        )


def check_performance(user: Any) -> None:
    if not can_see_performance(user):
        raise PermissionDenied(
            "Performance metrics are for command staff: supervisors, auditors and administrators."
        )
