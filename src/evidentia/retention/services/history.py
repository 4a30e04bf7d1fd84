"""A category's rule history, read from the ledger's `retention.policy_changed` events
(what the reader may see of them: custody/visibility.py)."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from evidentia.accounts.models import User
from evidentia.cases.models import Category
from evidentia.custody import events
from evidentia.custody.models import Event
from evidentia.custody.visibility import visible_events


@dataclass(frozen=True)
class Change:
    seq: int
    at: datetime
    who: str
    before: str
    after: str
    note: str


def _who(actor: Any) -> str:
    if not isinstance(actor, dict):
        return "unknown"
    if actor.get("username"):
        return str(actor["username"])
    if actor.get("system"):
        return f"command line ({actor['system']})"
    return "unknown"


def _about(detail: dict[str, Any], category: Category) -> bool:
    # Older events name the category only; newer ones carry its id, which survives a rename.
    if detail.get("category_id") is not None:
        return bool(detail["category_id"] == category.pk)
    return bool(detail.get("category") == category.name)


def rule_history(user: User, category: Category) -> list[Change]:
    """Every change to the category's rule the user may read, newest first. Rule changes
    are few (a handful a year), so reading them all and matching here is cheap."""
    rows = visible_events(Event.objects.filter(kind=events.RETENTION_POLICY_CHANGED), user)
    out = []
    for event in rows.order_by("-seq"):
        body = json.loads(event.body)
        detail = body.get("detail") or {}
        if not _about(detail, category):
            continue
        out.append(
            Change(
                seq=event.seq,
                at=event.recorded_at,
                who=_who(body.get("actor")),
                before=str(detail.get("from", "")),
                after=str(detail.get("to", "")),
                note=str(detail.get("note", "")),
            )
        )
    return out
