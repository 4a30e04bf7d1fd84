"""`evidentia export (--case NUMBER | --item ID ...) [--redacted] --out PATH [--as USERNAME]`."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from evidentia.accounts.models import User
from evidentia.core.errors import EvidentiaError
from evidentia.sharing.services import exports

CLI_ACTOR = "cli"


class Command(BaseCommand):
    help = (
        "Write a court-ready export package (a BagIt bag; a .zip path gives a ZIP). "
        "With --as USERNAME the export is made as that user, with their permissions; "
        "without it, as the operator at the vault's shell (ledger actor system:cli)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        which = parser.add_mutually_exclusive_group(required=True)
        which.add_argument("--case", metavar="NUMBER", help="export every item of this case")
        which.add_argument(
            "--item", metavar="ID", nargs="+", action="extend", help="export these items"
        )
        parser.add_argument(
            "--redacted", action="store_true", help="the newest redacted copies, not originals"
        )
        parser.add_argument("--out", required=True, help="a new directory, or a new .zip file")
        parser.add_argument("--as", dest="as_user", metavar="USERNAME", help="act as this user")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            actor = self._actor(options["as_user"])
            case = exports.find_case(actor, options["case"]) if options["case"] else None
            result = exports.export(
                actor,
                case=case,
                items=options["item"] or (),
                redacted=options["redacted"],
                out=Path(options["out"]),
            )
        except EvidentiaError as exc:
            self.stderr.write(self.style.ERROR(exc.message))
            sys.exit(1)
        self.stdout.write(
            self.style.SUCCESS(
                f"Exported {result.items} item(s), {result.files} files "
                f"({result.bytes} bytes), {result.events} custody events to {result.path}"
            )
        )
        self.stdout.write(f"Export id: {result.export_id}")
        for missing in result.without_redacted:
            self.stdout.write(f"No redacted copy yet: {missing}")
        if result.left_out:
            self.stdout.write(f"Left out {result.left_out} case item(s) you may not download.")
        self.stdout.write(f"Check it with: evidentia verify-export {result.path}")

    def _actor(self, username: str | None) -> User | str:
        if not username:
            return CLI_ACTOR
        user = User.objects.filter(username=username, is_active=True).first()
        if user is None:
            raise EvidentiaError(f"No active user named {username}.")
        return user
