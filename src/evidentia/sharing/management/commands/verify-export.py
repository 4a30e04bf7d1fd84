"""`evidentia verify-export BAG [--key FILE] [--json]`: offline, no database."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from evidentia.sharing.verify import verify_bag


class Command(BaseCommand):
    help = (
        "Check an export package offline: every file's hash, every event's inclusion "
        "proof, the checkpoint's signature, that no event was dropped, and that each "
        "original matches the hash recorded at ingest. Needs no database."
    )
    requires_system_checks: list[str] = []  # type: ignore[assignment]
    requires_migrations_checks = False

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("bag", help="the bag: a directory or a .zip")
        parser.add_argument(
            "--key",
            metavar="FILE",
            help="a file holding the verifier key you trust (name+hash+base64), "
            "e.g. saved from the agency's /api/v1/custody/key",
        )
        parser.add_argument("--json", action="store_true", help="print the result as JSON")
        parser.add_argument("--workers", type=int, default=2, help="hashing threads (2)")

    def handle(self, *args: Any, **options: Any) -> None:
        key = None
        if options["key"]:
            try:
                key = Path(options["key"]).read_text().strip()
            except OSError as exc:
                self.stderr.write(f"Cannot read the key file: {exc}")
                sys.exit(2)
        result = verify_bag(options["bag"], key, workers=options["workers"])
        if options["json"]:
            self.stdout.write(json.dumps(result.as_dict(), indent=2))
        elif result.ok:
            self.stdout.write(
                self.style.SUCCESS(
                    f"VERIFIED: {result.files} files, {result.items} items, {result.events} "
                    f"custody events in a signed tree of {result.tree_size}."
                )
            )
            self.stdout.write(f"Export {result.export_id}, key {result.key}")
            for warning in result.warnings:
                self.stdout.write(self.style.WARNING(f"Note: {warning}"))
        else:
            self.stdout.write(self.style.ERROR(f"NOT VERIFIED: {len(result.problems)} problem(s)"))
            for problem in result.problems:
                self.stdout.write(f"- {problem}")
        if not result.ok:
            sys.exit(1)
