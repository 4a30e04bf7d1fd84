"""`evidentia analytics import|forecast|evaluate|areas ...`: each subcommand lives in
`evidentia.analytics.cli.<name>` with `add_arguments(parser)` and `handle(options, out)`."""

from __future__ import annotations

import importlib
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from evidentia.core.errors import EvidentiaError

SUBCOMMANDS = {
    "import": ("import_cmd", "Import incidents from a CSV with a column mapping."),
    "forecast": ("forecast_cmd", "Forecast where incidents will concentrate (cells.csv)."),
    "evaluate": ("evaluate_cmd", "Backtest the methods: hit rate, PAI, PEI; write a report."),
    "areas": ("areas_cmd", "Import a GeoJSON polygon layer of area units (bias report)."),
}


class Command(BaseCommand):
    help = "Crime analytics: import incidents, forecast, evaluate, import area layers."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        for name, (module, text) in SUBCOMMANDS.items():
            cmd = sub.add_parser(name, help=text, description=text)
            importlib.import_module(f"evidentia.analytics.cli.{module}").add_arguments(cmd)

    def handle(self, *args: Any, **options: Any) -> None:
        module = importlib.import_module(
            f"evidentia.analytics.cli.{SUBCOMMANDS[options['action']][0]}"
        )
        try:
            module.handle(options, self.stdout)
        except EvidentiaError as exc:
            raise CommandError(exc.message) from exc
