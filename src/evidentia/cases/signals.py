"""Item saves rebuild the item's search document in the same transaction, so ingest and
metadata edits keep search current without calling it themselves."""

from __future__ import annotations

from typing import Any

from django.db.models.signals import post_save
from django.dispatch import receiver

from evidentia.cases.searchindex import INDEXED_FIELDS, reindex_item
from evidentia.evidence.models import Item


@receiver(post_save, sender=Item, dispatch_uid="cases.search.item_saved")
def item_saved(
    sender: type[Item], instance: Item, created: bool, raw: bool = False, **kwargs: Any
) -> None:
    if raw:
        return  # fixtures loading rows as they are
    update_fields = kwargs.get("update_fields")
    if created or update_fields is None or INDEXED_FIELDS & set(update_fields):
        reindex_item(instance)
