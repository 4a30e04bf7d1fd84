"""A Django upload handler that streams multipart files straight into the vault.

The bytes are hashed and encrypted as they arrive; nothing touches a temp file.
Each file's vault writer runs in a thread fed through a small bounded queue, so
memory stays flat whatever the file size.

Two modes:
- one file (the evidence API): a second file, or a file in another part, stops the
  upload (`extra_files`); a file past `max_bytes` resets the connection.
- several files (`many=True`, the public portal's forms without JavaScript): each
  file in the `field` part is its own blob. A file that is too large, of a type not
  in `allowed_types`, empty, past `max_files` or in another part is skipped, its
  partial blob deleted, and the reason kept in `refused`; the rest of the form
  still arrives. Call `discard()` to delete every blob nobody `claim`ed.
"""

from __future__ import annotations

import contextlib
import queue
import threading
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from django.core.files.uploadedfile import UploadedFile
from django.core.files.uploadhandler import FileUploadHandler, SkipFile, StopUpload

from evidentia.core.storage import NotFoundError
from evidentia.core.vault import Vault, WriteResult
from evidentia.evidence.media import SNIFF_BYTES, mime_allowed, sniff
from evidentia.evidence.services.ingest import HEAD_BYTES, safe_title
from evidentia.evidence.services.upload_owner import human

_END = object()
_ABORT = object()


class _Aborted(Exception):
    pass


class VaultUpload(UploadedFile):
    """What the handler leaves in request.FILES: the written blob, not the bytes."""

    def __init__(self, name: str, written: WriteResult, head: bytes) -> None:
        super().__init__(file=None, name=name, size=written.size)
        self.written = written
        self.head = head


@dataclass(frozen=True)
class Refusal:
    name: str  # the file's name as sent, for display
    message: str


def _delete(vault: Vault, key: str) -> None:
    with contextlib.suppress(NotFoundError):
        vault.store.delete(key)


class _Writer:
    """One file on its way into the vault: a writer thread fed by a bounded queue."""

    def __init__(self, vault: Vault) -> None:
        self.vault = vault
        self.queue: queue.Queue[Any] = queue.Queue(maxsize=8)
        self.result: WriteResult | None = None
        self.error: BaseException | None = None
        self.head = bytearray()
        self.received = 0
        self.thread = threading.Thread(target=self._write, daemon=True)
        self.thread.start()

    def _chunks(self) -> Iterator[bytes]:
        while True:
            chunk = self.queue.get()
            if chunk is _END:
                return
            if chunk is _ABORT:
                raise _Aborted("the upload was interrupted")
            yield chunk

    def _write(self) -> None:
        try:
            self.result = self.vault.write(self._chunks(), uuid.uuid4())
        except BaseException as exc:  # surfaced to the request thread in finish
            self.error = exc
            while not self.queue.empty():  # unblock a producer waiting on a full queue
                self.queue.get_nowait()

    def feed(self, raw: bytes) -> None:
        self.received += len(raw)
        if len(self.head) < HEAD_BYTES:
            self.head += raw[: HEAD_BYTES - len(self.head)]
        if self.error is None:
            self.queue.put(raw)

    def finish(self) -> WriteResult:
        self.queue.put(_END)
        self.thread.join()
        if self.error is not None:
            raise self.error
        assert self.result is not None
        return self.result

    def abort(self) -> None:
        """Stop the write; the vault removes the partial blob."""
        if self.thread.is_alive():
            self.queue.put(_ABORT)
            self.thread.join()
        elif self.result is not None:  # finished already: delete what it wrote
            _delete(self.vault, self.result.storage_key)


class VaultUploadHandler(FileUploadHandler):
    chunk_size = 1 << 20

    def __init__(
        self,
        vault: Vault,
        field: str = "file",
        max_bytes: int | None = None,
        *,
        many: bool = False,
        max_files: int | None = None,
        allowed_types: tuple[str, ...] = (),
    ) -> None:
        super().__init__()
        self.vault = vault
        self.field = field
        self.max_bytes = max_bytes
        self.many = many
        self.max_files = max_files
        self.allowed_types = tuple(allowed_types)
        self.extra_files = False
        self.refused: list[Refusal] = []
        self.stored: list[VaultUpload] = []
        self._claimed: set[str] = set()
        self._writer: _Writer | None = None
        self._files_seen = 0
        self._type_checked = False

    # ------------------------------------------------------------------ Django's API

    def new_file(self, field_name: str, file_name: str, *args: Any, **kwargs: Any) -> None:
        super().new_file(field_name, file_name, *args, **kwargs)
        if not self.many:
            if field_name != self.field or self._files_seen:
                self.extra_files = True
                raise StopUpload(connection_reset=False)
        elif field_name != self.field:
            self._refuse("This file was sent in an unexpected part of the form; not kept.")
            raise SkipFile
        elif self.max_files is not None and len(self.stored) >= self.max_files:
            self._refuse(f"Only {self.max_files} files can be sent here; this one was not kept.")
            raise SkipFile
        self._files_seen += 1
        self._type_checked = False
        self._writer = _Writer(self.vault)

    def receive_data_chunk(self, raw_data: bytes, start: int) -> None:
        writer = self._writer
        if writer is None:
            return None
        if self.max_bytes is not None and writer.received + len(raw_data) > self.max_bytes:
            if not self.many:
                self.upload_interrupted()
                raise StopUpload(connection_reset=True)
            self._drop(f"It is larger than the {human(self.max_bytes)} allowed per file.")
        writer.feed(raw_data)
        if self.many and not self._type_checked and len(writer.head) >= SNIFF_BYTES:
            self._check_type(bytes(writer.head))
        return None

    def file_complete(self, file_size: int) -> VaultUpload | None:
        writer, self._writer = self._writer, None
        if writer is None:
            return None
        written = writer.finish()
        upload = VaultUpload(self.file_name or "upload", written, bytes(writer.head))
        if self.many:
            problem = ""
            if written.size == 0:
                problem = "It is empty (0 bytes)."
            elif not self._type_checked:
                problem = self._type_problem(upload.head)
            if problem:
                _delete(self.vault, written.storage_key)
                self._refuse(problem)
                return None
            self.stored.append(upload)
        return upload

    def upload_interrupted(self) -> None:
        writer, self._writer = self._writer, None
        if writer is not None:
            writer.abort()

    # ------------------------------------------------------------------ several files

    def _refuse(self, message: str) -> None:
        name = safe_title(self.file_name or "upload")
        self.refused.append(Refusal(name, f"{name}: {message}"))

    def _drop(self, message: str) -> None:
        self.upload_interrupted()
        self._refuse(message)
        raise SkipFile

    def _type_problem(self, head: bytes) -> str:
        self._type_checked = True
        mime = sniff(head, self.file_name).mime
        if mime_allowed(mime, self.allowed_types):
            return ""
        return f"This kind of file ({mime}) is not accepted; send photos, videos or audio."

    def _check_type(self, head: bytes) -> None:
        if problem := self._type_problem(head):
            self._drop(problem)

    def claim(self, upload: VaultUpload) -> VaultUpload:
        """The caller takes charge of this blob (it becomes evidence or is deleted)."""
        self._claimed.add(upload.written.storage_key)
        return upload

    def discard(self) -> None:
        """Delete every stored blob nobody claimed, and stop a write in flight."""
        self.upload_interrupted()
        for upload in self.stored:
            if upload.written.storage_key not in self._claimed:
                _delete(self.vault, upload.written.storage_key)
                self._claimed.add(upload.written.storage_key)


UPLOAD_PATH = "/api/v1/evidence"


def install(request: Any) -> VaultUploadHandler:
    """Put the vault handler in front of the request body, once."""
    from django.conf import settings

    from evidentia.evidence.vaultio import vault

    handler = getattr(request, "_vault_upload_handler", None)
    if handler is None:
        handler = VaultUploadHandler(vault(), max_bytes=settings.MAX_UPLOAD_BYTES)
        request.upload_handlers = [handler]
        request._vault_upload_handler = handler
    return handler


def install_many(
    request: Any,
    *,
    field: str,
    max_bytes: int,
    max_files: int,
    allowed_types: tuple[str, ...],
) -> VaultUploadHandler:
    """The several-files handler, before anything reads the body (the caller then
    checks CSRF itself: see community/public_views/streaming.py)."""
    from evidentia.evidence.vaultio import vault

    handler = VaultUploadHandler(
        vault(),
        field=field,
        max_bytes=max_bytes,
        many=True,
        max_files=max_files,
        allowed_types=allowed_types,
    )
    request.upload_handlers = [handler]
    request._vault_upload_handler = handler
    return handler


class StreamUploadsMiddleware:
    """Install the vault handler before a session CSRF check reads the body.

    Only for a bearer token (checked before the body is read) or a fully signed-in
    session, so an anonymous client cannot make the server write to the vault.
    """

    def __init__(self, get_response: Any) -> None:
        self.get_response = get_response

    def __call__(self, request: Any) -> Any:
        if (
            request.method == "POST"
            and request.path.rstrip("/") == UPLOAD_PATH
            and request.content_type.startswith("multipart/form-data")
        ):
            user = getattr(request, "user", None)
            verified = bool(user and user.is_authenticated and user.is_verified())
            if verified or request.headers.get("Authorization", "").lower().startswith("bearer "):
                install(request)
        return self.get_response(request)
