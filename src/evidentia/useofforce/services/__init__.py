"""The one door for changes to use-of-force reports (see each module)."""

from evidentia.useofforce.services._common import (
    can_edit,
    can_file,
    can_review,
    get_report,
    visible_reports,
)
from evidentia.useofforce.services.filing import candidates, create, save, submit, update
from evidentia.useofforce.services.recordings import check, check_all
from evidentia.useofforce.services.review import (
    approve,
    forward,
    forward_targets,
    refer,
    return_for_changes,
)

__all__ = [
    "approve",
    "can_edit",
    "can_file",
    "can_review",
    "candidates",
    "check",
    "check_all",
    "create",
    "forward",
    "forward_targets",
    "get_report",
    "refer",
    "return_for_changes",
    "save",
    "submit",
    "update",
    "visible_reports",
]
