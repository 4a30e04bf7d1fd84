"""The one door for changes to cases, tags and notes. Each service checks permission,
changes data and appends its ledger event in one transaction."""

from evidentia.cases.services._common import (
    CASE_CREATORS,
    MEMBER_ROLES,
    check_can_link,
    check_can_manage,
)
from evidentia.cases.services.annotations import (
    add_item_note,
    add_tag,
    can_annotate,
    normalize_tag,
    remove_tag,
)
from evidentia.cases.services.case import (
    add_case_note,
    add_member,
    create_case,
    remove_member,
    set_status,
    update_case,
)
from evidentia.cases.services.links import link_item, link_visible_item, unlink_item

__all__ = [
    "CASE_CREATORS",
    "MEMBER_ROLES",
    "add_case_note",
    "add_item_note",
    "add_member",
    "add_tag",
    "can_annotate",
    "check_can_link",
    "check_can_manage",
    "create_case",
    "link_item",
    "link_visible_item",
    "normalize_tag",
    "remove_member",
    "remove_tag",
    "set_status",
    "unlink_item",
    "update_case",
]
