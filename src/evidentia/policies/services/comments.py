"""Public comment on a policy version: periods (opened by an administrator), comments
(from anyone, no account), moderation that keeps the original, and the agency's
published responses. Ledger details carry ids and digests, never a commenter's text,
name or e-mail."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.db.models import Q, QuerySet
from django.http import HttpRequest
from django.utils import timezone

from evidentia.accounts.models import User
from evidentia.community.services._common import PUBLIC_ACTOR, digest
from evidentia.core.errors import Conflict, NotFound, Rejected
from evidentia.custody import events, ledger
from evidentia.policies.models import (
    CommentPeriod,
    CommentStatus,
    Policy,
    PolicyComment,
    PolicyVersion,
)
from evidentia.policies.services.versions import check_manage

MAX_COMMENT = 5000
MAX_NAME = 80
MAX_INTRO = 4000
MAX_REASON = 300
MAX_RESPONSE = 5000


class Invalid(Rejected):
    """A public comment that cannot be taken; `errors` maps each field to its message."""

    status = 400

    def __init__(self, errors: dict[str, str]) -> None:
        super().__init__(" ".join(errors.values()))
        self.errors = errors


def today() -> date:
    return timezone.localdate()


def _day(value: date | str | None, what: str) -> date:
    if isinstance(value, date):
        return value
    try:
        return date.fromisoformat(str(value or ""))
    except ValueError:
        raise Rejected(f"Give the {what} as YYYY-MM-DD.") from None


def open_period(
    version: PolicyVersion,
    *,
    opens_on: date | str,
    closes_on: date | str,
    actor: User,
    introduction: str = "",
    request: HttpRequest | None = None,
) -> CommentPeriod:
    check_manage(actor)
    opens, closes = _day(opens_on, "opening date"), _day(closes_on, "closing date")
    if closes < opens:
        raise Rejected("The period must close on or after the day it opens.")
    if closes < today():
        raise Rejected("That period is already over: choose a closing date from today on.")
    introduction = (introduction or "").strip()
    if len(introduction) > MAX_INTRO:
        raise Rejected(f"Keep the introduction under {MAX_INTRO:,} characters.")
    with transaction.atomic():
        Policy.objects.select_for_update().filter(pk=version.policy_id).first()
        overlapping = CommentPeriod.objects.filter(
            version__policy_id=version.policy_id, opens_on__lte=closes, closes_on__gte=opens
        )
        if overlapping.exists():
            raise Conflict("Another comment period on this policy overlaps those dates.")
        period = CommentPeriod.objects.create(
            version=version,
            opens_on=opens,
            closes_on=closes,
            introduction=introduction,
            created_by=actor,
        )
        ledger.record(
            events.POLICY_COMMENT_PERIOD_OPENED,
            actor=actor,
            request=request,
            detail={
                "policy": version.policy.slug,
                "version": version.number,
                "period": period.pk,
                "opens_on": opens.isoformat(),
                "closes_on": closes.isoformat(),
            },
        )
    return period


def is_open(period: CommentPeriod, on: date | None = None) -> bool:
    """Open from the first day to the last, both whole days, in the agency's time zone."""
    on = on or today()
    return period.opens_on <= on <= period.closes_on


def open_period_for(policy: Policy, on: date | None = None) -> CommentPeriod | None:
    on = on or today()
    return (
        CommentPeriod.objects.filter(version__policy=policy, opens_on__lte=on, closes_on__gte=on)
        .select_related("version")
        .first()
    )


def submit(
    period: CommentPeriod, *, body: str, display_name: str = "", email: str = ""
) -> PolicyComment:
    """A resident's comment. No account, no address kept; it waits for moderation."""
    if not is_open(period):
        when = "has not opened yet" if today() < period.opens_on else "has closed"
        raise Rejected(
            f"The comment period for this policy {when} (it runs {period.opens_on:%d %B %Y} "
            f"to {period.closes_on:%d %B %Y}). Thank you for your interest."
        )
    errors: dict[str, str] = {}
    body = (body or "").replace("\r\n", "\n").strip()
    display_name = " ".join((display_name or "").split())
    email = (email or "").strip()
    if not body:
        errors["body"] = "Write your comment."
    elif len(body) > MAX_COMMENT:
        errors["body"] = f"Keep your comment under {MAX_COMMENT:,} characters."
    if len(display_name) > MAX_NAME:
        errors["display_name"] = f"Keep the name under {MAX_NAME} characters."
    if email:
        try:
            if len(email) > 254:
                raise ValidationError("too long")
            validate_email(email)
        except ValidationError:
            errors["email"] = "That e-mail address does not look right."
    if errors:
        raise Invalid(errors)
    with transaction.atomic():
        comment = PolicyComment.objects.create(
            period=period, body=body, display_name=display_name, email=email
        )
        ledger.record(
            events.POLICY_COMMENT_RECEIVED,
            actor=PUBLIC_ACTOR,
            client={},
            detail={"period": period.pk, "comment": comment.pk, "body_sha256": digest(body)},
        )
    return comment


def get_comment(pk: Any) -> PolicyComment:
    try:
        return PolicyComment.objects.select_related("period__version__policy").get(pk=int(pk))
    except (TypeError, ValueError, PolicyComment.DoesNotExist):
        raise NotFound("No such comment.") from None


PUBLISH, EDIT, REJECT = "publish", "edit", "reject"


def moderate(
    comment: PolicyComment,
    action: str,
    *,
    actor: User,
    public_text: str = "",
    public_name: str | None = None,
    reason: str = "",
    request: HttpRequest | None = None,
) -> PolicyComment:
    """Publish as written, publish an edited public text (and, with `public_name`, a
    replaced or dropped name: "" publishes no name), or reject. The originals (`body`,
    `display_name`) never change; a decision may be revisited, and each is in the ledger."""
    check_manage(actor)
    name_moderated, name = False, ""
    reason = (reason or "").strip()
    if len(reason) > MAX_REASON:
        raise Rejected(f"Keep the reason under {MAX_REASON} characters.")
    if action == PUBLISH:
        status, public = CommentStatus.PUBLISHED, comment.body
    elif action == EDIT:
        public = (public_text or "").replace("\r\n", "\n").strip()
        if not public:
            raise Rejected("Give the text to publish, or reject the comment.")
        if len(public) > MAX_COMMENT:
            raise Rejected(f"Keep the public text under {MAX_COMMENT:,} characters.")
        if public_name is not None:
            name = " ".join(public_name.split())
            if len(name) > MAX_NAME:
                raise Rejected(f"Keep the name under {MAX_NAME} characters.")
            name_moderated = name != comment.display_name
            name = name if name_moderated else ""
        if not reason:
            raise Rejected("Say why the text was edited (for example: phone number removed).")
        status = CommentStatus.PUBLISHED
    elif action == REJECT:
        if not reason:
            raise Rejected("Give the reason the comment is not published.")
        status, public = CommentStatus.REJECTED, ""
    else:
        raise Rejected("Choose publish, edit or reject.")
    with transaction.atomic():
        comment.status = status
        comment.public_body = public
        if action != EDIT or public_name is not None:
            comment.name_moderated, comment.public_name = name_moderated, name
        comment.moderation_reason = reason
        comment.moderated_by = actor
        comment.moderated_at = timezone.now()
        comment.save(
            update_fields=[
                "status", "public_body", "name_moderated", "public_name",
                "moderation_reason", "moderated_by", "moderated_at",
            ]
        )  # fmt: skip
        ledger.record(
            events.POLICY_COMMENT_MODERATED,
            actor=actor,
            request=request,
            detail={
                "comment": comment.pk,
                "period": comment.period_id,
                "action": action,
                "status": status,
                "edited": action == EDIT,
                "name_changed": comment.name_moderated,
                "public_sha256": digest(public) if public else None,
            },
        )
    return comment


def respond(
    comment: PolicyComment, text: str, *, actor: User, request: HttpRequest | None = None
) -> PolicyComment:
    check_manage(actor)
    if comment.status != CommentStatus.PUBLISHED:
        raise Conflict("Publish the comment before answering it.")
    text = (text or "").replace("\r\n", "\n").strip()
    if not text:
        raise Rejected("Write the response.")
    if len(text) > MAX_RESPONSE:
        raise Rejected(f"Keep the response under {MAX_RESPONSE:,} characters.")
    with transaction.atomic():
        comment.response = text
        comment.responded_by = actor
        comment.responded_at = timezone.now()
        comment.save(update_fields=["response", "responded_by", "responded_at"])
        ledger.record(
            events.POLICY_COMMENT_ANSWERED,
            actor=actor,
            request=request,
            detail={
                "comment": comment.pk,
                "period": comment.period_id,
                "response_sha256": digest(text),
            },
        )
    return comment


def public_comments(policy: Policy) -> QuerySet[PolicyComment]:
    return (
        PolicyComment.objects.filter(period__version__policy=policy, status=CommentStatus.PUBLISHED)
        .select_related("period__version")
        .order_by("created_at", "pk")
    )


def pending_count(policy: Policy) -> int:
    return PolicyComment.objects.filter(
        Q(period__version__policy=policy) & Q(status=CommentStatus.PENDING)
    ).count()
