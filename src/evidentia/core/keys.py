"""Key-encryption keys (KEKs) and the custody-ledger signing key.

A :class:`KeyRing` holds the agency's KEKs. Exactly one is *current* and wraps
new data keys; the others remain available to unwrap data keys of older blobs
after a rotation. Each KEK is named by its id: the first 16 hex characters of
SHA-256 of the raw 32-byte key.

Key-file format (UTF-8 text, see docs/vault-format.md)::

    # evidentia key ring v1
    <id> <base64 of the 32-byte key> current
    <id> <base64 of the 32-byte key>

Blank lines and lines starting with ``#`` are ignored. Exactly one line carries
the ``current`` flag. The id is checked against the key on load, so a damaged
key file is rejected instead of silently producing wrong keys.

Pure Python: no Django imports.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import os
import secrets
from collections.abc import Iterable
from pathlib import Path

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from cryptography.hazmat.primitives.keywrap import (
    InvalidUnwrap,
    aes_key_unwrap,
    aes_key_wrap,
)

__all__ = [
    "KEK_SIZE",
    "KeyFileError",
    "KeyRing",
    "VaultError",
    "WrongKeyError",
    "generate_kek",
    "kek_id_of",
    "load_or_create_signing_key",
    "write_private_file",
]

KEK_SIZE = 32
KEY_FILE_HEADER = "# evidentia key ring v1"
_ID_LEN = 16


class VaultError(Exception):
    """Base class of every vault error (keys, format, integrity)."""


class WrongKeyError(VaultError):
    """A data key cannot be unwrapped with the loaded key ring."""


class KeyFileError(VaultError):
    """A key file is malformed."""


def generate_kek() -> bytes:
    """Return a fresh random 256-bit key-encryption key."""
    return secrets.token_bytes(KEK_SIZE)


def kek_id_of(key: bytes) -> str:
    """The short public id of a KEK: first 16 hex chars of SHA-256(key)."""
    return hashlib.sha256(key).hexdigest()[:_ID_LEN]


def _check_kek(key: bytes) -> bytes:
    if not isinstance(key, bytes | bytearray) or len(key) != KEK_SIZE:
        raise KeyFileError(f"a KEK must be exactly {KEK_SIZE} bytes")
    return bytes(key)


class KeyRing:
    """An ordered set of KEKs, one of which is current."""

    def __init__(self, keys: Iterable[bytes], current_id: str | None = None) -> None:
        self._keys: dict[str, bytes] = {}
        for key in keys:
            self._keys[kek_id_of(_check_kek(key))] = bytes(key)
        if not self._keys:
            raise KeyFileError("a key ring needs at least one KEK")
        if current_id is None:
            current_id = next(reversed(self._keys))
        if current_id not in self._keys:
            raise KeyFileError(f"current KEK {current_id} is not in the key ring")
        self._current = current_id

    # -- construction -------------------------------------------------------

    @classmethod
    def generate(cls) -> KeyRing:
        """A new key ring holding one freshly generated KEK."""
        return cls([generate_kek()])

    @classmethod
    def from_bytes(cls, data: bytes) -> KeyRing:
        """Build a key ring from a raw 32-byte KEK or from key-file content."""
        if len(data) == KEK_SIZE:
            return cls([bytes(data)])
        try:
            text = bytes(data).decode("utf-8")
        except UnicodeDecodeError as exc:
            raise KeyFileError("key data is neither a 32-byte key nor a key file") from exc
        return cls.from_text(text)

    @classmethod
    def from_text(cls, text: str) -> KeyRing:
        """Parse the key-file format documented in the module docstring."""
        keys: list[bytes] = []
        current: str | None = None
        for lineno, raw in enumerate(text.splitlines(), start=1):
            line = raw.strip()
            if not line or line.startswith("#"):
                continue
            parts = line.split()
            if len(parts) not in (2, 3) or (len(parts) == 3 and parts[2] != "current"):
                raise KeyFileError(f"key file line {lineno}: expected '<id> <base64key> [current]'")
            try:
                key = base64.b64decode(parts[1], validate=True)
            except (binascii.Error, ValueError) as exc:
                raise KeyFileError(f"key file line {lineno}: key is not valid base64") from exc
            if len(key) != KEK_SIZE:
                raise KeyFileError(f"key file line {lineno}: key is not {KEK_SIZE} bytes")
            if kek_id_of(key) != parts[0].lower():
                raise KeyFileError(
                    f"key file line {lineno}: id {parts[0]} does not match the key "
                    f"(expected {kek_id_of(key)}); the key file is damaged"
                )
            keys.append(key)
            if len(parts) == 3:
                if current is not None:
                    raise KeyFileError("key file marks more than one key as current")
                current = parts[0].lower()
        if not keys:
            raise KeyFileError("key file holds no keys")
        if current is None:
            raise KeyFileError("key file marks no key as current")
        return cls(keys, current)

    @classmethod
    def load(cls, path: str | os.PathLike[str]) -> KeyRing:
        return cls.from_bytes(Path(path).read_bytes())

    # -- persistence --------------------------------------------------------

    def to_text(self) -> str:
        lines = [KEY_FILE_HEADER]
        for kid, key in self._keys.items():
            flag = " current" if kid == self._current else ""
            lines.append(f"{kid} {base64.b64encode(key).decode('ascii')}{flag}")
        return "\n".join(lines) + "\n"

    def save(self, path: str | os.PathLike[str]) -> None:
        """Atomically (re)write the key file with mode 0600."""
        write_private_file(Path(path), self.to_text().encode("utf-8"))

    # -- use ----------------------------------------------------------------

    @property
    def current_id(self) -> str:
        return self._current

    @property
    def ids(self) -> list[str]:
        """All KEK ids, oldest first."""
        return list(self._keys)

    def __contains__(self, kek_id: object) -> bool:
        return kek_id in self._keys

    def __len__(self) -> int:
        return len(self._keys)

    def __repr__(self) -> str:  # never print key material
        return f"<KeyRing current={self._current} ids={self.ids}>"

    def add(self, key: bytes, *, make_current: bool = False) -> str:
        """Import an existing KEK; returns its id."""
        kid = kek_id_of(_check_kek(key))
        self._keys[kid] = bytes(key)
        if make_current:
            self._current = kid
        return kid

    def rotate(self) -> str:
        """Add a new KEK and make it current (call :meth:`save` afterwards)."""
        return self.add(generate_kek(), make_current=True)

    def wrap(self, dek: bytes) -> tuple[str, bytes]:
        """Wrap a data key with the current KEK (AES key wrap, RFC 3394)."""
        return self._current, aes_key_wrap(self._keys[self._current], bytes(dek))

    def unwrap(self, kek_id: str, wrapped: bytes) -> bytes:
        key = self._keys.get(kek_id)
        if key is None:
            raise WrongKeyError(
                f"this blob's data key was wrapped by KEK {kek_id}; the loaded key ring "
                f"does not hold it (it holds {', '.join(self._keys)})"
            )
        try:
            return aes_key_unwrap(key, bytes(wrapped))
        except InvalidUnwrap as exc:
            raise WrongKeyError(
                f"this blob's data key was wrapped by KEK {kek_id}; the key does not match "
                "(wrapped key damaged, or recorded under the wrong KEK id)"
            ) from exc


def write_private_file(path: Path, data: bytes, *, exclusive: bool = False) -> None:
    """Write ``data`` to ``path`` atomically with mode 0600.

    The temp file is created 0600 from the start (O_EXCL, then fchmod in case of
    an odd umask), so no world-readable copy ever exists. With ``exclusive`` the
    final step is ``link`` (fails if ``path`` exists: FileExistsError) rather than
    ``replace``.
    """
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.{secrets.token_hex(6)}.tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    try:
        try:
            os.fchmod(fd, 0o600)
            view = memoryview(data)
            while view:
                view = view[os.write(fd, view) :]
            os.fsync(fd)
        finally:
            os.close(fd)
        if exclusive:
            os.link(tmp, path)
        else:
            os.replace(tmp, path)
    finally:
        if tmp.exists():
            tmp.unlink()
    dir_fd = os.open(path.parent, os.O_RDONLY)
    try:
        os.fsync(dir_fd)
    finally:
        os.close(dir_fd)


def load_or_create_signing_key(path: str | os.PathLike[str]) -> Ed25519PrivateKey:
    """Load the Ed25519 signing key at ``path``, creating it (PKCS#8 PEM, 0600) if absent.

    Accepts an existing PEM file or a raw 32-byte private key. Creation is
    race-safe: if two processes create at once, both end up with the winner's key.
    """
    p = Path(path)
    if not p.exists():
        key = Ed25519PrivateKey.generate()
        pem = key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
        try:
            write_private_file(p, pem, exclusive=True)
            return key
        except FileExistsError:
            pass
    data = p.read_bytes()
    if len(data) == 32:
        return Ed25519PrivateKey.from_private_bytes(data)
    loaded = serialization.load_pem_private_key(data, password=None)
    if not isinstance(loaded, Ed25519PrivateKey):
        raise KeyFileError(f"{p} does not hold an Ed25519 private key")
    return loaded
