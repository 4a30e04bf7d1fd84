"""Custody API: the signed checkpoint is public; proofs and events need a signed-in user."""

from __future__ import annotations

import base64
import json
import uuid
from typing import Any

from django.http import HttpRequest
from ninja import Router, Schema

from evidentia.accounts.auth import ApiAuth, signed_in_user
from evidentia.accounts.models import Role
from evidentia.core.errors import NotFound, PermissionDenied
from evidentia.custody import ledger
from evidentia.custody.models import Event
from evidentia.custody.signing import public_verifier_key
from evidentia.custody.visibility import may_read, visible_events

router = Router(tags=["custody"])
custody_read = ApiAuth("custody:read")


def b64(data: bytes) -> str:
    return base64.b64encode(data).decode()


class CheckpointOut(Schema):
    origin: str
    tree_size: int
    root_hash: str
    note: str
    verifier_key: str


class InclusionOut(Schema):
    seq: int
    tree_size: int
    leaf_hash: str
    audit_path: list[str]
    event: dict[str, Any]
    event_json: str


class ConsistencyOut(Schema):
    first: int
    second: int
    proof: list[str]


class EventOut(Schema):
    seq: int
    kind: str
    actor: str
    outcome: str
    recorded_at: str
    event: dict[str, Any]


@router.get("checkpoint", response=CheckpointOut, auth=None)
def checkpoint(request: HttpRequest) -> dict[str, Any]:
    """The latest signed checkpoint (C2SP tlog-checkpoint). Public, so anyone can hold
    the agency to its log."""
    cp = ledger.latest_checkpoint() or ledger.sign_checkpoint()
    if cp is None:
        raise NotFound("The ledger is empty; nothing is signed yet.")
    return {
        "origin": cp.note.split("\n", 1)[0],
        "tree_size": cp.tree_size,
        "root_hash": b64(bytes(cp.root_hash)),
        "note": cp.note,
        "verifier_key": public_verifier_key(),
    }


@router.get("key", auth=None)
def verifier_key(request: HttpRequest) -> dict[str, str]:
    """The signed-note verifier key for checkpoints: name+keyhash+base64(0x01||Ed25519)."""
    return {"verifier_key": public_verifier_key()}


@router.get("proof/inclusion", response=InclusionOut, auth=custody_read)
def inclusion(request: HttpRequest, seq: int, tree_size: int | None = None) -> dict[str, Any]:
    if tree_size is None:
        tree_size = ledger.checkpoint_covering(seq).tree_size
    proof = ledger.inclusion_proof(seq, tree_size)
    _check_event_access(request, Event.objects.get(seq=seq))
    return {
        "seq": proof.seq,
        "tree_size": proof.tree_size,
        "leaf_hash": b64(proof.leaf_hash),
        "audit_path": [b64(h) for h in proof.path],
        "event": json.loads(proof.body),
        "event_json": proof.body,
    }


@router.get("proof/consistency", response=ConsistencyOut, auth=custody_read)
def consistency(request: HttpRequest, first: int, second: int) -> dict[str, Any]:
    proof = ledger.consistency_proof(first, second)
    return {"first": first, "second": second, "proof": [b64(h) for h in proof]}


@router.get("events", response=list[EventOut], auth=custody_read)
def event_list(
    request: HttpRequest, item: uuid.UUID | None = None, case: uuid.UUID | None = None
) -> list[dict[str, Any]]:
    """Events about one evidence item, or about one case and the items in it."""
    from evidentia.cases.policy import visible_case
    from evidentia.evidence.services.access import custody_events, get_item

    user = signed_in_user(request)
    if item is not None and case is None:
        rows = custody_events(user, get_item(user, item))
    elif case is not None and item is None:
        found = visible_case(user, case)
        item_ids = list(found.items.values_list("pk", flat=True))
        rows = Event.objects.filter(case_id=found.pk) | Event.objects.filter(item_id__in=item_ids)
        rows = visible_events(rows, user).order_by("seq")
    else:
        raise NotFound("Ask for the events of one item (?item=) or one case (?case=).")
    return [_event_out(e) for e in rows[:5000]]


def _event_out(e: Event) -> dict[str, Any]:
    return {
        "seq": e.seq,
        "kind": e.kind,
        "actor": e.actor,
        "outcome": e.outcome,
        "recorded_at": e.recorded_at.isoformat().replace("+00:00", "Z"),
        "event": json.loads(e.body),
    }


def _check_event_access(request: HttpRequest, event: Event) -> None:
    """Auditors may prove any event outside restricted matters; others only events
    about what they can see. A restricted event reads as missing (404), not refused."""
    from evidentia.evidence.policy import visible_items

    user = signed_in_user(request)
    if not may_read(user, event):
        raise NotFound("No such event.")
    if user.role in (Role.AUDITOR, Role.ADMIN, Role.CUSTODIAN):
        return
    if event.item_id and visible_items(user).filter(pk=event.item_id).exists():
        return
    if event.actor == user.get_username():
        return
    raise PermissionDenied("You may not see this event.")
