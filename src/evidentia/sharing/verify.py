"""Verify an export bag offline: no database, no settings, no network.

Imports only the standard library, `cryptography` and Evidentia's pure modules
(custody.merkle, custody.checkpoint, sharing.bag). docs/export-format.md says in plain
words what each check proves.
"""

from __future__ import annotations

import base64
import hashlib
import json
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

from evidentia.custody import checkpoint as notes
from evidentia.custody import merkle
from evidentia.sharing.bag import BagError, BagReader, read_json_lines, validate

CUSTODY = "data/custody"
EVENTS = f"{CUSTODY}/events.jsonl"
PROOFS = f"{CUSTODY}/proofs.jsonl"
CHECKPOINT = f"{CUSTODY}/checkpoint.txt"
KEY = f"{CUSTODY}/ledger-key.pub"
INDEX = f"{CUSTODY}/export.json"
STATEMENT = f"{CUSTODY}/statement.txt"
REPORT = f"{CUSTODY}/report.pdf"
README = "data/README.txt"
INGESTED = "evidence.ingested"
FORMAT = "evidentia-export/1"


# --------------------------------------------------------------- the statement
# A signed note (c2sp.org/signed-note) by the ledger key over the SHA-256 of export.json,
# which lists every item, its files and hashes, and the sequence numbers of its events.
# Its second line is not a number, so it can never be mistaken for a checkpoint.


def statement_body(origin: str, export_id: str, index_sha256: str) -> str:
    return f"{origin}/export\nexport {export_id}\nsha256 {index_sha256}\n"


def sign_statement(body: str, name: str, key: Ed25519PrivateKey) -> str:
    blob = notes.key_hash(name, key.public_key()) + key.sign(body.encode())
    return f"{body}\n{notes.EM_DASH} {name} {base64.b64encode(blob).decode()}\n"


def open_statement(note: str, name: str, public: Ed25519PublicKey) -> list[str]:
    text, sep, signatures = note.partition("\n\n")
    if not sep:
        raise notes.CheckpointError("the statement has no signature block")
    text += "\n"
    wanted = notes.key_hash(name, public)
    for line in signatures.splitlines():
        parts = line.split(" ")
        if len(parts) != 3 or parts[0] != notes.EM_DASH or parts[1] != name:
            continue
        raw = base64.b64decode(parts[2])
        if raw[:4] != wanted:
            continue
        try:
            public.verify(raw[4:], text.encode())
        except InvalidSignature as exc:
            raise notes.CheckpointError("the statement's signature does not verify") from exc
        return text.split("\n")[:3]
    raise notes.CheckpointError(f"the statement carries no signature by the key {name}")


# ------------------------------------------------------------------- the result


@dataclass
class Result:
    path: str
    problems: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    files: int = 0
    items: int = 0
    events: int = 0
    tree_size: int = 0
    export_id: str = ""
    key: str = ""

    @property
    def ok(self) -> bool:
        return not self.problems

    def as_dict(self) -> dict[str, Any]:
        return asdict(self) | {"ok": self.ok}


def _text(reader: BagReader, name: str, result: Result) -> str | None:
    if not reader.exists(name):
        result.problems.append(f"{name} is missing")
        return None
    return reader.read(name).decode()


def verify_bag(path: str | Path, trusted_key: str | None = None, workers: int = 2) -> Result:
    """Every check; never raises for a bad bag, only lists what is wrong."""
    result = Result(str(path))
    try:
        reader = BagReader(Path(path))
    except (BagError, OSError) as exc:
        result.problems.append(str(exc))
        return result
    try:
        _verify(reader, trusted_key, workers, result)
    finally:
        reader.close()
    return result


def _verify(reader: BagReader, trusted_key: str | None, workers: int, result: Result) -> None:
    digests, problems = validate(reader, workers)
    result.problems += problems
    result.files = len(digests)
    keys = _keys(reader, trusted_key, result)
    if keys is None:
        return
    name, public = keys
    cp = _checkpoint(reader, name, public, result)
    index = _index(reader, name, public, result)
    events = _events(reader, result)
    if cp is None or index is None or events is None:
        return
    result.tree_size = cp.size
    if index.get("tree_size") != cp.size:
        result.problems.append(
            f"export.json names tree size {index.get('tree_size')}, the checkpoint {cp.size}"
        )
    _proofs(reader, events, cp, result)
    _completeness(index, events, result)
    _files(index, events, digests, result)


def _keys(
    reader: BagReader, trusted_key: str | None, result: Result
) -> tuple[str, Ed25519PublicKey] | None:
    text = _text(reader, KEY, result)
    if text is None:
        return None
    try:
        name, public = notes.parse_verifier_key(text)
    except (notes.CheckpointError, ValueError) as exc:
        result.problems.append(f"{KEY}: {exc}")
        return None
    result.key = text.strip()
    if trusted_key is None:
        result.warnings.append(
            "No --key given: the signatures were checked with the key inside the bag. Pin "
            "the agency's key (published at /api/v1/custody/key) to rule out a forged bag."
        )
        return name, public
    try:
        t_name, t_public = notes.parse_verifier_key(trusted_key)
    except (notes.CheckpointError, ValueError) as exc:
        result.problems.append(f"--key: {exc}")
        return None
    if notes.verifier_key(t_name, t_public) != notes.verifier_key(name, public):
        result.problems.append(
            f"{KEY} is not the key you trust: the bag carries {text.strip()}, "
            f"you gave {trusted_key.strip()}"
        )
    result.key = trusted_key.strip()
    return t_name, t_public


def _checkpoint(
    reader: BagReader, name: str, public: Ed25519PublicKey, result: Result
) -> notes.Checkpoint | None:
    text = _text(reader, CHECKPOINT, result)
    if text is None:
        return None
    try:
        return notes.open_note(text, name, public)
    except (notes.CheckpointError, ValueError) as exc:
        result.problems.append(f"{CHECKPOINT}: {exc} (signed by another key, or altered)")
        return None


def _index(
    reader: BagReader, name: str, public: Ed25519PublicKey, result: Result
) -> dict[str, Any] | None:
    if not reader.exists(INDEX):
        result.problems.append(f"{INDEX} is missing")
        return None
    raw = reader.read(INDEX)
    statement = _text(reader, STATEMENT, result)
    try:
        index = json.loads(raw)
    except ValueError:
        result.problems.append(f"{INDEX} is not JSON")
        return None
    result.export_id = str(index.get("export_id", ""))
    result.items = len(index.get("items", []))
    if index.get("format") != FORMAT:
        result.problems.append(f"{INDEX}: unknown format {index.get('format')!r}")
    if statement is not None:
        try:
            lines = open_statement(statement, name, public)
        except (notes.CheckpointError, ValueError) as exc:
            result.problems.append(f"{STATEMENT}: {exc}")
        else:
            want = statement_body(
                str(index.get("origin")), result.export_id, hashlib.sha256(raw).hexdigest()
            ).split("\n")[:3]
            if lines != want:
                result.problems.append(
                    f"{INDEX} is not the list the agency signed in {STATEMENT} "
                    "(an item, file or event was added, removed or changed)"
                )
    return index


def _events(reader: BagReader, result: Result) -> list[tuple[bytes, dict[str, Any]]] | None:
    if not reader.exists(EVENTS):
        result.problems.append(f"{EVENTS} is missing")
        return None
    events: list[tuple[bytes, dict[str, Any]]] = []
    last = -1
    for n, line in enumerate(read_json_lines(reader.read(EVENTS)), 1):
        try:
            body = json.loads(line)
            seq = int(body["seq"])
        except (ValueError, KeyError, TypeError):
            result.problems.append(f"{EVENTS} line {n} is not a ledger event")
            continue
        if seq <= last:
            result.problems.append(f"{EVENTS} line {n}: event #{seq} is out of order")
        last = seq
        events.append((line, body))
    result.events = len(events)
    return events


def _proofs(
    reader: BagReader,
    events: list[tuple[bytes, dict[str, Any]]],
    cp: notes.Checkpoint,
    result: Result,
) -> None:
    if not reader.exists(PROOFS):
        result.problems.append(f"{PROOFS} is missing")
        return
    proofs: dict[int, dict[str, Any]] = {}
    for line in read_json_lines(reader.read(PROOFS)):
        try:
            proof = json.loads(line)
            proofs[int(proof["seq"])] = proof
        except (ValueError, KeyError, TypeError):
            result.problems.append(f"{PROOFS}: a line is not a proof")
    seqs = {int(body["seq"]) for _, body in events}
    for seq in sorted(set(proofs) - seqs):
        result.problems.append(f"{PROOFS} has a proof for event #{seq}, which is not in the bag")
    for line, body in events:
        seq = int(body["seq"])
        proof = proofs.get(seq)
        if proof is None:
            result.problems.append(f"event #{seq} has no inclusion proof in {PROOFS}")
            continue
        try:
            path = [base64.b64decode(h, validate=True) for h in proof["audit_path"]]
            index, size = int(proof["leaf_index"]), int(proof["tree_size"])
        except (ValueError, KeyError, TypeError):
            result.problems.append(f"the proof of event #{seq} is malformed")
            continue
        leaf = merkle.leaf_hash(line)
        if index != seq or size != cp.size:
            result.problems.append(
                f"the proof of event #{seq} is for leaf {index} of a tree of {size}, "
                f"not leaf {seq} of the checkpoint's {cp.size}"
            )
        elif not merkle.verify_inclusion(index, size, leaf, path, cp.root):
            result.problems.append(
                f"event #{seq} is not in the signed ledger: its inclusion proof does not lead "
                "to the checkpoint's root (the event or its proof was changed)"
            )


def _completeness(
    index: dict[str, Any], events: list[tuple[bytes, dict[str, Any]]], result: Result
) -> None:
    """export.json (signed) lists the sequence numbers of every event of every item and
    of the case; the bag must hold exactly those, each under the right owner."""
    owner: dict[int, str] = {}
    for item in index.get("items", []):
        for seq in item.get("events", []):
            owner[int(seq)] = str(item.get("id"))
    for seq in index.get("case_events", []):
        owner[int(seq)] = "case"
    present = {int(body["seq"]): body for _, body in events}
    for seq in sorted(set(owner) - set(present)):
        result.problems.append(
            f"event #{seq} of {_who(owner[seq])} is listed in export.json but missing "
            f"from {EVENTS} (a dropped event)"
        )
    for seq, body in sorted(present.items()):
        if seq not in owner:
            result.problems.append(f"event #{seq} in {EVENTS} is not listed in export.json")
        elif owner[seq] != "case" and str(body.get("item")) != owner[seq]:
            result.problems.append(f"event #{seq} is about {body.get('item')}, not {owner[seq]}")


def _who(owner: str) -> str:
    return "the case" if owner == "case" else f"item {owner}"


def _files(
    index: dict[str, Any],
    events: list[tuple[bytes, dict[str, Any]]],
    digests: dict[str, str],
    result: Result,
) -> None:
    ingested = {
        str(body.get("item")): body.get("detail", {}).get("sha256")
        for _, body in events
        if body.get("kind") == INGESTED
    }
    for item in index.get("items", []):
        item_id = str(item.get("id"))
        recorded = ingested.get(item_id)
        if recorded is None:
            result.problems.append(f"item {item_id}: its ingest event is missing from the bag")
        original = item.get("original")
        if original:
            got = digests.get(original)
            if got is None:
                result.problems.append(f"{original} (item {item_id}) is not in the manifest")
            elif recorded is not None and got != recorded:
                result.problems.append(
                    f"{original}: SHA-256 {got} is not the {recorded} recorded when item "
                    f"{item_id} was ingested (the original was replaced)"
                )
        redacted = item.get("redacted") or {}
        if redacted.get("path"):
            got = digests.get(redacted["path"])
            if got != redacted.get("sha256"):
                result.problems.append(
                    f"{redacted['path']}: SHA-256 {got} is not the {redacted.get('sha256')} "
                    "the agency listed for this redacted copy"
                )
