"""Segmented AES-256-GCM blob format ("EVB1"); see docs/vault-format.md.

Layout: a fixed 96-byte header, then ciphertext segments. Every segment but the
last holds exactly ``segment_size`` plaintext bytes and is ``segment_size + 16``
bytes on disk, so segment ``i`` starts at ``HEADER_SIZE + i * (segment_size + 16)``.

Each segment is sealed with the blob's own data key (DEK) under

    nonce = SHA-256(b"evidentia/evb1/nonce" || blob_id)[:7] || u32be(i) || final
    aad   = header[0:32]   (magic, version, wrap alg, header size, segment size, blob id)

where ``final`` is 0x01 for the last segment and 0x00 otherwise (the STREAM
construction). A segment moved to another position, copied from another blob
(even one sharing the DEK), or a stream cut at a segment boundary all fail
authentication. An empty plaintext is one final segment holding only a tag.

Pure Python: no Django imports.
"""

from __future__ import annotations

import hashlib
import secrets
import struct
import uuid
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from .keys import VaultError, WrongKeyError

__all__ = [
    "DEFAULT_SEGMENT_SIZE",
    "DEK_SIZE",
    "HEADER_SIZE",
    "MAGIC",
    "TAG_SIZE",
    "FormatError",
    "Header",
    "SegmentCipher",
    "TamperedError",
    "TruncatedError",
    "VaultError",
    "WrongKeyError",
    "ciphertext_size",
    "decrypt_blob",
    "encrypt_stream",
    "generate_dek",
    "plaintext_size_from_ciphertext_size",
    "segment_count",
    "segment_offset",
]

MAGIC = b"EVB1"
VERSION = 1
WRAP_AES_KW = 1  # RFC 3394 AES key wrap with a 256-bit KEK
HEADER_SIZE = 96
AAD_SIZE = 32
TAG_SIZE = 16
DEK_SIZE = 32
WRAPPED_DEK_SIZE = DEK_SIZE + 8
DEFAULT_SEGMENT_SIZE = 1 << 20
MIN_SEGMENT_SIZE = 1
MAX_SEGMENT_SIZE = 1 << 30
MAX_SEGMENTS = 1 << 32

# magic, version, wrap alg, header size, segment size, reserved, blob id
_AAD_STRUCT = struct.Struct(">4sBBHII16s")
# kek id (16 ASCII hex), wrapped key length, reserved, wrapped key (40)
_KEY_STRUCT = struct.Struct(">16sB7s40s")
assert _AAD_STRUCT.size == AAD_SIZE
assert AAD_SIZE + _KEY_STRUCT.size == HEADER_SIZE


class FormatError(VaultError):
    """The blob header is not a valid EVB1 header."""


class TamperedError(VaultError):
    """A segment failed authentication: the stored ciphertext was altered."""

    def __init__(self, message: str, segment: int | None = None) -> None:
        super().__init__(message)
        self.segment = segment


class TruncatedError(VaultError):
    """The blob ends early: trailing bytes or whole segments are missing."""


def generate_dek() -> bytes:
    """A fresh random 256-bit data-encryption key."""
    return secrets.token_bytes(DEK_SIZE)


def _check_segment_size(segment_size: int) -> int:
    if not MIN_SEGMENT_SIZE <= segment_size <= MAX_SEGMENT_SIZE:
        raise ValueError(f"segment size must be in [{MIN_SEGMENT_SIZE}, {MAX_SEGMENT_SIZE}]")
    return segment_size


@dataclass(frozen=True)
class Header:
    blob_id: uuid.UUID
    segment_size: int
    kek_id: str
    wrapped_key: bytes

    def aad(self) -> bytes:
        """The header prefix every segment is bound to."""
        _check_segment_size(self.segment_size)
        return _AAD_STRUCT.pack(
            MAGIC, VERSION, WRAP_AES_KW, HEADER_SIZE, self.segment_size, 0, self.blob_id.bytes
        )

    def pack(self) -> bytes:
        kid = self.kek_id.encode("ascii")
        if len(kid) != 16 or len(self.wrapped_key) != WRAPPED_DEK_SIZE:
            raise ValueError("kek id must be 16 chars and the wrapped key 40 bytes")
        return self.aad() + _KEY_STRUCT.pack(
            kid, len(self.wrapped_key), b"\0" * 7, self.wrapped_key
        )

    @classmethod
    def unpack(cls, data: bytes) -> Header:
        if len(data) < HEADER_SIZE:
            raise TruncatedError(f"blob is {len(data)} bytes, shorter than its header")
        magic, version, wrap_alg, hsize, seg, _res, bid = _AAD_STRUCT.unpack_from(data)
        if magic != MAGIC:
            raise FormatError(f"not an evidentia vault blob (magic {magic!r})")
        if version != VERSION or wrap_alg != WRAP_AES_KW or hsize != HEADER_SIZE:
            raise FormatError(
                f"unsupported blob format version={version} wrap={wrap_alg} header={hsize}"
            )
        kid, wlen, _pad, wrapped = _KEY_STRUCT.unpack_from(data, AAD_SIZE)
        if wlen != WRAPPED_DEK_SIZE:
            raise FormatError(f"unsupported wrapped key length {wlen}")
        try:
            kek_id = kid.decode("ascii")
            _check_segment_size(seg)
        except (UnicodeDecodeError, ValueError) as exc:
            raise FormatError(f"corrupt blob header: {exc}") from exc
        return cls(uuid.UUID(bytes=bid), seg, kek_id, wrapped)


def segment_count(plaintext_size: int, segment_size: int) -> int:
    """Number of segments for a plaintext (an empty plaintext still has one)."""
    return max(1, -(-plaintext_size // segment_size))


def segment_offset(index: int, segment_size: int) -> int:
    """Byte offset of ciphertext segment ``index`` within the blob."""
    return HEADER_SIZE + index * (segment_size + TAG_SIZE)


def ciphertext_size(plaintext_size: int, segment_size: int) -> int:
    """Total blob size (header included) for a plaintext of the given size."""
    return HEADER_SIZE + plaintext_size + TAG_SIZE * segment_count(plaintext_size, segment_size)


def plaintext_size_from_ciphertext_size(blob_size: int, segment_size: int) -> int:
    """Inverse of :func:`ciphertext_size`; raises TruncatedError for impossible sizes."""
    body = blob_size - HEADER_SIZE
    if body < TAG_SIZE:
        raise TruncatedError(f"blob is {blob_size} bytes: too short to hold a segment")
    full, rest = divmod(body, segment_size + TAG_SIZE)
    if rest == 0:
        return full * segment_size
    if rest < TAG_SIZE:
        raise TruncatedError(
            f"blob is {blob_size} bytes: segment {full} is cut short ({rest} bytes)"
        )
    return full * segment_size + rest - TAG_SIZE


class SegmentCipher:
    """Seals and opens the segments of one blob."""

    def __init__(self, dek: bytes, blob_id: uuid.UUID, segment_size: int) -> None:
        if len(dek) != DEK_SIZE:
            raise ValueError(f"a data key must be {DEK_SIZE} bytes")
        self.blob_id = blob_id
        self.segment_size = _check_segment_size(segment_size)
        self._aead = AESGCM(bytes(dek))
        self._aad = Header(blob_id, segment_size, "0" * 16, b"\0" * WRAPPED_DEK_SIZE).aad()
        self._prefix = hashlib.sha256(b"evidentia/evb1/nonce" + blob_id.bytes).digest()[:7]

    def nonce(self, index: int, final: bool) -> bytes:
        if not 0 <= index < MAX_SEGMENTS:
            raise ValueError("segment index out of range")
        return self._prefix + index.to_bytes(4, "big") + (b"\x01" if final else b"\x00")

    def encrypt(self, index: int, final: bool, plaintext: bytes | memoryview) -> bytes:
        self._check_len(len(plaintext), final)
        return self._aead.encrypt(self.nonce(index, final), plaintext, self._aad)

    def encrypt_into(
        self, index: int, final: bool, plaintext: bytes | memoryview, out: memoryview
    ) -> None:
        """Encrypt into ``out``, which must be exactly ``len(plaintext) + 16`` bytes."""
        self._check_len(len(plaintext), final)
        self._aead.encrypt_into(self.nonce(index, final), plaintext, self._aad, out)

    def decrypt(self, index: int, final: bool, ciphertext: bytes | memoryview) -> bytes:
        """Open segment ``index``; ``final`` says whether the layout makes it the last one.

        On failure the other flag is tried too, only to give a precise error: a
        last segment that is not flagged final means segments were cut off.
        """
        try:
            return self._aead.decrypt(self.nonce(index, final), ciphertext, self._aad)
        except InvalidTag:
            pass
        try:
            self._aead.decrypt(self.nonce(index, not final), ciphertext, self._aad)
        except InvalidTag:
            raise TamperedError(
                f"segment {index} of blob {self.blob_id} failed authentication: "
                "the ciphertext was altered, reordered or copied from another blob",
                segment=index,
            ) from None
        if final:
            raise TruncatedError(
                f"blob {self.blob_id} ends after segment {index}, which is not its final "
                "segment: later segments were removed"
            )
        raise TamperedError(
            f"segment {index} of blob {self.blob_id} is flagged final but more data follows",
            segment=index,
        )

    def _check_len(self, n: int, final: bool) -> None:
        if n > self.segment_size or (not final and n != self.segment_size):
            raise ValueError("only the final segment may be shorter than the segment size")


def encrypt_stream(
    chunks: Iterable[bytes], cipher: SegmentCipher, *, start_index: int = 0
) -> Iterator[bytes]:
    """Yield ciphertext segments for plaintext arriving in arbitrary chunks.

    Simple reference implementation (the vault uses a faster pipelined path
    with the same output). One full segment is held back until it is known
    whether more data follows, so the last one gets the final flag.
    """
    seg = cipher.segment_size
    buf = bytearray()
    index = start_index
    held: bytes | None = None
    for chunk in chunks:
        buf += chunk
        while len(buf) >= seg:
            if held is not None:
                yield cipher.encrypt(index, False, held)
                index += 1
            held = bytes(buf[:seg])
            del buf[:seg]
    if held is not None:
        if buf:
            yield cipher.encrypt(index, False, held)
            yield cipher.encrypt(index + 1, True, bytes(buf))
        else:
            yield cipher.encrypt(index, True, held)
    else:
        yield cipher.encrypt(index, True, bytes(buf))


def decrypt_blob(blob: bytes, dek: bytes) -> bytes:
    """Decrypt a whole in-memory blob (small blobs, tests and recovery tools)."""
    header = Header.unpack(blob)
    cipher = SegmentCipher(dek, header.blob_id, header.segment_size)
    size = plaintext_size_from_ciphertext_size(len(blob), header.segment_size)
    n = segment_count(size, header.segment_size)
    step = header.segment_size + TAG_SIZE
    view = memoryview(blob)
    out = bytearray()
    for i in range(n):
        off = segment_offset(i, header.segment_size)
        out += cipher.decrypt(i, i == n - 1, view[off : off + step])
    return bytes(out)
