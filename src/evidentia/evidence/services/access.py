"""Reading evidence: each look at metadata or bytes is checked and logged."""

from __future__ import annotations

from collections.abc import Iterator

from django.db.models import QuerySet
from django.http import HttpRequest

from evidentia.accounts.models import User
from evidentia.core.errors import EvidentiaError, NotFound, PermissionDenied
from evidentia.custody import events, ledger
from evidentia.custody.models import Event
from evidentia.custody.visibility import visible_events
from evidentia.evidence import policy
from evidentia.evidence.models import Item
from evidentia.evidence.vaultio import ref, vault

SEEN_KEY = "evidentia.seen"


class Disposed(EvidentiaError):
    """The item's bytes were destroyed by retention disposition: 410 Gone."""

    status = 410


def check_not_disposed(item: Item) -> None:
    if item.disposed_at is not None:
        raise Disposed(
            f"This item was disposed of on {item.disposed_at:%Y-%m-%d} under its retention "
            f"rule (certificate SHA-256 {item.disposal_certificate}). Its media no longer "
            "exists; its details and custody record remain."
        )


def get_item(user: User, item_id: object) -> Item:
    """The item, if it exists and the user may see it; otherwise a plain 404."""
    try:
        return (
            policy.visible_items(user).select_related("blob", "officer", "category").get(pk=item_id)
        )
    except (Item.DoesNotExist, ValueError) as exc:
        raise NotFound("No such evidence item, or you do not have access to it.") from exc


def view_metadata(user: User, item_id: object, request: HttpRequest | None = None) -> Item:
    """Return the item and log the view, once per user, item and session."""
    item = get_item(user, item_id)
    session = getattr(request, "session", None)
    seen: list[str] = session.get(SEEN_KEY, []) if session is not None else []
    if str(item.pk) not in seen:
        ledger.record(events.METADATA_VIEWED, actor=user, request=request, item=item)
        if session is not None:
            session[SEEN_KEY] = [*seen[-200:], str(item.pk)]
    return item


def custody_events(user: User, item: Item) -> QuerySet[Event]:
    """The ledger events about an item the user may see."""
    if not policy.can_view(user, item):
        raise NotFound("No such evidence item, or you do not have access to it.")
    return visible_events(Event.objects.filter(item_id=item.pk), user).order_by("seq")


def download(
    user: User, item_id: object, request: HttpRequest | None = None
) -> tuple[Item, Iterator[bytes]]:
    item = get_item(user, item_id)
    check_not_disposed(item)
    if not policy.can_download(user, item):
        ledger.record(events.DOWNLOADED, actor=user, request=request, item=item, outcome="denied")
        raise PermissionDenied("Downloading evidence needs the download permission.")
    ledger.record(events.DOWNLOADED, actor=user, request=request, item=item)
    return item, vault().iter_plaintext(ref(item.blob))
