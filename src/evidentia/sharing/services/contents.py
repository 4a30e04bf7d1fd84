"""What goes into an export bag besides the media: events, proofs, checkpoint, key,
the signed list of contents, the custody report and the README."""

from __future__ import annotations

import base64
import hashlib
import json
import re
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.db.models import Q
from django.utils import timezone

from evidentia.cases.models import Case
from evidentia.core.canonical import rfc3339
from evidentia.custody import ledger
from evidentia.custody.models import Checkpoint, Event
from evidentia.custody.signing import key_name, signing_key
from evidentia.custody.visibility import outside_restricted
from evidentia.evidence.models import Item
from evidentia.evidence.services import reports
from evidentia.sharing import verify as fmt


def safe_name(title: str) -> str:
    """A file name any operating system and any court's clerk can handle."""
    name = re.sub(r"[^A-Za-z0-9._-]+", "_", title).strip("._")
    return name[:80] or "item"


@dataclass
class Custody:
    checkpoint: Checkpoint
    events: list[Event]
    proofs: list[ledger.InclusionProof]


def gather(items: list[Item], case: Case | None) -> Custody:
    """Every ledger event of the items (and of the case itself), each with an inclusion
    proof to one checkpoint signed now, which covers them all."""
    checkpoint = ledger.sign_checkpoint()
    if checkpoint is None:
        raise ledger.ProofError("the ledger is empty")
    about = Q(item_id__in=[i.pk for i in items])
    if case is not None:
        about |= Q(case_id=case.pk, item_id__isnull=True)
    covered = Event.objects.filter(about, seq__lt=checkpoint.tree_size)
    rows = list(outside_restricted(covered).order_by("seq"))
    proofs = [ledger.inclusion_proof(e.seq, checkpoint.tree_size) for e in rows]
    return Custody(checkpoint, rows, proofs)


def events_jsonl(custody: Custody) -> bytes:
    return b"".join(e.body.encode() + b"\n" for e in custody.events)


def proofs_jsonl(custody: Custody) -> bytes:
    lines = []
    for p in custody.proofs:
        line = {
            "seq": p.seq,
            "leaf_index": p.seq,
            "tree_size": p.tree_size,
            "leaf_hash": base64.b64encode(p.leaf_hash).decode(),
            "audit_path": [base64.b64encode(h).decode() for h in p.path],
        }
        lines.append(json.dumps(line, sort_keys=True, separators=(",", ":")).encode() + b"\n")
    return b"".join(lines)


def index_json(
    export_id: str,
    case: Case | None,
    entries: list[dict[str, Any]],
    custody: Custody,
    redacted: bool,
    left_out: int,
) -> bytes:
    by_item: dict[str, list[int]] = {e["id"]: [] for e in entries}
    case_events: list[int] = []
    for event in custody.events:
        if event.item_id is None:
            case_events.append(event.seq)
        else:
            by_item[str(event.item_id)].append(event.seq)
    index = {
        "format": fmt.FORMAT,
        "export_id": export_id,
        "origin": str(settings.LEDGER_ORIGIN),
        "agency": str(settings.AGENCY_NAME),
        "created": rfc3339(timezone.now()),
        "case": {"id": str(case.pk), "number": case.number, "title": case.title} if case else None,
        "redacted": redacted,
        "tree_size": custody.checkpoint.tree_size,
        "items": [e | {"events": by_item[e["id"]]} for e in entries],
        "case_events": case_events,
        "case_items_left_out": left_out,
    }
    return json.dumps(index, indent=1, sort_keys=True).encode() + b"\n"


def statement(export_id: str, index: bytes) -> str:
    body = fmt.statement_body(
        str(settings.LEDGER_ORIGIN), export_id, hashlib.sha256(index).hexdigest()
    )
    return fmt.sign_statement(body, key_name(), signing_key())


def report_pdf(title: str, by: str, items: list[Item], custody: Custody) -> bytes:
    """The custody report (the same builder as the report pages), its proof tied to the
    bag's own checkpoint."""
    last = custody.proofs[-1] if custody.proofs else None
    return reports.render(title, by, items, custody.events, last, custody.checkpoint.note)


README = """\
EVIDENCE EXPORT {export_id}
{agency}
{scope}
Made {created} by {by}.

WHAT IS IN THIS PACKAGE

This is a BagIt package (RFC 8493). Everything in it is under data/:

  originals/   the recordings exactly as they were ingested{originals_note}
  redacted/    redacted copies made from them{redacted_note}
  credentials/ C2PA content credentials (.c2pa sidecars) for the media above: who
               made the file and what was done to it, bound to its exact bytes
  custody/report.pdf        the chain-of-custody report, for reading
  custody/events.jsonl      every custody-ledger event about these items, one per
                            line, byte for byte as the ledger stores it
  custody/proofs.jsonl      for each event, its Merkle inclusion proof
  custody/checkpoint.txt    the ledger's signed checkpoint (tree size and root hash)
  custody/ledger-key.pub    the public key that signs checkpoints
  custody/export.json       the list of items, files, hashes and event numbers
  custody/statement.txt     the agency's signature over export.json
{missing}
HOW TO CHECK IT

The quick way, on any computer with Evidentia installed (no database needed):

    evidentia verify-export <this folder or zip> --key <the agency's key>

Get the agency's key from the agency itself (for example its published
/api/v1/custody/key), not from this package, so that a forged package cannot
bring its own key. It prints VERIFIED, or names each problem.

By hand, with any tools:

1. Files. Run `bagit.py --validate <folder>` (the Library of Congress bagit
   tool), or check each line of manifest-sha256.txt with `sha256sum -c`. A
   changed, missing or added file fails here.
2. Signature. ledger-key.pub is `name+keyhash+base64(0x01 || Ed25519 key)`.
   checkpoint.txt is a signed note (c2sp.org/tlog-checkpoint): its first three
   lines are the text that was signed; the signature line holds base64 of
   4 bytes of key hash followed by a 64-byte Ed25519 signature over that text.
   statement.txt is signed the same way and names the SHA-256 of export.json.
3. Events. For each line of events.jsonl (without its newline), compute
   leaf = SHA-256(0x00 || line). Combine it with the audit path in proofs.jsonl
   as RFC 9162 section 2.1.3.2 describes; the result must equal the root hash
   on line 3 of checkpoint.txt (base64).
4. Completeness. export.json lists, for every item, the sequence numbers of all
   its events. events.jsonl must hold exactly those events, and proofs.jsonl a
   proof for each. A missing event is a dropped event.
5. Originals. The SHA-256 of each file in originals/ must equal the "sha256" in
   the "detail" of that item's "evidence.ingested" event.

The events that record this export itself ("export.created") are written to
the ledger after the package was sealed, so they are not in it; the agency's
ledger shows them.
"""


def readme(**fields: str) -> bytes:
    return README.format(**fields).encode()
