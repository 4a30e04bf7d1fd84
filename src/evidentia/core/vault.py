"""The encrypted evidence vault: write-once, segment-encrypted blobs.

``Vault.write`` makes a single streaming pass over its input: SHA-256 of the
plaintext runs in a helper thread (hashlib releases the GIL on large buffers)
while the calling thread reads, encrypts (AES-GCM also releases the GIL) and
writes. Empty input is allowed at this layer (a blob holding one empty final
segment); callers that must reject empty evidence do so themselves.

Pure Python: no Django imports.
"""

from __future__ import annotations

import hashlib
import uuid
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from typing import Any, BinaryIO, NamedTuple

from .keys import KeyRing, VaultError, WrongKeyError
from .segcrypt import (
    DEFAULT_SEGMENT_SIZE,
    HEADER_SIZE,
    TAG_SIZE,
    FormatError,
    Header,
    SegmentCipher,
    TamperedError,
    TruncatedError,
    generate_dek,
    plaintext_size_from_ciphertext_size,
    segment_count,
    segment_offset,
)
from .storage import StorageError, Store

__all__ = [
    "BlobRef",
    "FormatError",
    "TamperedError",
    "TruncatedError",
    "Vault",
    "VaultError",
    "VerifyResult",
    "WriteResult",
    "WrongKeyError",
]

_CHUNK = 8 << 20  # plaintext read / hash / encrypt granularity for write and streaming reads
_RING = 3  # input buffers in flight: one being encrypted, one being read, one hashing

Source = BinaryIO | Iterable[bytes] | Any
Progress = Callable[[int], None]


@dataclass(frozen=True)
class BlobRef:
    """What the database stores to find and open a blob.

    ``segment_size`` saves reading the header on each range read; ``size`` (the
    plaintext size) lets any read detect a blob cut at a segment boundary.
    """

    storage_key: str
    blob_id: uuid.UUID
    kek_id: str
    wrapped_key: bytes
    segment_size: int | None = None
    size: int | None = None


@dataclass(frozen=True)
class WriteResult:
    blob_id: uuid.UUID
    storage_key: str
    sha256: str
    size: int
    kek_id: str
    wrapped_key: bytes
    segment_size: int

    @property
    def ref(self) -> BlobRef:
        return BlobRef(
            self.storage_key,
            self.blob_id,
            self.kek_id,
            self.wrapped_key,
            self.segment_size,
            self.size,
        )


class VerifyResult(NamedTuple):
    ok: bool
    sha256: str | None
    error: str | None


def _filler(source: Source) -> Callable[[memoryview], int]:
    """Return fill(buf) -> n, filling ``buf`` completely unless the input ends."""
    if hasattr(source, "readinto"):

        def fill_readinto(buf: memoryview) -> int:
            n = 0
            while n < len(buf):
                got = source.readinto(buf[n:])
                if not got:
                    break
                n += got
            return n

        return fill_readinto
    if hasattr(source, "read"):

        def fill_read(buf: memoryview) -> int:
            n = 0
            while n < len(buf):
                data = source.read(len(buf) - n)
                if not data:
                    break
                buf[n : n + len(data)] = data
                n += len(data)
            return n

        return fill_read
    chunks = iter(source)
    pending = memoryview(b"")

    def fill_iter(buf: memoryview) -> int:
        nonlocal pending
        n = 0
        while n < len(buf):
            if not pending:
                try:
                    pending = memoryview(next(chunks)).cast("B")
                except StopIteration:
                    break
                continue
            take = min(len(pending), len(buf) - n)
            buf[n : n + take] = pending[:take]
            pending = pending[take:]
            n += take
        return n

    return fill_iter


class Vault:
    def __init__(
        self, store: Store, keyring: KeyRing, segment_size: int = DEFAULT_SEGMENT_SIZE
    ) -> None:
        self.store = store
        self.keyring = keyring
        self.segment_size = segment_size
        Header(uuid.UUID(int=0), segment_size, "0" * 16, b"\0" * 40).aad()  # validates size

    @staticmethod
    def storage_key_for(blob_id: uuid.UUID) -> str:
        h = blob_id.hex
        return f"{h[0:2]}/{h[2:4]}/{blob_id}"

    # ------------------------------------------------------------------ write

    def write(
        self, source: Source, blob_id: uuid.UUID, *, progress: Progress | None = None
    ) -> WriteResult:
        """Encrypt ``source`` (binary file object or iterable of bytes) into a new blob.

        On any exception nothing is committed. Raises storage.AlreadyExistsError
        if a blob with this id already exists.
        """
        key = self.storage_key_for(blob_id)
        dek = generate_dek()
        kek_id, wrapped = self.keyring.wrap(dek)
        header = Header(blob_id, self.segment_size, kek_id, wrapped)
        cipher = SegmentCipher(dek, blob_id, self.segment_size)
        writer = self.store.open_writer(key)
        try:
            writer.write(header.pack())
            digest, size = self._encrypt_stream(_filler(source), cipher, writer.write, progress)
            writer.commit()
        except BaseException:
            writer.abort()
            raise
        return WriteResult(blob_id, key, digest, size, kek_id, wrapped, self.segment_size)

    def _encrypt_stream(
        self,
        fill: Callable[[memoryview], int],
        cipher: SegmentCipher,
        emit: Callable[[memoryview], Any],
        progress: Progress | None,
    ) -> tuple[str, int]:
        seg = self.segment_size
        per_chunk = max(1, _CHUNK // seg)
        chunk = per_chunk * seg
        bufs = [memoryview(bytearray(chunk)) for _ in range(_RING)]
        out = memoryview(bytearray(per_chunk * (seg + TAG_SIZE)))
        hasher = hashlib.sha256()
        hashed: list[Future[None] | None] = [None] * _RING
        index = total = 0
        with ThreadPoolExecutor(1, thread_name_prefix="vault-sha256") as pool:
            try:
                slot = 0
                filled = fill(bufs[0])
                while True:
                    data = bufs[slot][:filled]
                    # One worker, so updates run in submission (= file) order.
                    hashed[slot] = pool.submit(hasher.update, data)
                    total += filled
                    eof = filled < chunk
                    if not eof:
                        # The chunk is full: peek ahead to learn if its last segment is final.
                        nxt = (slot + 1) % _RING
                        if (prev := hashed[nxt]) is not None:
                            prev.result()
                        next_filled = fill(bufs[nxt])
                        eof = next_filled == 0
                    n = segment_count(filled, seg)  # an empty input still gets one final segment
                    o = 0
                    for j in range(n):
                        piece = data[j * seg : min((j + 1) * seg, filled)]
                        end = o + len(piece) + TAG_SIZE
                        cipher.encrypt_into(index, eof and j == n - 1, piece, out[o:end])
                        index += 1
                        o = end
                    emit(out[:o])
                    if progress is not None:
                        progress(total)
                    if eof:
                        break
                    slot, filled = nxt, next_filled
                for fut in hashed:
                    if fut is not None:
                        fut.result()
            finally:
                for fut in hashed:  # never let the pool touch a buffer after we return
                    if fut is not None:
                        fut.cancel()
        return hasher.hexdigest(), total

    # ------------------------------------------------------------------- read

    def read_header(self, storage_key: str) -> Header:
        return Header.unpack(self.store.read_range(storage_key, 0, HEADER_SIZE))

    def _open(self, ref: BlobRef, *, check_size: bool) -> tuple[SegmentCipher, int]:
        """Cipher and plaintext size of a blob.

        With the segment size and plaintext size recorded in ``ref`` (and no
        ``check_size``), this costs no storage round trip: a range read is then
        a single ``read_range`` call on the store.
        """
        seg = ref.segment_size
        if seg is None:
            header = self.read_header(ref.storage_key)
            if header.blob_id != ref.blob_id:
                raise TamperedError(
                    f"{ref.storage_key} holds blob {header.blob_id}, not {ref.blob_id}"
                )
            seg = header.segment_size
        if ref.size is not None and not check_size:
            size = ref.size
        else:
            size = plaintext_size_from_ciphertext_size(self.store.size(ref.storage_key), seg)
            if ref.size is not None and size != ref.size:
                cls = TruncatedError if size < ref.size else TamperedError
                raise cls(
                    f"blob {ref.blob_id} holds {size} plaintext bytes but {ref.size} were recorded"
                )
        dek = self.keyring.unwrap(ref.kek_id, ref.wrapped_key)
        return SegmentCipher(dek, ref.blob_id, seg), size

    def plaintext_size(self, ref: BlobRef) -> int:
        """The plaintext size derived from the stored blob (not from ``ref.size``)."""
        seg = ref.segment_size or self.read_header(ref.storage_key).segment_size
        return plaintext_size_from_ciphertext_size(self.store.size(ref.storage_key), seg)

    def _iter_segments(
        self, key: str, cipher: SegmentCipher, size: int, first: int, last: int
    ) -> Iterator[tuple[int, bytes]]:
        """Decrypt segments ``first..last`` inclusive, reading ~8 MiB at a time."""
        seg = cipher.segment_size
        n = segment_count(size, seg)
        step = seg + TAG_SIZE
        batch = max(1, _CHUNK // seg)
        i = first
        while i <= last:
            j = min(last, i + batch - 1)
            view = memoryview(
                self.store.read_range(key, segment_offset(i, seg), (j - i + 1) * step)
            )
            for k in range(i, j + 1):
                o = (k - i) * step
                want = step if k < n - 1 else size - k * seg + TAG_SIZE
                if len(view) < o + want:
                    raise TruncatedError(
                        f"blob {cipher.blob_id} ends inside segment {k}: "
                        f"{max(0, len(view) - o)} of {want} bytes present"
                    )
                yield k, cipher.decrypt(k, k == n - 1, view[o : o + want])
            i = j + 1

    def _plaintext(
        self, ref: BlobRef, start: int, length: int | None, check_size: bool
    ) -> Iterator[bytes]:
        if start < 0 or (length is not None and length < 0):
            raise ValueError("negative range")
        cipher, size = self._open(ref, check_size=check_size)
        end = size if length is None else min(size, start + length)
        if start >= end:
            if size == 0:  # still authenticate the lone empty segment
                for _ in self._iter_segments(ref.storage_key, cipher, size, 0, 0):
                    pass
            return
        seg = cipher.segment_size
        first, last = start // seg, (end - 1) // seg
        for k, plain in self._iter_segments(ref.storage_key, cipher, size, first, last):
            base = k * seg
            lo, hi = max(start - base, 0), min(end - base, len(plain))
            yield plain if (lo, hi) == (0, len(plain)) else plain[lo:hi]

    def iter_plaintext(
        self, ref: BlobRef, start: int = 0, length: int | None = None
    ) -> Iterator[bytes]:
        """Stream the plaintext (or part of it), decrypting only the segments touched.

        Every byte returned is authenticated. Missing or extra bytes outside the
        range read may go unnoticed; :meth:`verify` checks the whole blob.
        """
        return self._plaintext(ref, start, length, check_size=False)

    def read_range(self, ref: BlobRef, start: int, length: int) -> bytes:
        """Plaintext bytes ``[start, start+length)``, clamped to the blob's size."""
        return b"".join(self.iter_plaintext(ref, start, length))

    def verify(self, ref: BlobRef, expected_sha256: str | None = None) -> VerifyResult:
        """Fixity check: decrypt everything and recompute SHA-256."""
        hasher = hashlib.sha256()
        # Hash in a helper thread while the next segments are read and decrypted.
        with ThreadPoolExecutor(1, thread_name_prefix="vault-verify") as pool:
            queued: deque[Future[None]] = deque()
            try:
                for piece in self._plaintext(ref, 0, None, check_size=True):
                    queued.append(pool.submit(hasher.update, piece))
                    while len(queued) > 16:  # bound memory: at most ~16 segments pending
                        queued.popleft().result()
            except (VaultError, StorageError) as exc:
                for fut in queued:
                    fut.cancel()
                return VerifyResult(False, None, f"{type(exc).__name__}: {exc}")
            for fut in queued:
                fut.result()
        digest = hasher.hexdigest()
        if expected_sha256 is not None and digest != expected_sha256.lower():
            return VerifyResult(
                False, digest, f"SHA-256 mismatch: expected {expected_sha256}, got {digest}"
            )
        return VerifyResult(True, digest, None)
