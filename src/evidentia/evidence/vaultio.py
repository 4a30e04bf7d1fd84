"""The configured vault, and file-like access to a blob for PyAV and HTTP ranges."""

from __future__ import annotations

import io
import os
from functools import lru_cache

from django.conf import settings

from evidentia.core.errors import EvidentiaError
from evidentia.core.keys import KeyFileError, KeyRing, write_private_file
from evidentia.core.s3store import S3Store
from evidentia.core.storage import LocalStore, Store
from evidentia.core.vault import BlobRef, Vault, WriteResult
from evidentia.evidence.models import Blob


def keyring() -> KeyRing:
    return _keyring(settings.KEK_INLINE, str(settings.KEK_FILE))


@lru_cache(maxsize=4)
def _keyring(inline: str | None, path: str) -> KeyRing:
    if inline:
        return KeyRing.from_text(inline)
    if not os.path.exists(path):
        raise KeyFileError(
            f"No key-encryption key at {path}. Run `evidentia init` to create one, or set "
            "EVIDENTIA_KEK / EVIDENTIA_KEK_FILE."
        )
    return KeyRing.load(path)


def create_keyring_if_missing() -> bool:
    """Create the agency KEK file (mode 0600) unless keys are configured. True if created."""
    if settings.KEK_INLINE or settings.KEK_FILE.exists():
        return False
    settings.KEK_FILE.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    write_private_file(settings.KEK_FILE, KeyRing.generate().to_text().encode(), exclusive=True)
    _keyring.cache_clear()
    return True


def save_keyring(ring: KeyRing) -> None:
    ring.save(settings.KEK_FILE)
    _keyring.cache_clear()


def store() -> Store:
    if settings.BLOB_BACKEND == "s3":
        return _s3(
            settings.S3_BUCKET,
            settings.S3_ENDPOINT_URL,
            settings.S3_REGION,
            settings.S3_ACCESS_KEY,
            settings.S3_SECRET_KEY,
            settings.S3_PREFIX,
        )
    return _local(str(settings.BLOB_DIR))


@lru_cache(maxsize=4)
def _local(root: str) -> Store:
    return LocalStore(root)


@lru_cache(maxsize=4)
def _s3(*args: str | None) -> Store:
    bucket, endpoint, region, access, secret, prefix = args
    return S3Store(
        bucket or "",
        endpoint_url=endpoint,
        region=region or "us-east-1",
        access_key=access,
        secret_key=secret,
        prefix=prefix or "",
    )


def vault() -> Vault:
    return Vault(store(), keyring(), settings.SEGMENT_SIZE)


def ref(blob: Blob) -> BlobRef:
    return BlobRef(
        blob.storage_key,
        blob.id,
        blob.kek_id,
        bytes(blob.wrapped_key),
        blob.segment_size,
        blob.size,
    )


class DestroyedContent(EvidentiaError):
    """These bytes were crypto-shredded under the retention schedule: they cannot be
    read, and are not stored again (the tombstone row keeps their SHA-256)."""

    status = 410

    def __init__(self, blob: Blob) -> None:
        when = f"{blob.destroyed_at:%Y-%m-%d}" if blob.destroyed_at else "earlier"
        super().__init__(
            f"This content was disposed of under the retention schedule ({when}); only its "
            "custody record remains."
        )
        self.blob = blob


def blob_for(written: WriteResult, mime: str) -> tuple[Blob, bool]:
    """The Blob row for bytes just written to the vault, inside the caller's transaction:
    the existing one when identical bytes are already there (True: the caller deletes
    its own copy from the store after commit), or a new one."""
    existing = Blob.objects.filter(sha256=written.sha256).first()
    if existing is not None and existing.destroyed_at is not None:
        raise DestroyedContent(existing)
    if existing is not None:
        return existing, True
    blob = Blob.objects.create(
        id=written.blob_id,
        sha256=written.sha256,
        size=written.size,
        storage_key=written.storage_key,
        kek_id=written.kek_id,
        wrapped_key=written.wrapped_key,
        segment_size=written.segment_size,
        mime=mime,
    )
    return blob, False


def open_blob(blob: Blob) -> io.BufferedReader:
    """A buffered reader whose buffer is one segment, so small reads decrypt once."""
    if blob.destroyed_at is not None:
        raise DestroyedContent(blob)
    return io.BufferedReader(BlobFile(blob), buffer_size=blob.segment_size)


class BlobFile(io.RawIOBase):
    """A seekable, read-only view of a blob's plaintext; decrypts only what is read."""

    def __init__(self, blob: Blob, v: Vault | None = None) -> None:
        self._vault = v or vault()
        self._ref = ref(blob)
        self._size = blob.size
        self._pos = 0

    def readable(self) -> bool:
        return True

    def seekable(self) -> bool:
        return True

    def tell(self) -> int:
        return self._pos

    def seek(self, offset: int, whence: int = io.SEEK_SET) -> int:
        base = {io.SEEK_SET: 0, io.SEEK_CUR: self._pos, io.SEEK_END: self._size}[whence]
        self._pos = max(0, base + offset)
        return self._pos

    def readinto(self, buffer) -> int:  # type: ignore[no-untyped-def,override]
        want = min(len(buffer), self._size - self._pos)
        if want <= 0:
            return 0
        data = self._vault.read_range(self._ref, self._pos, want)
        buffer[: len(data)] = data
        self._pos += len(data)
        return len(data)
