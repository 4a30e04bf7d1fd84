"""`evidentia intervention evaluate [--as-of YYYY-MM-DD]` and `evidentia intervention rules`."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from evidentia.intervention.models import Rule
from evidentia.intervention.services.evaluate import evaluate


def _day(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError as exc:
        raise CommandError(f"--as-of wants a date like 2026-03-31, not {text!r}.") from exc


class Command(BaseCommand):
    help = "Early intervention: evaluate the rules, or list them."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        e = sub.add_parser("evaluate", help="evaluate every active rule and raise alerts")
        e.add_argument("--as-of", dest="as_of", help="evaluation day (UTC), default today")
        sub.add_parser("rules", help="list the rules")

    def handle(self, *args: Any, **opts: Any) -> None:
        if opts["action"] == "rules":
            for rule in Rule.objects.all():
                state = "active" if rule.active else "inactive"
                self.stdout.write(f"{rule.pk}\t{state}\t{rule.method}\t{rule.name}")
            return
        as_of = _day(opts["as_of"]) if opts.get("as_of") else None
        outcome = evaluate(as_of)
        for name, n in outcome.by_rule.items():
            self.stdout.write(f"{n} new\t{name}")
        self.stdout.write(
            f"Evaluated as of {outcome.as_of}: {len(outcome.raised)} alert(s) raised, "
            f"{outcome.skipped} already alerted."
        )
