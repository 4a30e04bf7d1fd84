"""Ingest: every path (CLI, docking-station watcher, API) comes through `ingest`.

The bytes go to the vault in one streaming pass (hash + encrypt + write). Only
then, in one transaction, do the blob row, the item row and the ledger event
appear together, so a crash at any point leaves no evidence row: at worst an
orphan blob, which `evidentia doctor` removes.
"""

from __future__ import annotations

import os
import unicodedata
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, BinaryIO

from django.db import IntegrityError, transaction
from django.http import HttpRequest
from django.utils import timezone

from evidentia.accounts.models import User
from evidentia.cases import services as cases
from evidentia.cases.models import Case, Category
from evidentia.core.errors import PermissionDenied, Rejected
from evidentia.core.vault import WriteResult
from evidentia.custody import events, ledger
from evidentia.evidence import policy
from evidentia.evidence.media import Sniffed, sniff
from evidentia.evidence.models import Blob, Item, Kind, Processing
from evidentia.evidence.vaultio import blob_for, vault

HEAD_BYTES = 64 * 1024


@dataclass
class Submission:
    """What is known about a file besides its bytes."""

    original_name: str
    via: str  # cli | watch | api | demo
    officer: User | None = None
    device_id: str = ""
    case: Case | None = None
    category: Category | None = None
    recorded_at: datetime | None = None
    description: str = ""
    # Where the file came from when not from staff, e.g. {"report": "R7K3…"}: in the ledger.
    source: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class Ingested:
    item: Item
    created: bool  # False when identical content was already evidence


def storable_name(name: str) -> str:
    """The submitted name as metadata: every character kept, but NUL (which PostgreSQL
    text cannot hold) written as the visible escape \\x00."""
    return name.replace("\x00", "\\x00")[:1024]


def safe_title(name: str) -> str:
    """A display title from a submitted name: no path parts, no control characters."""
    base = name.replace("\\", "/").rsplit("/", 1)[-1]
    base = "".join(ch for ch in base if unicodedata.category(ch)[0] != "C").strip(" .")
    return (base or "untitled")[:200]


def _chunks(head: bytes, source: BinaryIO) -> Iterator[bytes]:
    yield head
    while chunk := source.read(8 << 20):
        yield chunk


def _empty(sub: Submission) -> Rejected:
    return Rejected(f"{safe_title(sub.original_name)} is empty (0 bytes); nothing was stored.")


def check_allowed(actor: User | str, sub: Submission) -> None:
    if not isinstance(actor, User):
        return  # system actors (the watcher, demo) act for the agency
    if not policy.can_ingest_for(actor, sub.officer):
        raise PermissionDenied("You may not ingest evidence for another officer.")
    if sub.case is not None:
        cases.check_can_link(actor, sub.case)


def ingest(
    source: BinaryIO,
    sub: Submission,
    *,
    actor: User | str,
    request: HttpRequest | None = None,
    progress: Callable[[int], None] | None = None,
    verify: bool = False,
) -> Ingested:
    """Store `source` as evidence. `actor` is the user doing it, or a system name."""
    check_allowed(actor, sub)
    head = source.read(HEAD_BYTES)
    if not head:
        raise _empty(sub)
    written = vault().write(_chunks(head, source), uuid.uuid4(), progress=progress)
    return finish(written, head, sub, actor=actor, request=request, verify=verify)


def finish(
    written: WriteResult,
    head: bytes,
    sub: Submission,
    *,
    actor: User | str,
    request: HttpRequest | None = None,
    verify: bool = False,
) -> Ingested:
    """Turn a blob just written to the vault into evidence, or remove it."""
    v = vault()
    try:
        check_allowed(actor, sub)
        if written.size == 0:
            raise _empty(sub)
        if verify:
            check = v.verify(written.ref, written.sha256)
            if not check.ok:
                raise Rejected(f"The vault copy did not read back correctly: {check.error}")
        result = _record(written, sniff(head, sub.original_name), sub, actor, request)
    except BaseException:
        v.store.delete(written.storage_key)
        raise
    if result.item.blob_id != written.blob_id:
        v.store.delete(written.storage_key)  # identical content is already in the vault
    return result


def _detail(sub: Submission, written: WriteResult) -> dict[str, Any]:
    return {
        "sha256": written.sha256,
        "size": written.size,
        "original_name": storable_name(sub.original_name),
        "via": sub.via,
        "device_id": sub.device_id,
        "officer": sub.officer.badge_number if sub.officer else "",
    } | ({"source": dict(sub.source)} if sub.source else {})


def _record(
    written: WriteResult,
    sniffed: Sniffed,
    sub: Submission,
    actor: User | str,
    request: HttpRequest | None,
) -> Ingested:
    try:
        return _record_once(written, sniffed, sub, actor, request)
    except IntegrityError:
        # Another ingest of the same bytes committed first: this one becomes a dedupe.
        if not Blob.objects.filter(sha256=written.sha256).exists():
            raise
        return _record_once(written, sniffed, sub, actor, request)


def _record_once(
    written: WriteResult,
    sniffed: Sniffed,
    sub: Submission,
    actor: User | str,
    request: HttpRequest | None,
) -> Ingested:
    with transaction.atomic():
        existing = Blob.objects.filter(sha256=written.sha256).first()
        if existing is not None and existing.destroyed_at is not None:
            raise Rejected(
                "A file with identical content was disposed of under the retention schedule "
                f"on {existing.destroyed_at:%Y-%m-%d}; it cannot be stored again. Ask an "
                "evidence custodian."
            )
        item = existing.items.order_by("ingested_at").first() if existing else None
        # A resident's or witness's file (it has a source) always becomes an item of its
        # own, on the same blob when the bytes are already there: linking it to existing
        # evidence would show that evidence to whoever works their report, or let a
        # submission hide it.
        if item is not None and not sub.source:
            ledger.record(
                events.DEDUPLICATED,
                actor=actor,
                request=request,
                item=item,
                detail=_detail(sub, written),
            )
            if sub.case is not None:
                cases.link_item(sub.case, item, actor=actor, request=request)
            return Ingested(item, created=False)
        blob, shared = blob_for(written, sniffed.mime)
        item = Item.objects.create(
            blob=blob,
            title=safe_title(sub.original_name),
            original_name=storable_name(sub.original_name),
            kind=sniffed.kind if sniffed.kind in Kind.values else Kind.OTHER,
            mime=sniffed.mime,
            officer=sub.officer,
            unit=sub.officer.unit if sub.officer else None,
            device_id=sub.device_id,
            category=sub.category,
            description=sub.description,
            recorded_at=sub.recorded_at,
            ingested_at=timezone.now(),
            ingested_by=actor if isinstance(actor, User) else None,
            source=sub.via,
            processing=Processing.PENDING,
        )
        detail = _detail(sub, written) | {"mime": blob.mime, "recorded_at": sub.recorded_at}
        if shared:
            detail["same_bytes_as_blob"] = str(blob.pk)
        ledger.record(events.INGESTED, actor=actor, request=request, item=item, detail=detail)
        if sub.case is not None:
            cases.link_item(sub.case, item, actor=actor, request=request)
        from evidentia.evidence.tasks import process_item

        transaction.on_commit(lambda: process_item.delay(str(item.pk)))
    return Ingested(item, created=True)


def ingest_path(
    path: str | os.PathLike[str], sub: Submission | None = None, **kwargs: Any
) -> Ingested:
    sub = sub or Submission(original_name=os.path.basename(os.fspath(path)), via="cli")
    with open(path, "rb") as source:
        return ingest(source, sub, **kwargs)
