"""`evidentia search_reindex`: rebuild every item's search document (after a restore, an
import that bypassed the services, or a change of the indexed fields)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from evidentia.cases.searchindex import rebuild


class Command(BaseCommand):
    help = "Rebuild the full-text search documents of all evidence items."

    def handle(self, *args: Any, **options: Any) -> None:
        count = rebuild()
        self.stdout.write(f"Rebuilt {count} search document{'s' if count != 1 else ''}.")
