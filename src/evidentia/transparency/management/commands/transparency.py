"""`evidentia transparency refresh`: recompute the published figures now."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from evidentia.transparency.services.refresh import refresh


class Command(BaseCommand):
    help = "The public transparency portal: refresh its (suppressed) figures."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        sub.add_parser("refresh", help="recompute every section for every year")

    def handle(self, *args: Any, **options: Any) -> None:
        result = refresh()
        years = f"{result.years[0]}-{result.years[-1]}"
        self.stdout.write(
            f"Refreshed {result.datasets} datasets for {years} in {result.seconds:.1f} s."
        )
