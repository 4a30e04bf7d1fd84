from __future__ import annotations

import sys
from typing import Any

from django.core.management.base import BaseCommand, CommandError
from rich.progress import Progress

from evidentia.core.errors import EvidentiaError
from evidentia.evidence.services.fixity import run


class Command(BaseCommand):
    help = "Re-read every blob and compare its SHA-256. Reports; never repairs."

    def handle(self, *args: Any, **options: Any) -> None:
        with Progress(transient=True, disable=not sys.stderr.isatty()) as bar:
            task = bar.add_task("Checking fixity", total=None)
            try:
                report = run(
                    trigger="cli",
                    progress=lambda done, total: bar.update(task, completed=done, total=total),
                )
            except EvidentiaError as exc:
                raise CommandError(exc.message) from exc
        for sha, reason in report.failures:
            self.stdout.write(self.style.ERROR(f"FAILED {sha}: {reason}"))
        if report.failed:
            raise CommandError(f"{report.failed} of {report.checked} blobs failed fixity.")
        self.stdout.write(self.style.SUCCESS(f"OK: {report.checked} blobs match their SHA-256."))
