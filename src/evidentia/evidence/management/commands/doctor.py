from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from evidentia.evidence.services.doctor import run


class Command(BaseCommand):
    help = "Clean up after crashes (orphan blobs, half-written uploads, stuck jobs) and report."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--grace-seconds",
            type=float,
            default=3600,
            help="leave anything younger alone: it may be an ingest still in progress",
        )
        parser.add_argument("--dry-run", action="store_true")

    def handle(self, *args: Any, **options: Any) -> None:
        report = run(grace_seconds=options["grace_seconds"], dry_run=options["dry_run"])
        verb = "Would remove" if options["dry_run"] else "Removed"
        self.stdout.write(f"{verb} {len(report.orphans_removed)} orphan blob(s).")
        for key in report.orphans_removed:
            self.stdout.write(f"  {key}")
        self.stdout.write(f"{verb} {report.incomplete_removed} half-written upload(s).")
        for key in report.shred_leftovers_removed:
            self.stdout.write(f"{verb} the leftover object of a disposed blob: {key}")
        if report.jobs_requeued:
            self.stdout.write(f"Re-queued {report.jobs_requeued} stuck job(s).")
        for key in report.missing_blobs:
            self.stdout.write(
                self.style.ERROR(f"MISSING from storage: {key} (evidence row exists)")
            )
        if report.ledger_problem:
            self.stdout.write(self.style.ERROR(report.ledger_problem))
        if not report.healthy:
            raise CommandError("Problems found; nothing was repaired automatically.")
        self.stdout.write(self.style.SUCCESS("Healthy."))
