"""Live vault writers: the vault pass of a tus upload, run while its bytes arrive.

An upload whose bytes all reach one web process, in order from byte 0, gets a vault
writer thread in that process (`Vault.write` fed through a small bounded queue, like
`evidence/uploads.py`'s multipart handler). Each PATCH that starts exactly where the
writer stands hands it the plaintext it appends to the part file, as it is written. When
the last byte arrives here, `finish()` returns the writer's WriteResult and the part
file is never read again.

It is only a shortcut; the part file stays the truth. A writer is used only if it saw
every byte of *this* part file from 0 to the end: same file (inode), same part-file
key, same position as the part file's size, no error, and the first bytes agree with
the part file at completion. Anything else (a PATCH served by another gunicorn worker,
a gap, a retry after an error, a restart, a writer idle too long, too many writers in
this process) drops it, its uncommitted vault object is removed (`Vault.write` aborts
on any exception; a process killed mid-write leaves a temp object that `evidentia
doctor` removes), and completion re-reads the part file as before. Only a request
holding the part file's flock touches a writer, so one thread feeds it at a time.
"""

from __future__ import annotations

import logging
import os
import queue
import threading
import time
import uuid
from collections.abc import Iterator
from typing import Any

from evidentia.core.vault import Vault, WriteResult
from evidentia.evidence.models.uploads import PartFile
from evidentia.evidence.services.ingest import HEAD_BYTES

log = logging.getLogger(__name__)

IDLE_SECONDS = 120.0  # a writer that gets no bytes for this long gives up
MAX_LIVE = 4  # writers per process (each holds ~40 MiB of buffers)
QUEUE_CHUNKS = 4  # chunks waiting for the writer thread (4 MiB each on the PATCH path)

_END = object()
_ABORT = object()


class _Stopped(Exception):
    pass


class LiveWriter:
    """One upload's vault write, fed by PATCH requests, run in its own thread."""

    def __init__(self, upload_id: uuid.UUID, key: bytes, inode: int, vault: Vault) -> None:
        self.upload_id, self.key, self.inode = upload_id, key, inode
        self.position = 0  # plaintext bytes handed over so far
        self.head = bytearray()
        self.touched = time.monotonic()
        self._queue: queue.Queue[Any] = queue.Queue(maxsize=QUEUE_CHUNKS)
        self._result: WriteResult | None = None
        self._error: BaseException | None = None
        self._closed = False
        self._thread = threading.Thread(
            target=self._run, args=(vault,), name=f"tus-live-{upload_id}", daemon=True
        )
        self._thread.start()

    # ------------------------------------------------------------- writer thread

    def _chunks(self) -> Iterator[bytes]:
        while True:
            try:
                chunk = self._queue.get(timeout=IDLE_SECONDS)
            except queue.Empty:
                raise _Stopped("no bytes for too long") from None
            if chunk is _END:
                return
            if chunk is _ABORT:
                raise _Stopped("aborted")
            yield chunk

    def _run(self, vault: Vault) -> None:
        try:
            self._result = vault.write(self._chunks(), uuid.uuid4())
        except BaseException as exc:  # nothing was committed (Vault.write aborts)
            self._error = exc
            if not isinstance(exc, _Stopped):
                log.warning("upload %s: live vault writer failed: %s", self.upload_id, exc)
            while True:  # unblock a producer waiting on a full queue
                try:
                    self._queue.get_nowait()
                except queue.Empty:
                    break

    # ------------------------------------------------------------ request side

    @property
    def usable(self) -> bool:
        return not self._closed and self._error is None and self._thread.is_alive()

    def matches(self, key: bytes, part: PartFile, at: int) -> bool:
        """True if this writer has seen exactly the bytes [0, at) of this part file."""
        return (
            self.usable
            and self.key == key
            and self.inode == os.fstat(part.fd).st_ino
            and self.position == at
        )

    def feed(self, data: bytes) -> None:
        """Hand over plaintext that is being appended to the part file. Never blocks
        for long on a writer that has failed; the caller checks `usable` afterwards."""
        if not self.usable or not data:
            return
        if len(self.head) < HEAD_BYTES:
            self.head += data[: HEAD_BYTES - len(self.head)]
        self.position += len(data)
        while self._error is None:
            try:
                self._queue.put(data, timeout=1)
                break
            except queue.Full:
                if not self._thread.is_alive():
                    break
        self.touched = time.monotonic()

    def finish(self, length: int, head: bytes) -> WriteResult | None:
        """The blob, if this writer saw all `length` bytes and they begin with `head`
        (the part file's first bytes); else None, with nothing left in the vault."""
        if not self.usable or self.position != length or bytes(self.head) != head[:HEAD_BYTES]:
            self.abort()
            return None
        self._closed = True
        self._put_control(_END)
        self._thread.join()
        if self._error is not None or self._result is None:
            return None
        written = self._result
        if written.size != length:  # cannot happen; never trust it blindly anyway
            log.error("upload %s: live writer stored %s of %s bytes", self.upload_id,
                      written.size, length)  # fmt: skip
            _delete(written)
            return None
        return written

    def abort(self) -> None:
        """Stop the writer; its uncommitted vault object is removed."""
        if self._closed:
            return
        self._closed = True
        if self._thread.is_alive():
            self._put_control(_ABORT)
            self._thread.join()
        if self._result is not None:  # it had already committed (cannot happen via _END)
            _delete(self._result)
            self._result = None

    def _put_control(self, token: object) -> None:
        while self._thread.is_alive():
            try:
                self._queue.put(token, timeout=1)
                return
            except queue.Full:
                continue


def _delete(written: WriteResult) -> None:
    from evidentia.evidence.vaultio import store

    store().delete(written.storage_key)


# --------------------------------------------------------------------------- registry

_lock = threading.Lock()
_parked: dict[uuid.UUID, LiveWriter] = {}  # between PATCHes
_running: set[LiveWriter] = set()  # parked or in use by a request


def _prune() -> None:
    """Under _lock: forget writers that stopped; stop parked ones idle too long."""
    now = time.monotonic()
    for upload_id, live in list(_parked.items()):
        if not live.usable or now - live.touched > IDLE_SECONDS:
            del _parked[upload_id]
            threading.Thread(target=live.abort, daemon=True).start()
    for live in list(_running):
        if not live._thread.is_alive():
            _running.discard(live)


def take(upload_id: uuid.UUID) -> LiveWriter | None:
    """This process's writer for an upload, now owned by the caller (who holds the
    part file's lock), or None."""
    with _lock:
        return _parked.pop(upload_id, None)


def claim(
    upload_id: uuid.UUID, key: bytes, part: PartFile, at: int, vault: Vault
) -> LiveWriter | None:
    """The writer to feed bytes appended at `at`: this process's writer standing exactly
    there, or a new one when the upload starts at 0; None if there is none to be had."""
    live = take(upload_id)
    if live is not None and live.matches(key, part, at):
        return live
    if live is not None:
        live.abort()
    if at != 0:
        return None
    with _lock:
        _prune()
        if len(_running) >= MAX_LIVE:
            return None
        live = LiveWriter(upload_id, key, os.fstat(part.fd).st_ino, vault)
        _running.add(live)
    return live


def park(live: LiveWriter, part: PartFile) -> None:
    """Keep a writer for the upload's next PATCH if it is still exactly in step with the
    part file; otherwise stop it."""
    if not live.usable or live.position != part.size():
        live.abort()
        return
    with _lock:
        old = _parked.pop(live.upload_id, None)
        _parked[live.upload_id] = live
    if old is not None and old is not live:
        old.abort()


def drop(upload_id: uuid.UUID) -> None:
    """Stop this process's writer for an upload (cancelled, refused, expired)."""
    live = take(upload_id)
    if live is not None:
        live.abort()


def count() -> int:
    """Writers alive in this process (for tests and diagnostics)."""
    with _lock:
        _prune()
        return len(_running)


def stop_all() -> None:
    """Stop every parked writer in this process (tests; a clean shutdown)."""
    with _lock:
        parked = list(_parked.values())
        _parked.clear()
    for live in parked:
        live.abort()
