"""Resumable (tus) uploads in progress: the row, where their bytes live (the upload
settings), and the part file holding them. A partial upload is never evidence: its
bytes stay in `<UPLOAD_DIR>/<id>.part` until complete, then go through the vault
ingest (services/uploads.py changes all of this; nothing else does)."""

from __future__ import annotations

import base64
import fcntl
import hashlib
import hmac
import io
import os
import tempfile
import threading
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path
from typing import Any, BinaryIO

from cryptography.hazmat.primitives.ciphers import Cipher, CipherContext, algorithms, modes
from django.conf import settings
from django.db import models
from django.utils import timezone

COPY_CHUNK = 4 << 20
PART = ".part"
TRASH = ".trash"


class Upload(models.Model):
    class State(models.TextChoices):
        RECEIVING = "receiving", "Receiving"
        COMPLETING = "completing", "Storing in the vault"
        COMPLETE = "complete", "Complete"
        FAILED = "failed", "Refused"
        TERMINATED = "terminated", "Cancelled"
        EXPIRED = "expired", "Expired"

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="uploads",
        help_text="The staff uploader; empty for a public upload (see grant).",
    )
    grant = models.CharField(
        max_length=80,
        blank=True,
        db_index=True,
        help_text="For uploads without an account: what they belong to, e.g. report:<id>.",
    )
    length = models.BigIntegerField(help_text="Upload-Length: the whole file, in bytes.")
    offset = models.BigIntegerField(
        default=0, help_text="Bytes durably received; the part file's size is authoritative."
    )
    metadata = models.JSONField(default=dict, blank=True, help_text="Decoded Upload-Metadata.")
    state = models.CharField(
        max_length=16, choices=State.choices, default=State.RECEIVING, db_index=True
    )
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(auto_now=True)
    expires_at = models.DateTimeField(db_index=True)
    item = models.ForeignKey(
        "evidence.Item", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    duplicate = models.BooleanField(
        default=False, help_text="The bytes were already evidence; linked to that item."
    )
    error = models.TextField(blank=True)
    # The part file is encrypted (AES-CTR) under its own data key, wrapped by the KEK.
    kek_id = models.CharField(max_length=64)
    wrapped_key = models.BinaryField()

    class Meta:
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["user", "state"])]

    def __str__(self) -> str:
        name = self.metadata.get("filename", "") if isinstance(self.metadata, dict) else ""
        return f"upload {name or self.pk} ({self.state})"


# --------------------------------------------------------------------------- settings


@dataclass(frozen=True)
class Limits:
    max_bytes: int
    max_unfinished: int
    expiry: timedelta
    allowed_types: tuple[str, ...]
    directory: Path


def limits() -> Limits:
    return Limits(
        max_bytes=settings.MAX_UPLOAD_BYTES,
        max_unfinished=settings.UPLOAD_MAX_UNFINISHED,
        expiry=timedelta(hours=settings.UPLOAD_EXPIRY_HOURS),
        allowed_types=tuple(t.strip().lower() for t in settings.UPLOAD_ALLOWED_TYPES if t.strip()),
        directory=Path(settings.UPLOAD_DIR),
    )


def part_path(upload_id: uuid.UUID | str) -> Path:
    return limits().directory / f"{upload_id}{PART}"


# --------------------------------------------------------------------------- part files


class PartBusy(Exception):
    """Another request holds this part file."""


class ChecksumMismatch(Exception):
    pass


class ShortBody(Exception):
    """A checksummed chunk ended before Content-Length: it cannot be verified."""


def _ctr(key: bytes, at: int) -> CipherContext:
    """AES-CTR keystream positioned at byte `at` (each key serves one file only)."""
    block, skip = divmod(at, 16)
    ctx = Cipher(algorithms.AES(key), modes.CTR(block.to_bytes(16, "big"))).encryptor()
    if skip:
        ctx.update(bytes(skip))
    return ctx


def _write_all(fd: int, data: bytes) -> None:
    view = memoryview(data)
    while view:
        view = view[os.write(fd, view) :]


def fsync_dir(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _copy(
    body: BinaryIO,
    length: int,
    fd: int,
    ctx: CipherContext,
    at: int,
    observe: Callable[[bytes], object] | None = None,
) -> int:
    os.lseek(fd, at, os.SEEK_SET)
    got = 0
    while got < length:
        try:
            data = body.read(min(COPY_CHUNK, length - got))
        except OSError:  # the client went away: keep what arrived (tus resumes from there)
            break
        if not data:
            break
        if observe is not None:
            observe(data)
        _write_all(fd, ctx.update(data))
        got += len(data)
    return got


class PartFile:
    """The bytes of an unfinished upload: AES-CTR encrypted under the upload's own data
    key, so nothing waits on disk in the clear, and appended only under an exclusive
    flock. Its size is the number of bytes received."""

    def __init__(self, path: Path, fd: int, key: bytes | None) -> None:
        self.path, self.fd, self.key = path, fd, key
        self.trash: Path | None = None

    @staticmethod
    def create(path: Path) -> None:
        path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
        os.close(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600))
        fsync_dir(path.parent)

    @classmethod
    @contextmanager
    def locked(cls, path: Path, key: bytes | None, *, create: bool = True) -> Iterator[PartFile]:
        """Raises PartBusy if another request holds it, FileNotFoundError if absent and
        not `create` (a lost part file is re-created empty: the client resumes from 0)."""
        path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
        fd = os.open(path, os.O_RDWR | (os.O_CREAT if create else 0), 0o600)
        part = None
        try:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                raise PartBusy(str(path)) from None
            part = cls(path, fd, key)
            yield part
        finally:
            if part is not None and part.trash is not None:
                threading.Thread(target=_drop, args=(fd, part.trash), daemon=True).start()
            else:
                os.close(fd)  # also releases the lock

    def size(self) -> int:
        return os.fstat(self.fd).st_size

    def gone(self) -> bool:
        """True if the path no longer names the file we hold (it was discarded)."""
        try:
            return os.stat(self.path).st_ino != os.fstat(self.fd).st_ino
        except FileNotFoundError:
            return True

    def _key(self) -> bytes:
        assert self.key is not None
        return self.key

    def read(self, start: int, length: int) -> bytes:
        return _ctr(self._key(), start).update(os.pread(self.fd, length, start))

    def reader(self) -> io.RawIOBase:
        """The plaintext from the start, as a file the vault can `readinto` its buffers."""
        return _Plaintext(self.fd, self._key())

    def append(
        self,
        body: BinaryIO,
        length: int,
        checksum: bytes | None = None,
        observe: Callable[[bytes], object] | None = None,
    ) -> int:
        """Append up to `length` bytes of `body`, durably; returns how many were kept.
        With a SHA-256 `checksum`, all or nothing (ChecksumMismatch, ShortBody).
        `observe` sees the plaintext appended to the file, in order, as it is written
        (after verification, with a checksum); on an exception it may have seen more
        than the file kept."""
        at = self.size()
        try:
            if checksum is None:
                got = _copy(body, length, self.fd, _ctr(self._key(), at), at, observe)
            else:
                got = self._append_checked(body, length, checksum, at, observe)
        finally:  # on a write error (disk full) too: what did get written stays valid
            os.fsync(self.fd)
        return got

    def _append_checked(
        self,
        body: BinaryIO,
        length: int,
        checksum: bytes,
        at: int,
        observe: Callable[[bytes], object] | None = None,
    ) -> int:
        # The chunk waits in an anonymous temp file under a throwaway key until its
        # checksum is known, so a bad chunk never touches the part file.
        spool_key = os.urandom(32)
        with tempfile.TemporaryFile(dir=self.path.parent) as spool:
            digest = hashlib.sha256()
            got = _copy(body, length, spool.fileno(), _ctr(spool_key, 0), 0, digest.update)
            if got != length:
                raise ShortBody(f"{got} of {length} bytes")
            if not hmac.compare_digest(digest.digest(), checksum):
                raise ChecksumMismatch(base64.b64encode(digest.digest()).decode())
            src, dst, pos = _ctr(spool_key, 0), _ctr(self._key(), at), 0
            os.lseek(self.fd, at, os.SEEK_SET)
            while data := os.pread(spool.fileno(), 8 << 20, pos):
                pos += len(data)
                plain = src.update(data)
                if observe is not None:
                    observe(plain)
                _write_all(self.fd, dst.update(plain))
        return got

    def discard(self) -> None:
        """Drop the bytes: renamed aside now, freed after the request (see `_drop`)."""
        if self.gone():
            return
        self.trash = self.path.with_name(f"{self.path.stem}.{uuid.uuid4().hex[:8]}{TRASH}")
        os.rename(self.path, self.trash)


class _Plaintext(io.RawIOBase):
    def __init__(self, fd: int, key: bytes) -> None:
        self.fd, self.ctx, self.pos = fd, _ctr(key, 0), 0

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: Any) -> int:
        view = memoryview(buffer).cast("B")
        n = os.preadv(self.fd, [view], self.pos)
        view[:n] = self.ctx.update(view[:n])
        self.pos += n
        return n


def _drop(fd: int, trash: Path) -> None:
    # Freeing a large file's blocks happens at its last unlink/close and, on a filesystem
    # mounted with `discard`, waits for TRIM (~0.15 s per 100 MiB measured here), so it
    # runs in the background instead of holding up the answer.
    os.close(fd)
    trash.unlink(missing_ok=True)
