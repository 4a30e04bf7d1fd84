"""Retention services: the only door for changes to rules, holds and dispositions."""

from evidentia.retention.services._common import Refused, can_read, is_custodian
from evidentia.retention.services.flow import (
    approve,
    flag_due,
    get_disposition,
    reject,
    request_disposition,
)
from evidentia.retention.services.holds import get_hold, place_hold, release_hold
from evidentia.retention.services.rules import set_rule
from evidentia.retention.services.schedule import (
    blockers,
    due_positions,
    open_share_or_request_blockers,
    position,
)
from evidentia.retention.services.shredding import resume_all, shred

__all__ = [
    "Refused",
    "approve",
    "blockers",
    "can_read",
    "due_positions",
    "flag_due",
    "get_disposition",
    "get_hold",
    "is_custodian",
    "open_share_or_request_blockers",
    "place_hold",
    "position",
    "reject",
    "release_hold",
    "request_disposition",
    "resume_all",
    "set_rule",
    "shred",
]
