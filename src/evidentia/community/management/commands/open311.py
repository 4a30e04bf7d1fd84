from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db.models import Q

from evidentia.accounts.models import Role, User
from evidentia.community.services import open311_keys
from evidentia.core.errors import EvidentiaError


class Command(BaseCommand):
    help = (
        "Open311 api_keys: `key create NAME` prints a new key once; `key revoke PREFIX`; "
        "`key list`."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="thing", required=True)
        key = sub.add_parser("key", help="Open311 client keys")
        actions = key.add_subparsers(dest="action", required=True)
        create = actions.add_parser("create", help="issue a key; it is shown once")
        create.add_argument("name", help="the client that will use it, e.g. 'City 311 app'")
        create.add_argument("--by", help="the administrator issuing it (default: the only one)")
        revoke = actions.add_parser("revoke", help="revoke a key by its prefix")
        revoke.add_argument("prefix")
        revoke.add_argument("--by", help="the administrator revoking it (default: the only one)")
        actions.add_parser("list", help="keys, newest first (prefixes only)")

    def handle(self, *args: Any, **options: Any) -> None:
        action = options["action"]
        if action == "list":
            self._list()
            return
        # Shell access to the server is the authority here; the ledger names the admin.
        admin = self._admin(options.get("by"))
        try:
            if action == "create":
                key, secret = open311_keys.create_key(admin, options["name"])
                self.stderr.write(f"Open311 key {key.prefix}… for {key.name!r}. Shown once:")
                self.stdout.write(secret)
            else:
                key = open311_keys.revoke_key(admin, options["prefix"])
                self.stdout.write(f"Revoked {key.prefix}… ({key.name}).")
        except EvidentiaError as exc:
            raise CommandError(exc.message) from exc

    def _admin(self, username: str | None) -> User:
        if username:
            user = User.objects.filter(username=username).first()
            if user is None:
                raise CommandError(f"No user {username!r}.")
            return user
        admins = User.objects.filter(Q(role=Role.ADMIN) | Q(is_superuser=True), is_active=True)
        found = list(admins[:2])
        if not found:
            raise CommandError("There is no active administrator: create one first.")
        if len(found) > 1:
            raise CommandError("Name the administrator with --by USERNAME.")
        return found[0]

    def _list(self) -> None:
        keys = list(open311_keys.list_keys())
        if not keys:
            self.stdout.write("No Open311 keys.")
            return
        for key in keys:
            state = f"revoked {key.revoked_at:%Y-%m-%d}" if key.revoked_at else "active"
            self.stdout.write(
                f"{key.prefix}…  {state:<18} {key.created_at:%Y-%m-%d}  "
                f"{key.created_by.username:<16} {key.name}"
            )
