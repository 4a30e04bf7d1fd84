"""CAD exports waiting between upload and import. They hold addresses, so each is
removed when its import finishes, and any left behind (a person who uploaded and walked
away) is removed by the periodic task once it is older than CAD_UPLOAD_MAX_AGE_HOURS."""

from __future__ import annotations

import time
from pathlib import Path

from django.conf import settings

from evidentia.core.errors import Rejected


class TooLarge(Rejected):
    status = 413


def max_bytes() -> int:
    return int(getattr(settings, "CAD_IMPORT_MAX_BYTES", 200 * 1024**2))


def check_size(size: int | None) -> None:
    limit = max_bytes()
    if size is not None and size > limit:
        raise TooLarge(
            f"The file is {size / 1024**2:,.1f} MB; CAD imports take at most "
            f"{limit / 1024**2:,.0f} MB. Export a shorter date range and import it in parts."
        )


def upload_dir() -> Path:
    path = Path(settings.UPLOAD_DIR) / "cad"
    path.mkdir(parents=True, exist_ok=True)
    return path


def remove_abandoned(hours: float | None = None) -> int:
    """Delete saved uploads older than `hours` (default CAD_UPLOAD_MAX_AGE_HOURS, 24).
    Idempotent; returns how many files went."""
    if hours is None:
        hours = float(getattr(settings, "CAD_UPLOAD_MAX_AGE_HOURS", 24))
    folder = Path(settings.UPLOAD_DIR) / "cad"
    if not folder.is_dir():
        return 0
    cutoff = time.time() - hours * 3600
    removed = 0
    for path in folder.glob("*.csv"):
        try:
            if path.stat().st_mtime < cutoff:
                path.unlink()
                removed += 1
        except FileNotFoundError:  # removed by the import that finished meanwhile
            continue
    return removed
