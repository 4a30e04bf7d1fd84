from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from evidentia.core.errors import EvidentiaError
from evidentia.core.keyservice import key_usage, rotate_kek
from evidentia.evidence.management.commands._common import cli_actor
from evidentia.evidence.vaultio import keyring


class Command(BaseCommand):
    help = "Agency keys: `status` lists the KEKs and what they wrap; `rotate` adds a new one."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        sub.add_parser("status")
        sub.add_parser("rotate")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["action"] == "rotate":
            try:
                new_id = rotate_kek(actor=cli_actor())
            except EvidentiaError as exc:
                raise CommandError(exc.message) from exc
            self.stdout.write(
                self.style.SUCCESS(f"New current KEK {new_id}; back up the key ring now.")
            )
            return
        current = keyring().current_id
        for kek_id, count in key_usage().items():
            mark = " (current)" if kek_id == current else ""
            self.stdout.write(f"{kek_id}{mark}: wraps {count} blob(s)")
