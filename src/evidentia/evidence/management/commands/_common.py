"""Helpers shared by the evidence commands."""

from __future__ import annotations

import getpass

from django.core.management.base import CommandError

from evidentia.accounts.models import User
from evidentia.cases.models import Case, Category
from evidentia.evidence.services.ingest import Submission


def cli_actor() -> str:
    """The ledger actor for shell commands: host access is the authority here."""
    try:
        return f"cli:{getpass.getuser()}"
    except (KeyError, OSError):
        return "cli"


def officer_by_badge(badge: str) -> User:
    officer = User.objects.filter(badge_number=badge, is_active=True).first()
    if officer is None:
        raise CommandError(f"No active officer has badge number {badge!r}.")
    return officer


def submission(name: str, via: str, options: dict) -> Submission:  # type: ignore[type-arg]
    sub = Submission(original_name=name, via=via, device_id=options.get("device") or "")
    if options.get("officer"):
        sub.officer = officer_by_badge(options["officer"])
    if options.get("case"):
        sub.case = Case.objects.filter(number=options["case"]).first()
        if sub.case is None:
            raise CommandError(f"No case numbered {options['case']!r}.")
    if options.get("category"):
        sub.category = Category.objects.filter(name=options["category"]).first()
        if sub.category is None:
            known = ", ".join(Category.objects.values_list("name", flat=True)) or "none yet"
            raise CommandError(f"No category {options['category']!r}. Known: {known}.")
    return sub
