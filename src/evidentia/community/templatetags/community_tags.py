"""Template helpers for the staff side of the community portal."""

from __future__ import annotations

from typing import Any

from django import template

from evidentia.community.services._common import can_work_queue

register = template.Library()


@register.filter
def works_queue(user: Any) -> bool:
    """Whether the nav shows "Community" (the triage queue) to this user."""
    return bool(getattr(user, "is_authenticated", False) and can_work_queue(user))
