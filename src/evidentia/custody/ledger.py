"""The one door to the custody ledger: append events, sign checkpoints, serve proofs.

Appends lock the single `Head` row, so sequence numbers are gap-free under
concurrent writers: a rolled-back transaction rolls back its number too. Call
`record` inside the same transaction as the change it describes.
"""

from __future__ import annotations

import logging
import time
import uuid
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.db import IntegrityError, connection, transaction
from django.http import HttpRequest
from django.utils import timezone

from evidentia.core.canonical import canonical_json
from evidentia.core.errors import EvidentiaError
from evidentia.custody import checkpoint as notes
from evidentia.custody import merkle
from evidentia.custody.models import Checkpoint, Event, Head, Node
from evidentia.custody.signing import key_name, signing_key

log = logging.getLogger(__name__)
_last_signed = 0.0


class ProofError(EvidentiaError):
    """A proof was asked for that the ledger cannot give (bad index or size)."""


def _actor(actor: Any) -> tuple[dict[str, Any] | None, str]:
    if actor is None:
        return None, ""
    if isinstance(actor, str):
        return {"system": actor}, f"system:{actor}"
    return (
        {"id": actor.pk, "username": actor.get_username(), "role": getattr(actor, "role", "")},
        actor.get_username(),
    )


def client_of(request: HttpRequest | None) -> dict[str, str] | None:
    if request is None:
        return None
    return {
        "ip": request.META.get("REMOTE_ADDR", ""),
        "user_agent": request.META.get("HTTP_USER_AGENT", "")[:300],
    }


def _id(value: Any) -> uuid.UUID | None:
    if value is None:
        return None
    value = getattr(value, "pk", value)
    return value if isinstance(value, uuid.UUID) else uuid.UUID(str(value))


def record(
    kind: str,
    *,
    actor: Any = None,
    request: HttpRequest | None = None,
    item: Any = None,
    case: Any = None,
    outcome: str = "success",
    detail: Mapping[str, Any] | None = None,
    client: Mapping[str, str] | None = None,
) -> Event:
    """Append one event. `actor` is a user, a system name ("fixity"), or None."""
    actor_info, actor_name = _actor(actor)
    item_id, case_id = _id(item), _id(case)
    client = client if client is not None else client_of(request)
    now = timezone.now()
    with transaction.atomic():
        size, peaks = _lock_head()
        payload: dict[str, Any] = {
            "seq": size,
            "time": now,
            "kind": kind,
            "actor": actor_info,
            "outcome": outcome,
            "item": item_id,
            "case": case_id,
            "detail": dict(detail or {}),
        }
        if client:
            payload["client"] = dict(client)
        body = canonical_json(payload)
        event = Event(
            seq=size,
            recorded_at=now,
            kind=kind,
            actor=actor_name,
            outcome=outcome,
            item_id=item_id,
            case_id=case_id,
            body=body.decode(),
            leaf_hash=merkle.leaf_hash(body),
        )
        tree = merkle.CompactRange.unpack(size, peaks)
        created = tree.append(bytes(event.leaf_hash))
        _append(event, created, tree)
        transaction.on_commit(_sign_soon)
    return event


# The append path is plain SQL: it runs once per event, and the ORM's per-query
# overhead was most of its cost (see docs/benchmarks.md).
_EVENT_COLUMNS = (
    "seq",
    "recorded_at",
    "kind",
    "actor",
    "outcome",
    "item_id",
    "case_id",
    "body",
    "leaf_hash",
)


def _table(model: type) -> str:
    return connection.ops.quote_name(model._meta.db_table)  # type: ignore[attr-defined]


def _lock_head() -> tuple[int, bytes]:
    lock = " FOR UPDATE" if connection.features.has_select_for_update else ""
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT size, peaks FROM {_table(Head)} WHERE id = 1{lock}")  # noqa: S608
        row = cursor.fetchone()
    if row is None:
        Head.objects.get_or_create(pk=1)
        return _lock_head()
    return int(row[0]), bytes(row[1])


def _event_fields() -> list[Any]:
    return [f for f in Event._meta.concrete_fields if f.name in _EVENT_COLUMNS]


def _append(
    event: Event, created: list[tuple[merkle.NodeKey, bytes]], tree: merkle.CompactRange
) -> None:
    fields = _event_fields()
    values = [f.get_db_prep_save(getattr(event, f.attname), connection) for f in fields]
    columns = ", ".join(connection.ops.quote_name(f.column) for f in fields)
    marks = ", ".join(["%s"] * len(values))
    with connection.cursor() as cursor:
        cursor.execute(f"INSERT INTO {_table(Event)} ({columns}) VALUES ({marks})", values)  # noqa: S608
        if created:
            cursor.executemany(
                f"INSERT INTO {_table(Node)} ({connection.ops.quote_name('key')}, hash) "  # noqa: S608
                "VALUES (%s, %s)",
                [(Node.make_key(level, index), h) for (level, index), h in created],
            )
        cursor.execute(
            f"UPDATE {_table(Head)} SET size = %s, peaks = %s WHERE id = 1",  # noqa: S608
            [tree.size, tree.pack()],
        )


def _sign_soon() -> None:
    global _last_signed
    if time.monotonic() - _last_signed < settings.CHECKPOINT_MIN_INTERVAL_SECONDS:
        return
    try:
        sign_checkpoint()
    except Exception:  # signing must never undo a committed change; beat retries
        log.exception("could not sign a checkpoint after a write")


def tree_state() -> tuple[int, bytes]:
    head = Head.objects.filter(pk=1).first()
    if head is None:
        return 0, merkle.EMPTY_ROOT
    return head.size, merkle.CompactRange.unpack(head.size, bytes(head.peaks)).root()


def sign_checkpoint() -> Checkpoint | None:
    """Sign the current tree head, unless it is empty or already signed."""
    global _last_signed
    size, root = tree_state()
    if size == 0:
        return None
    existing = Checkpoint.objects.filter(tree_size=size).first()
    if existing:
        return existing
    name = key_name()
    note = notes.sign(str(settings.LEDGER_ORIGIN), size, root, name, signing_key())
    try:
        with transaction.atomic():
            made = Checkpoint.objects.create(
                tree_size=size, root_hash=root, note=note, key_name=name, signed_at=timezone.now()
            )
    except IntegrityError:  # another process signed the same size first
        made = Checkpoint.objects.get(tree_size=size)
    _last_signed = time.monotonic()
    return made


def latest_checkpoint() -> Checkpoint | None:
    return Checkpoint.objects.order_by("-tree_size").first()


def checkpoint_covering(seq: int) -> Checkpoint:
    """The latest checkpoint, signing a fresh one if it does not yet cover `seq`."""
    latest = latest_checkpoint()
    if latest is None or latest.tree_size <= seq:
        latest = sign_checkpoint()
    if latest is None or latest.tree_size <= seq:
        raise ProofError(f"event {seq} is not in the ledger")
    return latest


def _fetch(keys: set[merkle.NodeKey]) -> dict[merkle.NodeKey, bytes]:
    found: dict[merkle.NodeKey, bytes] = {}
    leaves = [index for level, index in keys if level == 0]
    inner = {Node.make_key(level, index): (level, index) for level, index in keys if level}
    for seq, leaf in Event.objects.filter(seq__in=leaves).values_list("seq", "leaf_hash"):
        found[(0, seq)] = bytes(leaf)
    for key, h in Node.objects.filter(key__in=list(inner)).values_list("key", "hash"):
        found[inner[key]] = bytes(h)
    if len(found) != len(keys):
        raise ProofError("the ledger is missing stored hashes; run `evidentia custody verify`")
    return found


@dataclass(frozen=True)
class InclusionProof:
    seq: int
    tree_size: int
    leaf_hash: bytes
    path: list[bytes]
    body: str


def inclusion_proof(seq: int, tree_size: int | None = None) -> InclusionProof:
    size, _ = tree_state()
    tree_size = size if tree_size is None else tree_size
    if not 0 <= seq < tree_size <= size:
        raise ProofError(f"event {seq} is not in a tree of size {tree_size} (ledger size {size})")
    event = Event.objects.get(seq=seq)
    path = merkle.resolve(merkle.inclusion_ranges(seq, tree_size), _fetch)
    return InclusionProof(seq, tree_size, bytes(event.leaf_hash), path, event.body)


def consistency_proof(old: int, new: int) -> list[bytes]:
    size, _ = tree_state()
    if not 0 < old <= new <= size:
        raise ProofError(f"no consistency proof from size {old} to {new} (ledger size {size})")
    if old == new:
        return []
    return merkle.resolve(merkle.consistency_ranges(old, new), _fetch)
