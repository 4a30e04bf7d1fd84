"""`evidentia force check-recordings`: flag submitted use-of-force reports that no
body-camera recording covers, and link recordings that arrived since."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser


class Command(BaseCommand):
    help = "Use-of-force reports: check-recordings (the missing-recording check)."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        sub.add_parser("check-recordings", help="Set or clear the missing-recording flag.")

    def handle(self, *args: Any, **opts: Any) -> None:
        from evidentia.useofforce.services import recordings

        result = recordings.check_all()
        self.stdout.write(
            f"Checked: {result['missing']} report(s) missing a recording, "
            f"{result['cleared']} cleared by a recording found since."
        )
