"""`evidentia retention due|flag|hold|release|request|approve|reject|shred|certificate|rule`.

Requests, approvals and holds act as a named custodian (`--as USERNAME`): the two-person
rule needs two accounts, even from the shell.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from evidentia.accounts.models import User
from evidentia.cases.models import Case, Category
from evidentia.core.errors import EvidentiaError
from evidentia.evidence.models import Item
from evidentia.evidence.vaultio import ref, vault
from evidentia.retention import services
from evidentia.retention.models import Disposition, LegalHold


def _user(name: str) -> User:
    user = User.objects.filter(username=name, is_active=True).first()
    if user is None:
        raise CommandError(f"No active user {name!r}.")
    return user


def _item(item_id: str) -> Item:
    try:
        return Item.objects.get(pk=item_id)
    except (Item.DoesNotExist, ValueError, Exception) as exc:
        raise CommandError(f"No item {item_id!r}.") from exc


def _disposition(ident: str) -> Disposition:
    """A disposition by its ID, or the open one of an item ID."""
    found = Disposition.objects.filter(pk=ident).first() if _uuid(ident) else None
    if found is None and _uuid(ident):
        found = Disposition.objects.filter(item_id=ident, state__in=Disposition.OPEN).first()
    if found is None:
        raise CommandError(f"No disposition (or item with an open one) {ident!r}.")
    return found


def _uuid(text: str) -> bool:
    import uuid

    try:
        uuid.UUID(text)
    except ValueError:
        return False
    return True


class Command(BaseCommand):
    help = "Retention: list what is due, flag it, holds, and the two-person disposition."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        sub.add_parser("due", help="list items whose retention period has ended")
        sub.add_parser("flag", help="flag due items (ledger events); never destroys")
        h = sub.add_parser("hold", help="place a legal hold on an item or a case")
        h.add_argument("--as", dest="as_user", required=True)
        target = h.add_mutually_exclusive_group(required=True)
        target.add_argument("--item")
        target.add_argument("--case", help="case number")
        h.add_argument("--reason", required=True)
        r = sub.add_parser("release", help="release a legal hold")
        r.add_argument("hold")
        r.add_argument("--as", dest="as_user", required=True)
        r.add_argument("--reason", default="")
        q = sub.add_parser("request", help="request disposition of an item")
        q.add_argument("item")
        q.add_argument("--as", dest="as_user", required=True)
        q.add_argument("--reason", required=True)
        a = sub.add_parser("approve", help="approve (a different custodian)")
        a.add_argument("disposition", help="disposition ID or item ID")
        a.add_argument("--as", dest="as_user", required=True)
        j = sub.add_parser("reject", help="refuse a requested disposition")
        j.add_argument("disposition")
        j.add_argument("--as", dest="as_user", required=True)
        j.add_argument("--reason", required=True)
        s = sub.add_parser("shred", help="run or resume approved dispositions")
        s.add_argument("disposition", nargs="?", help="default: every approved or unfinished one")
        c = sub.add_parser("certificate", help="write a disposition certificate PDF")
        c.add_argument("disposition", help="disposition ID or item ID")
        c.add_argument("--out", required=True)
        u = sub.add_parser("rule", help="set a category's retention rule")
        u.add_argument("category")
        period = u.add_mutually_exclusive_group(required=True)
        period.add_argument("--days", type=int)
        period.add_argument("--permanent", action="store_true")
        u.add_argument("--clock", choices=["recorded", "closure"], default="recorded")
        u.add_argument("--note", default="")

    def handle(self, *args: Any, **o: Any) -> None:
        try:
            getattr(self, f"do_{o['action']}")(o)
        except EvidentiaError as exc:
            raise CommandError(exc.message) from exc

    def do_due(self, o: dict[str, Any]) -> None:
        rows = services.due_positions(Item.objects.all())
        for due in rows:
            why = services.blockers(due.item, check_due=False)
            state = f"BLOCKED: {'; '.join(why)}" if why else "may be requested"
            self.stdout.write(
                f"{due.item.pk}  {due.due_at:%Y-%m-%d}  {due.item.category}  {due.item.title}  "
                f"[{state}]"
            )
        self.stdout.write(f"{len(rows)} item(s) due.")

    def do_flag(self, o: dict[str, Any]) -> None:
        self.stdout.write(f"Flagged {len(services.flag_due())} newly due item(s).")

    def do_hold(self, o: dict[str, Any]) -> None:
        actor = _user(o["as_user"])
        if o["case"]:
            case = Case.objects.filter(number=o["case"]).first()
            if case is None:
                raise CommandError(f"No case numbered {o['case']!r}.")
            hold = services.place_hold(actor=actor, reason=o["reason"], case=case)
        else:
            hold = services.place_hold(actor=actor, reason=o["reason"], item=_item(o["item"]))
        self.stdout.write(f"Hold {hold.pk} placed on {hold.subject}.")

    def do_release(self, o: dict[str, Any]) -> None:
        hold = LegalHold.objects.filter(pk=o["hold"]).first() if _uuid(o["hold"]) else None
        if hold is None:
            raise CommandError(f"No hold {o['hold']!r}.")
        services.release_hold(hold, actor=_user(o["as_user"]), reason=o["reason"])
        self.stdout.write(f"Hold {hold.pk} released.")

    def do_request(self, o: dict[str, Any]) -> None:
        d = services.request_disposition(_item(o["item"]), _user(o["as_user"]), o["reason"])
        self.stdout.write(f"Disposition {d.pk} requested; a different custodian must approve.")

    def do_approve(self, o: dict[str, Any]) -> None:
        d = services.approve(_disposition(o["disposition"]), _user(o["as_user"]))
        d.refresh_from_db()
        self.stdout.write(f"Disposition {d.pk} approved ({d.get_state_display().lower()}).")

    def do_reject(self, o: dict[str, Any]) -> None:
        d = services.reject(_disposition(o["disposition"]), _user(o["as_user"]), o["reason"])
        self.stdout.write(f"Disposition {d.pk} refused.")

    def do_shred(self, o: dict[str, Any]) -> None:
        S = Disposition.State
        todo = (
            [_disposition(o["disposition"])]
            if o["disposition"]
            else list(Disposition.objects.filter(state__in=[S.APPROVED, S.SHREDDING]))
        )
        for d in todo:
            d = services.shred(d)
            self.stdout.write(
                f"Disposition {d.pk}: {d.get_state_display().lower()}, certificate "
                f"{d.certificate_sha256}, {len(d.plan)} blob(s) destroyed, {len(d.kept)} kept."
            )
        if not todo:
            self.stdout.write("Nothing approved to shred.")

    def do_certificate(self, o: dict[str, Any]) -> None:
        d = _disposition(o["disposition"])
        if d.certificate is None:
            raise CommandError("That disposition has no certificate yet (not yet shredded).")
        data = vault().read_range(ref(d.certificate), 0, d.certificate.size)
        Path(o["out"]).write_bytes(data)
        self.stdout.write(f"Wrote {o['out']} (SHA-256 {d.certificate_sha256}).")

    def do_rule(self, o: dict[str, Any]) -> None:
        category, _ = Category.objects.get_or_create(name=o["category"])
        from evidentia.evidence.management.commands._common import cli_actor

        rule = services.set_rule(
            category,
            actor=cli_actor(),
            period_days=None if o["permanent"] else o["days"],
            clock=o["clock"],
            note=o["note"],
        )
        self.stdout.write(f"{category}: {rule.describe()}.")
