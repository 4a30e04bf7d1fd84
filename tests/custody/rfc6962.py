"""A minimal, independent RFC 6962 / C2SP checkpoint verifier for the tests.

It imports nothing from Evidentia, so a bug shared with the ledger code cannot hide.
"""

from __future__ import annotations

import base64
import hashlib

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey


def _h(*parts: bytes) -> bytes:
    return hashlib.sha256(b"".join(parts)).digest()


def leaf(data: bytes) -> bytes:
    return _h(b"\x00", data)


def root_from_inclusion(index: int, size: int, leaf_hash: bytes, path: list[bytes]) -> bytes:
    """Rebuild the root from a leaf-to-root audit path by RFC 6962's recursive PATH."""
    top_down = list(reversed(path))

    def rebuild(i: int, n: int, rest: list[bytes]) -> bytes:
        if n == 1:
            assert not rest, "audit path too long"
            return leaf_hash
        assert rest, "audit path too short"
        k = 1
        while k * 2 < n:
            k *= 2
        if i < k:
            return _h(b"\x01", rebuild(i, k, rest[1:]), rest[0])
        return _h(b"\x01", rest[0], rebuild(i - k, n - k, rest[1:]))

    return rebuild(index, size, top_down)


def open_checkpoint(note: str, verifier_key: str) -> tuple[str, int, bytes]:
    """Check the note's Ed25519 signature against the verifier key; return its body."""
    name, key_hash_hex, encoded = verifier_key.split("+", 2)
    raw = base64.b64decode(encoded)
    assert raw[0] == 1, "not an Ed25519 verifier key"
    public = Ed25519PublicKey.from_public_bytes(raw[1:])
    expected_hash = hashlib.sha256(name.encode() + b"\n" + raw).digest()[:4]
    assert expected_hash.hex() == key_hash_hex
    body, _, sigs = note.partition("\n\n")
    body += "\n"
    for line in sigs.splitlines():
        dash, signer, blob = line.split(" ")
        sig = base64.b64decode(blob)
        if dash == "\u2014" and signer == name and sig[:4] == expected_hash:
            public.verify(sig[4:], body.encode())  # raises InvalidSignature
            origin, size, root = body.rstrip("\n").split("\n")[:3]
            return origin, int(size), base64.b64decode(root)
    raise AssertionError("no signature by the verifier key")
