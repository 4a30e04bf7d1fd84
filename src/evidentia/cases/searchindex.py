"""Keeping the search documents in step with the evidence they describe.

One `SearchDoc` row per item holds its searchable text; the database keeps the
full-text index over those rows (FTS5 triggers on SQLite, a generated tsvector with a
GIN index on PostgreSQL). Call `reindex_item` inside the transaction that changes an
indexed field. Item saves are caught by a `post_save` receiver (`cases/signals.py`),
so ingest and metadata edits need no call of their own.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable
from typing import Any

from django.db import transaction
from django.utils import timezone

from evidentia.cases.models import Case, CaseItem, ItemTag, Note, SearchDoc
from evidentia.evidence.models import Item

# Fields of Item whose change alters its document.
INDEXED_FIELDS = frozenset(
    {"title", "original_name", "description", "officer", "officer_id", "incident_number"}
)
# The snippet markers are control characters, so stored text must never contain them.
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")


def _text(*parts: Any) -> str:
    # The separator keeps snippets readable; neither index treats it as a word.
    return _CONTROL.sub(" ", " · ".join(str(p) for p in parts if p))


def _officer_words(item: Item) -> list[str]:
    officer = item.officer
    if officer is None:
        return []
    return [officer.get_full_name(), officer.get_username(), officer.badge_number]


def build_doc(
    item: Item, tags: Iterable[str], cases: Iterable[Case], notes: Iterable[str]
) -> SearchDoc:
    cases = list(cases)
    title = item.title if item.original_name in item.title else f"{item.title} {item.original_name}"
    keys = [
        *tags,
        item.incident_number,
        *(c.number for c in cases),
        *(c.incident_number for c in cases),
    ]
    return SearchDoc(
        item_id=item.pk,
        title=_text(title),
        keys=_text(*keys, *_officer_words(item)),
        body=_text(item.description, *(c.title for c in cases), *notes),
        updated_at=timezone.now(),
    )


def reindex_item(item: Item) -> SearchDoc:
    """Rebuild one item's document. Case notes stay out: someone who may see an item
    need not be able to read the notes of every case it is in."""
    doc = build_doc(
        item,
        ItemTag.objects.filter(item_id=item.pk).values_list("tag__name", flat=True),
        Case.objects.filter(caseitem__item_id=item.pk),
        Note.objects.filter(item_id=item.pk).values_list("text", flat=True),
    )
    fields = {f: getattr(doc, f) for f in ("title", "keys", "body", "updated_at")}
    with transaction.atomic():
        doc, _ = SearchDoc.objects.update_or_create(item_id=item.pk, defaults=fields)
    return doc


def reindex_case(case: Case) -> int:
    """Rebuild the documents of every item in a case (its number or title changed)."""
    items = Item.objects.filter(caseitem__case=case).select_related("officer")
    count = 0
    for item in items.iterator(chunk_size=500):
        reindex_item(item)
        count += 1
    return count


def rebuild(items: Iterable[Item] | None = None, batch: int = 2000) -> int:
    """Rebuild documents in bulk (the `search_reindex` command, benchmarks, repairs)."""
    source = (
        items
        if items is not None
        else Item.objects.select_related("officer").iterator(chunk_size=batch)
    )
    count = 0
    chunk: list[Item] = []
    for item in source:
        chunk.append(item)
        if len(chunk) >= batch:
            count += _rebuild_chunk(chunk)
            chunk = []
    if chunk:
        count += _rebuild_chunk(chunk)
    return count


def _rebuild_chunk(items: list[Item]) -> int:
    ids = [i.pk for i in items]
    tags: dict[Any, list[str]] = defaultdict(list)
    for item_id, name in ItemTag.objects.filter(item_id__in=ids).values_list(
        "item_id", "tag__name"
    ):
        tags[item_id].append(name)
    cases: dict[Any, list[Case]] = defaultdict(list)
    for link in CaseItem.objects.filter(item_id__in=ids).select_related("case"):
        cases[link.item_id].append(link.case)
    notes: dict[Any, list[str]] = defaultdict(list)
    for item_id, text in Note.objects.filter(item_id__in=ids).values_list("item_id", "text"):
        notes[item_id].append(text)
    docs = [build_doc(i, tags[i.pk], cases[i.pk], notes[i.pk]) for i in items]
    with transaction.atomic():
        SearchDoc.objects.filter(item_id__in=ids).delete()
        SearchDoc.objects.bulk_create(docs)
    return len(docs)
