"""The docking-station watcher: ingest each file once it stops growing.

A file moves to DIR/ingested/ only after its vault copy has been read back and
its SHA-256 matched. A file that fails moves to DIR/failed/ with NAME.reason.txt.
Files in DIR/<BADGE>/ belong to the officer with that badge number.
"""

from __future__ import annotations

import logging
import os
import shutil
import time
from dataclasses import dataclass, field
from pathlib import Path

from evidentia.accounts.models import User
from evidentia.core.errors import EvidentiaError
from evidentia.evidence.services.ingest import Submission, ingest_path

log = logging.getLogger("evidentia.watch")
SKIP_DIRS = {"ingested", "failed"}


@dataclass
class Watcher:
    root: Path
    officer_badge: str | None = None
    device_id: str = ""
    stable_seconds: float = 5.0
    actor: str = "watch"
    _seen: dict[Path, tuple[int, int, float]] = field(default_factory=dict)

    def candidates(self) -> list[Path]:
        found = []
        for dirpath, dirnames, filenames in os.walk(self.root):
            dirnames[:] = [d for d in dirnames if d not in SKIP_DIRS and not d.startswith(".")]
            for name in filenames:
                if not name.startswith(".") and not name.endswith(".part"):
                    found.append(Path(dirpath) / name)
        return sorted(found)

    def is_stable(self, path: Path, now: float) -> bool:
        """Stable once size and mtime have not changed for `stable_seconds`."""
        try:
            st = path.stat()
        except FileNotFoundError:
            self._seen.pop(path, None)
            return False
        sig = (st.st_size, st.st_mtime_ns)
        before = self._seen.get(path)
        if before is None or before[:2] != sig:
            self._seen[path] = (*sig, now)
            return self.stable_seconds <= 0
        return now - before[2] >= self.stable_seconds

    def _badge_for(self, path: Path) -> str | None:
        rel = path.relative_to(self.root)
        return rel.parts[0] if len(rel.parts) > 1 else self.officer_badge

    def _move(self, path: Path, folder: str) -> Path:
        dest_dir = self.root / folder
        dest_dir.mkdir(exist_ok=True)
        dest = dest_dir / path.name
        n = 1
        while dest.exists():
            dest = dest_dir / f"{path.stem}.{n}{path.suffix}"
            n += 1
        shutil.move(path, dest)
        return dest

    def handle(self, path: Path) -> str:
        badge = self._badge_for(path)
        try:
            officer = (
                User.objects.filter(badge_number=badge, is_active=True).first() if badge else None
            )
            if badge and officer is None:
                raise EvidentiaError(f"no active officer has badge number {badge}")
            sub = Submission(
                original_name=path.name, via="watch", officer=officer, device_id=self.device_id
            )
            result = ingest_path(path, sub, actor=self.actor, verify=True)
        except (EvidentiaError, OSError) as exc:
            reason = getattr(exc, "message", None) or str(exc)
            dest = self._move(path, "failed")
            dest.with_name(dest.name + ".reason.txt").write_text(reason + "\n", encoding="utf-8")
            log.warning("could not ingest %s: %s", path, reason)
            return "failed"
        self._move(path, "ingested")
        self._seen.pop(path, None)
        log.info("ingested %s as %s", path, result.item.pk)
        return "ingested" if result.created else "duplicate"

    def scan(self, now: float | None = None) -> dict[str, int]:
        now = time.monotonic() if now is None else now
        counts: dict[str, int] = {}
        for path in self.candidates():
            if self.is_stable(path, now):
                outcome = self.handle(path)
                counts[outcome] = counts.get(outcome, 0) + 1
        return counts
