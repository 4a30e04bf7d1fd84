"""Checkpoints in the C2SP signed-note format (c2sp.org/tlog-checkpoint, c2sp.org/signed-note).

A checkpoint body is three lines: origin, tree size in decimal, base64 root hash.
The note is the body, a blank line, then one line per signature:
"— <key name> <base64(4-byte key hash || Ed25519 signature)>".
"""

from __future__ import annotations

import base64
import hashlib
from dataclasses import dataclass

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import (
    Ed25519PrivateKey,
    Ed25519PublicKey,
)
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat

ED25519_ALG = b"\x01"
EM_DASH = "\u2014"


class CheckpointError(ValueError):
    pass


def raw_public_key(key: Ed25519PublicKey) -> bytes:
    return key.public_bytes(Encoding.Raw, PublicFormat.Raw)


def key_hash(name: str, public: Ed25519PublicKey) -> bytes:
    return hashlib.sha256(name.encode() + b"\n" + ED25519_ALG + raw_public_key(public)).digest()[:4]


def verifier_key(name: str, public: Ed25519PublicKey) -> str:
    """The signed-note verifier key string: name+hexhash+base64(alg||key)."""
    encoded = base64.b64encode(ED25519_ALG + raw_public_key(public)).decode()
    return f"{name}+{key_hash(name, public).hex()}+{encoded}"


def parse_verifier_key(vkey: str) -> tuple[str, Ed25519PublicKey]:
    try:
        name, hash_hex, encoded = vkey.strip().split("+", 2)
        raw = base64.b64decode(encoded, validate=True)
    except ValueError as exc:
        raise CheckpointError("malformed verifier key") from exc
    if raw[:1] != ED25519_ALG or len(raw) != 33:
        raise CheckpointError("verifier key is not an Ed25519 key")
    public = Ed25519PublicKey.from_public_bytes(raw[1:])
    if key_hash(name, public).hex() != hash_hex:
        raise CheckpointError("verifier key hash does not match its key")
    return name, public


def body(origin: str, size: int, root: bytes) -> str:
    return f"{origin}\n{size}\n{base64.b64encode(root).decode()}\n"


def sign(origin: str, size: int, root: bytes, name: str, key: Ed25519PrivateKey) -> str:
    text = body(origin, size, root)
    signature = key.sign(text.encode())
    blob = base64.b64encode(key_hash(name, key.public_key()) + signature).decode()
    return f"{text}\n{EM_DASH} {name} {blob}\n"


@dataclass(frozen=True)
class Checkpoint:
    origin: str
    size: int
    root: bytes


def open_note(note: str, name: str, public: Ed25519PublicKey) -> Checkpoint:
    """Verify the note's signature by the named key and parse its body."""
    text, sep, signatures = note.partition("\n\n")
    if not sep:
        raise CheckpointError("note has no signature block")
    text += "\n"
    wanted = key_hash(name, public)
    for line in signatures.splitlines():
        parts = line.split(" ")
        if len(parts) != 3 or parts[0] != EM_DASH or parts[1] != name:
            continue
        raw = base64.b64decode(parts[2])
        if raw[:4] != wanted:
            continue
        try:
            public.verify(raw[4:], text.encode())
        except InvalidSignature as exc:
            raise CheckpointError("checkpoint signature does not verify") from exc
        return parse_body(text)
    raise CheckpointError(f"checkpoint carries no signature by {name}")


def parse_body(text: str) -> Checkpoint:
    lines = text.split("\n")
    if len(lines) < 4 or not lines[1].isdigit():
        raise CheckpointError("malformed checkpoint body")
    root = base64.b64decode(lines[2], validate=True)
    if len(root) != 32:
        raise CheckpointError("checkpoint root hash is not 32 bytes")
    return Checkpoint(lines[0], int(lines[1]), root)
