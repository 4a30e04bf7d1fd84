"""The S3-compatible backend of the write-once blob store (boto3).

Writes are multipart uploads created when the writer opens, so an abandoned write
shows in ``iter_incomplete()``; commit refuses an existing key.

Pure Python: no Django imports.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime
from typing import Any

from .storage import (
    AlreadyExistsError,
    BlobWriter,
    Incomplete,
    NotFoundError,
    StorageError,
    Store,
    check_key,
)

__all__ = ["S3Store"]


def _error_code(exc: Exception) -> str:
    response: dict[str, Any] = getattr(exc, "response", {}) or {}
    return str(response.get("Error", {}).get("Code", ""))


class _S3Writer(BlobWriter):
    def __init__(self, store: S3Store, key: str, name: str) -> None:
        self._store = store
        self._key = key
        self._name = name
        self._buf = bytearray()
        self._parts: list[dict[str, Any]] = []
        self.bytes_written = 0
        resp = store.client.create_multipart_upload(Bucket=store.bucket, Key=name)
        self._upload_id: str | None = resp["UploadId"]

    def _send(self, data: bytes | bytearray | memoryview) -> None:
        number = len(self._parts) + 1
        resp = self._store.client.upload_part(
            Bucket=self._store.bucket,
            Key=self._name,
            UploadId=self._upload_id,
            PartNumber=number,
            Body=bytes(data),
        )
        self._parts.append({"PartNumber": number, "ETag": resp["ETag"]})

    def write(self, data: bytes | bytearray | memoryview) -> int:
        if self._upload_id is None:
            raise StorageError("writer is closed")
        self._buf += data
        part = self._store.part_size
        if len(self._buf) >= part:
            view = memoryview(self._buf)
            sent = 0
            while len(self._buf) - sent >= part:
                self._send(view[sent : sent + part])
                sent += part
            view.release()
            del self._buf[:sent]
        self.bytes_written += len(data)
        return len(data)

    def commit(self) -> None:
        if self._upload_id is None:
            raise StorageError("writer is closed")
        from botocore.exceptions import ClientError

        try:
            if self._buf or not self._parts:
                self._send(self._buf)
                self._buf = bytearray()
            if self._store.exists(self._key):
                raise AlreadyExistsError(f"{self._key} already exists")
            try:
                # IfNoneMatch closes the race between the HEAD above and completion on
                # servers that support conditional writes; others ignore it.
                self._store.client.complete_multipart_upload(
                    Bucket=self._store.bucket,
                    Key=self._name,
                    UploadId=self._upload_id,
                    MultipartUpload={"Parts": self._parts},
                    IfNoneMatch="*",
                )
            except ClientError as exc:
                if _error_code(exc) in ("PreconditionFailed", "412", "ConditionalRequestConflict"):
                    raise AlreadyExistsError(f"{self._key} already exists") from None
                raise
            self._upload_id = None
        finally:
            self.abort()

    def abort(self) -> None:
        if self._upload_id is not None:
            upload_id, self._upload_id = self._upload_id, None
            self._store.client.abort_multipart_upload(
                Bucket=self._store.bucket, Key=self._name, UploadId=upload_id
            )
        self._buf = bytearray()


class S3Store(Store):
    def __init__(
        self,
        bucket: str,
        endpoint_url: str | None = None,
        region: str = "us-east-1",
        access_key: str | None = None,
        secret_key: str | None = None,
        prefix: str = "",
        *,
        part_size: int = 8 << 20,
        client: Any = None,
    ) -> None:
        if part_size < 5 << 20:
            raise ValueError("S3 multipart parts must be at least 5 MiB")
        self.bucket = bucket
        self.prefix = prefix.strip("/") + "/" if prefix.strip("/") else ""
        self.part_size = part_size
        if client is None:
            import boto3
            from botocore.config import Config

            config = Config(
                signature_version="s3v4",
                retries={"max_attempts": 5, "mode": "standard"},
                s3={"addressing_style": "path" if endpoint_url else "auto"},
            )
            client = boto3.client(
                "s3",
                endpoint_url=endpoint_url,
                region_name=region,
                aws_access_key_id=access_key,
                aws_secret_access_key=secret_key,
                config=config,
            )
        self.client = client

    def __repr__(self) -> str:
        return f"S3Store(bucket={self.bucket!r}, prefix={self.prefix!r})"

    def _name(self, key: str) -> str:
        return self.prefix + check_key(key)

    def _head(self, key: str) -> dict[str, Any] | None:
        from botocore.exceptions import ClientError

        try:
            resp: dict[str, Any] = self.client.head_object(Bucket=self.bucket, Key=self._name(key))
            return resp
        except ClientError as exc:
            if _error_code(exc) in ("404", "NoSuchKey", "NotFound"):
                return None
            raise

    def open_writer(self, key: str) -> BlobWriter:
        if self.exists(key):
            raise AlreadyExistsError(f"{key} already exists")
        return _S3Writer(self, key, self._name(key))

    def read_range(self, key: str, start: int, length: int) -> bytes:
        from botocore.exceptions import ClientError

        if start < 0 or length < 0:
            raise ValueError("negative range")
        if length == 0:
            return b""
        try:
            resp = self.client.get_object(
                Bucket=self.bucket, Key=self._name(key), Range=f"bytes={start}-{start + length - 1}"
            )
        except ClientError as exc:
            code = _error_code(exc)
            if code in ("NoSuchKey", "404"):
                raise NotFoundError(key) from None
            if code == "InvalidRange":
                return b""
            raise
        data: bytes = resp["Body"].read()
        return data[:length]

    def size(self, key: str) -> int:
        head = self._head(key)
        if head is None:
            raise NotFoundError(key)
        return int(head["ContentLength"])

    def exists(self, key: str) -> bool:
        return self._head(key) is not None

    def modified_at(self, key: str) -> datetime:
        head = self._head(key)
        if head is None:
            raise NotFoundError(key)
        modified: datetime = head["LastModified"]
        return modified

    def delete(self, key: str) -> None:
        if not self.exists(key):
            raise NotFoundError(key)
        self.client.delete_object(Bucket=self.bucket, Key=self._name(key))

    def iter_keys(self) -> Iterator[str]:
        pages = self.client.get_paginator("list_objects_v2").paginate(
            Bucket=self.bucket, Prefix=self.prefix
        )
        for page in pages:
            for obj in page.get("Contents", []):
                yield obj["Key"][len(self.prefix) :]

    def iter_incomplete(self) -> Iterator[Incomplete]:
        pages = self.client.get_paginator("list_multipart_uploads").paginate(
            Bucket=self.bucket, Prefix=self.prefix
        )
        for page in pages:
            for up in page.get("Uploads", []):
                yield Incomplete(
                    key=up["Key"][len(self.prefix) :],
                    handle=up["UploadId"],
                    started_at=up.get("Initiated"),
                )

    def remove_incomplete(self, item: Incomplete) -> None:
        self.client.abort_multipart_upload(
            Bucket=self.bucket, Key=self._name(item.key), UploadId=item.handle
        )
