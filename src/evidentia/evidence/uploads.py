"""A Django upload handler that streams a multipart file straight into the vault.

The bytes are hashed and encrypted as they arrive; nothing touches a temp file.
The vault writer runs in a thread fed through a small bounded queue, so memory
stays flat whatever the file size.
"""

from __future__ import annotations

import queue
import threading
import uuid
from collections.abc import Iterator
from typing import Any

from django.core.files.uploadedfile import UploadedFile
from django.core.files.uploadhandler import FileUploadHandler, StopUpload

from evidentia.core.vault import Vault, WriteResult
from evidentia.evidence.services.ingest import HEAD_BYTES

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


class VaultUploadHandler(FileUploadHandler):
    chunk_size = 1 << 20

    def __init__(self, vault: Vault, field: str = "file", max_bytes: int | None = None) -> None:
        super().__init__()
        self.vault = vault
        self.field = field
        self.max_bytes = max_bytes
        self._queue: queue.Queue[Any] = queue.Queue(maxsize=8)
        self._result: WriteResult | None = None
        self._error: BaseException | None = None
        self._thread: threading.Thread | None = None
        self._head = bytearray()
        self._received = 0
        self.extra_files = False

    def new_file(self, field_name: str, file_name: str, *args: Any, **kwargs: Any) -> None:
        super().new_file(field_name, file_name, *args, **kwargs)
        if field_name != self.field or self._thread is not None:
            self.extra_files = True
            raise StopUpload(connection_reset=False)
        self._thread = threading.Thread(target=self._write, daemon=True)
        self._thread.start()

    def _chunks(self) -> Iterator[bytes]:
        while True:
            chunk = self._queue.get()
            if chunk is _END:
                return
            if chunk is _ABORT:
                raise _Aborted("the upload was interrupted")
            yield chunk

    def _write(self) -> None:
        try:
            self._result = self.vault.write(self._chunks(), uuid.uuid4())
        except BaseException as exc:  # surfaced to the request thread in file_complete
            self._error = exc
            while not self._queue.empty():  # unblock a producer waiting on a full queue
                self._queue.get_nowait()

    def receive_data_chunk(self, raw_data: bytes, start: int) -> None:
        self._received += len(raw_data)
        if self.max_bytes is not None and self._received > self.max_bytes:
            self.upload_interrupted()
            raise StopUpload(connection_reset=True)
        if len(self._head) < HEAD_BYTES:
            self._head += raw_data[: HEAD_BYTES - len(self._head)]
        if self._error is None:
            self._queue.put(raw_data)

    def file_complete(self, file_size: int) -> VaultUpload | None:
        if self._thread is None:
            return None
        self._queue.put(_END)
        self._thread.join()
        if self._error is not None:
            raise self._error
        assert self._result is not None
        return VaultUpload(self.file_name or "upload", self._result, bytes(self._head))

    def upload_interrupted(self) -> None:
        if self._thread is not None and self._thread.is_alive():
            self._queue.put(_ABORT)
            self._thread.join()


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
