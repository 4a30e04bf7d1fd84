from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from evidentia.core.demo import logins_path, logins_text, seed


class Command(BaseCommand):
    help = "Seed demo data (once) and print the demo logins."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--clips", type=int, default=12)

    def handle(self, *args: Any, **options: Any) -> None:
        if not seed(options["clips"], say=self.stdout.write):
            self.stdout.write("Demo data already present.")
        self.stdout.write(f"\nDemo logins (also in {logins_path()}, mode 0600):\n")
        self.stdout.write(logins_text())
        self.stdout.write(
            "Add each TOTP secret to an authenticator app (or run `oathtool --totp -b SECRET`)."
        )
