"""`evidentia synthetic`: fill the database with synthetic accountability history for
demos and benchmarks (see evidentia.synthetic). Never on a production database: it
refuses when synthetic data is already present unless told to add another batch."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from evidentia.accounts.models import Unit
from evidentia.synthetic import accountability


class Command(BaseCommand):
    help = "Generate synthetic CAD calls, force reports, complaints and community reports."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--years", type=float, default=1.0, help="Length of the period.")
        parser.add_argument("--end", type=date.fromisoformat, help="Last day (default today).")
        parser.add_argument("--officers", type=int, default=60)
        parser.add_argument("--calls", type=int, default=20_000)
        parser.add_argument("--force-reports", type=int, default=250)
        parser.add_argument("--complaints", type=int, default=120)
        parser.add_argument("--community-reports", type=int, default=400)
        parser.add_argument("--records-requests", type=int, default=30)
        parser.add_argument("--seed", type=int, default=7)
        parser.add_argument("--units", help="Comma-separated unit codes (default: all).")
        parser.add_argument(
            "--again", action="store_true", help="Add another batch when some is already there."
        )

    def handle(self, *args: Any, **o: Any) -> None:
        days = round(o["years"] * 365)
        numbers = ("officers", "calls", "force_reports", "complaints", "community_reports")
        if days < 1 or o["officers"] < 1 or any(o[k] < 0 for k in numbers):
            raise CommandError("Give a period of at least a day, an officer, and no negatives.")
        if (there := accountability.present()) and not o["again"]:
            self.stdout.write(
                f"Synthetic data is already here ({there} calls). Pass --again to add a batch."
            )
            return
        units = None
        if o["units"]:
            codes = [c.strip() for c in o["units"].split(",") if c.strip()]
            units = list(Unit.objects.filter(code__in=codes).order_by("code"))
            if len(units) != len(set(codes)):
                raise CommandError(f"Unknown unit in {o['units']!r}.")
        started = timezone.now()
        accountability.generate(
            end=o["end"] or timezone.now().date(),
            days=days,
            officers=o["officers"],
            calls=o["calls"],
            force_reports=o["force_reports"],
            complaints=o["complaints"],
            community_reports=o["community_reports"],
            records_requests=o["records_requests"],
            seed=o["seed"],
            units=units,
            say=self.stdout.write,
        )
        seconds = (timezone.now() - started).total_seconds()
        self.stdout.write(
            f"Done in {seconds:.0f} s. This data is synthetic: see docs/decisions/0024."
        )
