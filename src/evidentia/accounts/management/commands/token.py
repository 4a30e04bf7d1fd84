from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from evidentia.accounts import services
from evidentia.accounts.models import User
from evidentia.core.errors import EvidentiaError


class Command(BaseCommand):
    help = "API tokens: `create --user NAME` prints a new token once."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        create = sub.add_parser("create")
        create.add_argument("--user", required=True)
        create.add_argument("--name", default="command-line token")
        create.add_argument(
            "--scope",
            action="append",
            help="repeatable; default: every scope the user's role allows",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        user = User.objects.filter(username=options["user"]).first()
        if user is None:
            raise CommandError(f"No user {options['user']!r}.")
        scopes = options["scope"] or sorted(services.allowed_scopes(user))
        try:
            # Shell access to the server is the authority here; the ledger names the user.
            _, secret = services.create_token(user, name=options["name"], scopes=scopes, actor=user)
        except EvidentiaError as exc:
            raise CommandError(exc.message) from exc
        self.stderr.write(f"Token for {user.username} ({', '.join(scopes)}). Shown once:")
        self.stdout.write(secret)
