"""Recompute the ledger from its rows and hold it to the signed checkpoints.

Checks, in one streaming pass:
- sequence numbers run 0..n-1 with no gap (a deleted or renumbered row);
- each body names its own sequence number and matches its index columns;
- each leaf hash is SHA-256(0x00 || body) (an edited row);
- the Merkle root recomputed from the bodies equals every signed checkpoint root
  (catches rewrites that also forged the stored leaf hashes) and the head row.
The first failing sequence number is reported. If an attacker rewrote a body and
its stored leaf hash alike, only the checkpoints can tell, and the report names the
first sequence number after the last checkpoint that still verifies.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey
from django.db import connection

from evidentia.custody import checkpoint as notes
from evidentia.custody import merkle
from evidentia.custody.models import Checkpoint, Event, Head

BATCH = 20_000


@dataclass
class Report:
    events: int = 0
    checkpoints: int = 0
    first_bad_seq: int | None = None
    problems: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems

    def fail(self, seq: int | None, message: str) -> None:
        if seq is not None and (self.first_bad_seq is None or seq < self.first_bad_seq):
            self.first_bad_seq = seq
        self.problems.append(message)


def _rows() -> Iterator[tuple[int, str, bytes, str, str, str | None]]:
    table = connection.ops.quote_name(Event._meta.db_table)
    last = -1
    while True:
        with connection.cursor() as cursor:
            cursor.execute(
                f"SELECT seq, body, leaf_hash, kind, actor, item_id FROM {table} "  # noqa: S608
                "WHERE seq > %s ORDER BY seq LIMIT %s",
                [last, BATCH],
            )
            rows = cursor.fetchall()
        if not rows:
            return
        yield from rows
        last = rows[-1][0]


def _checkpoints(keys: dict[str, Ed25519PublicKey], report: Report) -> list[tuple[int, bytes]]:
    good: list[tuple[int, bytes]] = []
    for cp in Checkpoint.objects.order_by("tree_size"):
        public = keys.get(cp.key_name)
        if public is None:
            report.fail(None, f"checkpoint at size {cp.tree_size} is signed by an unknown key")
            continue
        try:
            opened = notes.open_note(cp.note, cp.key_name, public)
        except notes.CheckpointError as exc:
            report.fail(None, f"checkpoint at size {cp.tree_size}: {exc}")
            continue
        good.append((opened.size, opened.root))
    report.checkpoints = len(good)
    return good


def _same_uuid(column: str | None, value: str | None) -> bool:
    if column is None or value is None:
        return column is None and value is None
    return str(column).replace("-", "") == value.replace("-", "")


def verify(
    keys: dict[str, Ed25519PublicKey], progress: Callable[[int], None] | None = None
) -> Report:
    report = Report()
    checkpoints = _checkpoints(keys, report)
    pending = iter(checkpoints)
    next_cp = next(pending, None)
    last_good_size = 0
    tree = merkle.CompactRange()
    expected = 0
    for seq, body, stored_leaf, kind, actor, item_id in _rows():
        if seq != expected:
            report.fail(expected, f"events {expected}..{seq - 1} are missing")
            break
        leaf = merkle.leaf_hash(body.encode())
        if leaf != bytes(stored_leaf):
            report.fail(seq, f"event {seq} was changed after it was written (leaf hash)")
        else:
            try:
                data = json.loads(body)
            except ValueError:
                data = {}
            actor_info = data.get("actor") or {}
            name = actor_info.get("username") or (
                f"system:{actor_info['system']}" if "system" in actor_info else ""
            )
            if (
                data.get("seq") != seq
                or data.get("kind") != kind
                or name != actor
                or not _same_uuid(item_id, data.get("item"))
            ):
                report.fail(seq, f"event {seq} does not match its own record (moved or edited)")
        tree.append(leaf)
        expected += 1
        while next_cp is not None and next_cp[0] == tree.size:
            if tree.root() == next_cp[1]:
                last_good_size = tree.size
            else:
                report.fail(
                    last_good_size,
                    f"the ledger no longer matches the checkpoint signed at size {tree.size}",
                )
            next_cp = next(pending, None)
        if progress and expected % BATCH == 0:
            progress(expected)
        if report.first_bad_seq is not None and report.first_bad_seq < seq:
            break
    report.events = expected
    if next_cp is not None and report.first_bad_seq is None:
        report.fail(expected, f"a checkpoint covers {next_cp[0]} events but only {expected} exist")
    head = Head.objects.filter(pk=1).first()
    if report.first_bad_seq is None and head is not None:
        packed = merkle.CompactRange.unpack(head.size, bytes(head.peaks))
        if head.size != expected or packed.root() != tree.root():
            report.fail(min(head.size, expected), "the ledger head does not match its events")
    return report
