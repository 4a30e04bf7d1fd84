"""Moderating what the public sees of a report, as FixMyStreet does: the public text and
whether the report is listed at all. The resident's original description is never
changed; every edit keeps the text as it was (ModerationEdit) and goes in the ledger
as digests only."""

from __future__ import annotations

from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone

from evidentia.accounts.models import User
from evidentia.community.models import ModerationEdit, Report
from evidentia.community.services import public
from evidentia.community.services._common import clean, digest
from evidentia.community.services.reports import Invalid
from evidentia.community.services.triage import clean_text, record, workable
from evidentia.core.errors import Conflict
from evidentia.custody import events

REASON_MAX = 300
TEXT_FIELD = "public_description"
LISTED_FIELD = "public"


def _reason(reason: str | None) -> str:
    reason = clean(reason)
    if not reason:
        raise Invalid({"reason": "Say why, for the moderation log."})
    if len(reason) > REASON_MAX:
        raise Invalid({"reason": f"Keep the reason under {REASON_MAX} characters."})
    return reason


def edit_text(
    report: Report,
    text: str,
    reason: str,
    *,
    actor: User,
    request: HttpRequest | None = None,
) -> ModerationEdit:
    """Set the public text (for example without a neighbour's name or number)."""
    text = clean_text(text, "text", required=True, what="the public text")
    reason = _reason(reason)
    with transaction.atomic():
        report = workable(actor, report, lock=True)
        before = public.public_text(report)
        if report.moderated and report.public_description == text:
            raise Conflict("The public text is already exactly this.")
        edit = ModerationEdit.objects.create(
            report=report,
            field=TEXT_FIELD,
            before=before,
            after=text,
            reason=reason,
            editor=actor,
        )
        report.moderated = True
        report.public_description = text
        report.updated_at = timezone.now()
        report.save(update_fields=["moderated", "public_description", "updated_at"])
        record(
            events.REPORT_MODERATED,
            report,
            actor,
            request,
            edit=edit.pk,
            field=TEXT_FIELD,
            before_sha256=digest(before),
            after_sha256=digest(text),
            reason_sha256=digest(reason),
        )
    return edit


def set_listed(
    report: Report,
    listed: bool,
    reason: str,
    *,
    actor: User,
    request: HttpRequest | None = None,
) -> ModerationEdit:
    """Hide a report from the public map, list, feed and Open311, or show it again. A
    complaint about an officer, or a report in a private category, is never shown."""
    reason = _reason(reason)
    with transaction.atomic():
        report = workable(actor, report, lock=True)
        if report.public == listed:
            raise Conflict(
                "The report is already shown publicly."
                if listed
                else "The report is already hidden from the public."
            )
        if listed and report.restricted:
            raise Conflict("A complaint about an officer is never shown publicly.")
        if listed and not report.service.public:
            raise Conflict(
                f"Reports in the category “{report.service.name}” are private, so they are "
                "never shown publicly."
            )
        edit = ModerationEdit.objects.create(
            report=report,
            field=LISTED_FIELD,
            before=_shown(report.public),
            after=_shown(listed),
            reason=reason,
            editor=actor,
        )
        report.public = listed
        report.updated_at = timezone.now()  # the public listing changed: Open311 shows it
        report.save(update_fields=["public", "updated_at"])
        record(
            events.REPORT_MODERATED,
            report,
            actor,
            request,
            edit=edit.pk,
            field=LISTED_FIELD,
            **{"from": _shown(not listed), "to": _shown(listed)},
            reason_sha256=digest(reason),
        )
    return edit


def _shown(listed: bool) -> str:
    return "shown" if listed else "hidden"
