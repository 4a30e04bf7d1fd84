from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand
from kombu import Queue

from evidentia.custody.signing import public_verifier_key
from evidentia.evidence.vaultio import create_keyring_if_missing


def declare_task_queues() -> None:
    """Declare the broker's queues once, before any worker or publisher starts.

    The embedded SQLite broker creates a queue row on first use; a worker and a publisher
    doing that at the same moment collide on its unique name and one of them fails.
    """
    from evidentia.celery import app

    names = {app.conf.task_default_queue} | {
        route["queue"] for route in (settings.CELERY_TASK_ROUTES or {}).values()
    }
    with app.connection_for_write() as connection:
        channel = connection.default_channel
        for name in sorted(names):
            Queue(name).bind(channel).declare()


class Command(BaseCommand):
    help = "Create the database schema and the agency keys (idempotent)."

    def handle(self, *args: Any, **options: Any) -> None:
        call_command("migrate", interactive=False, verbosity=0)
        self.stdout.write(f"Database ready ({settings.DATABASES['default']['ENGINE']}).")
        if create_keyring_if_missing():
            self.stdout.write(f"Created the key-encryption key at {settings.KEK_FILE} (mode 0600).")
        else:
            self.stdout.write("Key-encryption key present.")
        declare_task_queues()
        self.stdout.write(f"Ledger verifier key: {public_verifier_key()}")
        self.stdout.write(self.style.SUCCESS(f"Evidentia home: {settings.EVIDENTIA_HOME}"))
