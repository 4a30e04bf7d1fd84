from __future__ import annotations

import sys
from typing import Any

from django.core.management.base import BaseCommand, CommandParser
from rich.progress import Progress

from evidentia.custody import ledger
from evidentia.custody.checkpoint import parse_verifier_key
from evidentia.custody.models import Event
from evidentia.custody.signing import key_name, signing_key
from evidentia.custody.verify import verify


class Command(BaseCommand):
    help = "The custody ledger: `verify` recomputes it; `checkpoint` signs the current head."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        v = sub.add_parser("verify", help="recompute every hash and check every signature")
        v.add_argument(
            "--trusted-key",
            action="append",
            default=[],
            help="a verifier key (name+hash+base64) to trust instead of the local key file",
        )
        sub.add_parser("checkpoint", help="sign a checkpoint of the current tree head")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["action"] == "checkpoint":
            made = ledger.sign_checkpoint()
            self.stdout.write(made.note if made else "The ledger is empty.")
            return
        keys = dict(parse_verifier_key(k) for k in options["trusted_key"]) or {
            key_name(): signing_key().public_key()
        }
        total = Event.objects.count()
        with Progress(transient=True, disable=not sys.stderr.isatty()) as bar:
            task = bar.add_task("Verifying the ledger", total=total)
            report = verify(keys, progress=lambda done: bar.update(task, completed=done))
        summary = f"{report.events} events, {report.checkpoints} signed checkpoints"
        if report.ok:
            self.stdout.write(self.style.SUCCESS(f"OK: {summary} verified."))
            return
        self.stdout.write(self.style.ERROR(f"FAILED: {summary} read."))
        if report.first_bad_seq is not None:
            self.stdout.write(
                self.style.ERROR(f"First bad sequence number: {report.first_bad_seq}")
            )
        for problem in report.problems:
            self.stdout.write(f"- {problem}")
        sys.exit(1)
