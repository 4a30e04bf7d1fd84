"""CSV files held between upload and import (CAD exports, analytics incidents). They can
hold addresses, so each is bound to the session that sent it, removed when its import
finishes, and removed by the hourly upload cleanup if it was abandoned."""

from __future__ import annotations

import time
import uuid
from pathlib import Path

from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.http import HttpRequest

from evidentia.core.errors import NotFound, Rejected

KINDS = ("cad", "analytics")


class TooLarge(Rejected):
    status = 413


class StagedUploads:
    def __init__(self, kind: str, max_bytes_setting: str, what: str) -> None:
        assert kind in KINDS
        self.kind, self.max_bytes_setting, self.what = kind, max_bytes_setting, what
        self.session_key = f"{kind}_uploads"

    def folder(self) -> Path:
        path = Path(settings.UPLOAD_DIR) / self.kind
        path.mkdir(parents=True, exist_ok=True)
        return path

    def check_size(self, size: int | None) -> None:
        limit = int(getattr(settings, self.max_bytes_setting))
        if size is not None and size > limit:
            raise TooLarge(
                f"The file is {size / 1024**2:,.1f} MB; {self.what} take at most "
                f"{limit / 1024**2:,.0f} MB. Export a shorter date range and "
                "import it in parts."
            )

    def save(self, request: HttpRequest, upload: UploadedFile) -> tuple[str, Path]:
        """Keep the upload for this session; returns its token and path."""
        self.check_size(upload.size)
        token = str(uuid.uuid4())
        path = self.folder() / f"{token}.csv"
        with path.open("wb") as out:
            for chunk in upload.chunks():
                out.write(chunk)
        saved = request.session.get(self.session_key, {})
        saved[token] = upload.name or "upload.csv"
        request.session[self.session_key] = saved
        return token, path

    def get(self, request: HttpRequest, token: str) -> tuple[Path, str]:
        """The saved upload a token names, only for the session that uploaded it."""
        saved = request.session.get(self.session_key, {})
        if token not in saved:
            raise NotFound("That upload has expired or is not yours. Upload the file again.")
        try:
            path = self.folder() / f"{uuid.UUID(token)}.csv"
        except ValueError:
            raise NotFound("No such upload.") from None
        if not path.exists():
            raise NotFound("That upload has expired. Upload the file again.")
        return path, saved[token]

    def forget(self, request: HttpRequest, token: str) -> None:
        """Remove the file and the session's note of it (the import is done or refused)."""
        (self.folder() / f"{token}.csv").unlink(missing_ok=True)
        saved = request.session.get(self.session_key, {})
        saved.pop(token, None)
        request.session[self.session_key] = saved


def remove_abandoned(hours: float | None = None) -> int:
    """Delete staged uploads of every kind older than `hours` (default
    STAGED_UPLOAD_MAX_AGE_HOURS). Idempotent; returns how many files went."""
    if hours is None:
        hours = float(settings.STAGED_UPLOAD_MAX_AGE_HOURS)
    cutoff = time.time() - hours * 3600
    removed = 0
    for kind in KINDS:
        folder = Path(settings.UPLOAD_DIR) / kind
        if not folder.is_dir():
            continue
        for path in folder.glob("*.csv"):
            try:
                if path.stat().st_mtime < cutoff:
                    path.unlink()
                    removed += 1
            except FileNotFoundError:  # removed by the import that finished meanwhile
                continue
    return removed
