"""`evidentia cad import FILE [--map field=Column ...] [--mapping JSON] [--mode all|skip]`
and `evidentia cad tag [--since DATE]`.

The shell is trusted: the actor is the system name "cad" unless `--as USERNAME` names
an administrator or custodian. Import tags in the foreground and prints what it linked.
"""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from evidentia.accounts.models import User
from evidentia.cad.models import Call, Import
from evidentia.cad.services import imports, tagging
from evidentia.cad.services.access import SYSTEM
from evidentia.cad.services.csvfile import parse_mapping, parse_time
from evidentia.core.errors import EvidentiaError


class Command(BaseCommand):
    help = "CAD calls: import a CSV export, link recordings to calls."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        i = sub.add_parser("import", help="import calls from a CSV file")
        i.add_argument("file")
        i.add_argument("--map", action="append", default=[], metavar="FIELD=COLUMN")
        i.add_argument("--mapping", default="", help="JSON object, or @file.json")
        i.add_argument("--mode", choices=["all", "skip"], default="all")
        i.add_argument("--as", dest="as_user", default="")
        i.add_argument("--no-tag", action="store_true", help="leave tagging to the worker")
        t = sub.add_parser("tag", help="link recordings to the calls they cover")
        t.add_argument("--since", default="", help="ingested since (date or time; default 1 day)")

    def handle(self, *args: Any, **o: Any) -> None:
        try:
            getattr(self, f"do_{o['action']}")(o)
        except EvidentiaError as exc:
            raise CommandError(exc.message) from exc

    def do_import(self, o: dict[str, Any]) -> None:
        path = Path(o["file"])
        if not path.is_file():
            raise CommandError(f"No file {path}.")
        text = o["mapping"]
        if text.startswith("@"):
            try:
                text = Path(text[1:]).read_text(encoding="utf-8")
            except (OSError, UnicodeDecodeError) as exc:
                reason = exc.strerror if isinstance(exc, OSError) and exc.strerror else exc
                raise CommandError(f"--mapping: cannot read {text[1:]}: {reason}.") from exc
        mapping = parse_mapping(o["map"], text)
        actor: Any = SYSTEM
        if o["as_user"]:
            actor = User.objects.filter(username=o["as_user"], is_active=True).first()
            if actor is None:
                raise CommandError(f"No active user {o['as_user']!r}.")
        with path.open("rb") as stream:
            imp = imports.import_file(
                stream, file_name=path.name, actor=actor, mode=o["mode"], mapping=mapping,
                tag=False,
            )  # fmt: skip
        for e in imp.errors:
            where = f"line {e['line']}" if e["line"] else "file"
            self.stdout.write(f"{e.get('level', 'error')}: {where}: {e['reason']}")
        if imp.state == Import.State.REJECTED:
            raise CommandError(
                f"Nothing imported: {imp.rows_rejected} bad row(s) of {imp.rows_total}."
                if imp.rows_rejected
                else f"Nothing imported: {imp.errors[0]['reason'] if imp.errors else 'rejected'}"
            )
        self.stdout.write(
            f"Imported {imp.file_name}: {imp.rows_created} new call(s), {imp.rows_updated} "
            f"updated, {imp.rows_rejected} bad row(s) skipped. Import {imp.pk}."
        )
        if not o["no_tag"]:
            done = tagging.tag_calls(Call.objects.filter(source_import=imp))
            self._tagged(done)

    def do_tag(self, o: dict[str, Any]) -> None:
        since = timezone.now() - timedelta(days=1)
        if o["since"]:
            try:
                since = parse_time(
                    o["since"] if " " in o["since"] or "T" in o["since"] else o["since"] + " 00:00"
                )
            except ValueError as exc:
                raise CommandError(f"--since: {exc}") from exc
        self._tagged(tagging.tag_since(since))

    def _tagged(self, done: tagging.Tagged) -> None:
        self.stdout.write(
            f"Tagging: {done.items_seen} recording(s) checked, {done.items_changed} linked or "
            f"changed, {done.assignments_evaluated} assignment(s) evaluated."
        )
