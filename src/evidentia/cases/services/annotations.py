"""Tags and notes on evidence items. Notes are append-only: a correction is a new note."""

from __future__ import annotations

import re

from django.db import transaction
from django.http import HttpRequest

from evidentia.accounts.models import Role, User
from evidentia.cases.models import ItemTag, Note, Tag
from evidentia.cases.searchindex import reindex_item
from evidentia.cases.services.case import clean_note, note_digest
from evidentia.core.errors import PermissionDenied, Rejected
from evidentia.custody import events, ledger
from evidentia.evidence import policy
from evidentia.evidence.models import Item
from evidentia.evidence.services.access import get_item

# Auditors and administrators read metadata but change nothing on evidence.
READ_ONLY_ROLES = {Role.AUDITOR, Role.ADMIN, Role.PROSECUTOR}
TAG_MAX = 60
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")


def can_annotate(user: User, item: Item) -> bool:
    return user.is_active and user.role not in READ_ONLY_ROLES and policy.can_view(user, item)


def normalize_tag(name: str) -> str:
    name = " ".join((name or "").split()).lower()
    if not name:
        raise Rejected("A tag needs a name.")
    if len(name) > TAG_MAX or _CONTROL.search(name):
        raise Rejected(f"A tag is at most {TAG_MAX} printable characters.")
    return name


def _annotatable(user: User, item_id: object) -> Item:
    item = get_item(user, item_id)  # a plain 404 for anything the user cannot see
    if not can_annotate(user, item):
        raise PermissionDenied("Your role may not tag or annotate evidence.")
    return item


def add_tag(
    user: User, item_id: object, name: str, request: HttpRequest | None = None
) -> tuple[ItemTag, bool]:
    """Tag an item; the bool is False when it already had that tag."""
    item = _annotatable(user, item_id)
    name = normalize_tag(name)
    with transaction.atomic():
        tag, _ = Tag.objects.get_or_create(name=name)
        link, created = ItemTag.objects.get_or_create(
            item=item, tag=tag, defaults={"added_by": user}
        )
        if created:
            ledger.record(
                events.ITEM_TAGGED, actor=user, request=request, item=item, detail={"tag": name}
            )
            reindex_item(item)
    return link, created


def remove_tag(user: User, item_id: object, name: str, request: HttpRequest | None = None) -> bool:
    item = _annotatable(user, item_id)
    name = normalize_tag(name)
    with transaction.atomic():
        removed, _ = ItemTag.objects.filter(item=item, tag__name=name).delete()
        if removed:
            ledger.record(
                events.ITEM_UNTAGGED, actor=user, request=request, item=item, detail={"tag": name}
            )
            reindex_item(item)
    return bool(removed)


def add_item_note(
    user: User, item_id: object, text: str, request: HttpRequest | None = None
) -> Note:
    item = _annotatable(user, item_id)
    text = clean_note(text)
    with transaction.atomic():
        note = Note.objects.create(item=item, author=user, text=text)
        ledger.record(
            events.ITEM_NOTE_ADDED,
            actor=user,
            request=request,
            item=item,
            detail={"note": note.pk, "sha256": note_digest(text)},
        )
        reindex_item(item)
    return note
