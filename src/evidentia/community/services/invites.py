"""Evidence-submission invites: a link with a random token that lets one witness add
files to one case without an account (like Axon Community Request).

The token is shown once, on the page after creation (and in the email, when one is
given); only its SHA-256 is stored, so a lost link cannot be recovered, only revoked and
replaced. Only people who may add evidence to the case may invite.
"""

from __future__ import annotations

import contextlib
import logging
import secrets
from dataclasses import dataclass
from datetime import timedelta

import qrcode
import qrcode.image.svg
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.core.validators import validate_email
from django.db import transaction
from django.http import HttpRequest
from django.urls import NoReverseMatch, reverse
from django.utils import timezone

from evidentia.accounts.models import User
from evidentia.cases import services as cases
from evidentia.cases.models import Case
from evidentia.community.models import Invite
from evidentia.community.services import notify
from evidentia.community.services._common import clean, digest
from evidentia.community.services.reports import Invalid
from evidentia.core.errors import Conflict
from evidentia.custody import events, ledger

log = logging.getLogger(__name__)
MAX_DAYS = 90
MAX_FILES = 100
MAX_MESSAGE = 2000


@dataclass(frozen=True)
class NewInvite:
    label: str
    email: str = ""
    message: str = ""
    days: int | None = None
    max_files: int | None = None
    max_bytes: int | None = None


def invite_path(token: str) -> str:
    """The witness's page; the public side names the route "public:invite"."""
    try:
        return reverse("public:invite", args=[token])
    except NoReverseMatch:
        return f"/public/invite/{token}/"


def invite_url(token: str, request: HttpRequest | None = None) -> str:
    """The full link (a phone scanning the QR code needs the origin too)."""
    return notify.absolute(invite_path(token), request)


def qr_svg(text: str) -> str:
    """The link as an inline SVG QR code, drawn here (no outside service)."""
    image = qrcode.make(
        text,
        image_factory=qrcode.image.svg.SvgPathFillImage,
        box_size=10,
        error_correction=qrcode.constants.ERROR_CORRECT_M,
    )
    svg: str = image.to_string(encoding="unicode")
    return svg


def check_can_invite(actor: User, case: Case) -> None:
    """Those who may link evidence to the case: its members, custodians on open cases."""
    cases.check_can_link(actor, case)


def _validate(new: NewInvite) -> tuple[NewInvite, dict[str, str]]:
    errors: dict[str, str] = {}
    label = clean(new.label)
    if not label:
        errors["label"] = "Say who the invite is for, so you recognise it later."
    elif len(label) > 120:
        errors["label"] = "Keep the label under 120 characters."
    email = clean(new.email)
    if email:
        try:
            validate_email(email)
        except ValidationError:
            errors["email"] = "That email address does not look right."
    message = clean(new.message)
    if len(message) > MAX_MESSAGE:
        errors["message"] = f"Keep the message under {MAX_MESSAGE} characters."
    days = settings.INVITE_DEFAULT_DAYS if new.days is None else new.days
    if not 1 <= days <= MAX_DAYS:
        errors["days"] = f"An invite lasts between 1 and {MAX_DAYS} days."
    files = settings.INVITE_DEFAULT_MAX_FILES if new.max_files is None else new.max_files
    if not 1 <= files <= MAX_FILES:
        errors["max_files"] = f"Allow between 1 and {MAX_FILES} files."
    size = settings.INVITE_DEFAULT_MAX_BYTES if new.max_bytes is None else new.max_bytes
    if not 1 <= size <= settings.INVITE_DEFAULT_MAX_BYTES:
        top = settings.INVITE_DEFAULT_MAX_BYTES // 1024**2
        errors["max_bytes"] = f"The largest file allowed must be between 1 byte and {top} MB."
    cleaned = NewInvite(label, email, message, days, files, size)
    return cleaned, errors


def create(
    case: Case,
    label: str,
    email: str = "",
    message: str = "",
    days: int | None = None,
    max_files: int | None = None,
    max_bytes: int | None = None,
    *,
    actor: User,
    request: HttpRequest | None = None,
) -> tuple[Invite, str]:
    """The invite and its token (the token exists only in this return value). Unset
    limits take the INVITE_DEFAULT_* settings."""
    check_can_invite(actor, case)
    new, errors = _validate(NewInvite(label, email, message, days, max_files, max_bytes))
    if errors:
        raise Invalid(errors)
    assert new.days is not None and new.max_files is not None and new.max_bytes is not None
    token = secrets.token_urlsafe(32)
    now = timezone.now()
    with transaction.atomic():
        invite = Invite.objects.create(
            case=case,
            token_hash=digest(token),
            label=new.label,
            email=new.email,
            message=new.message,
            max_files=new.max_files,
            max_bytes=new.max_bytes,
            created_by=actor,
            created_at=now,
            expires_at=now + timedelta(days=new.days),
        )
        ledger.record(
            events.INVITE_CREATED,
            actor=actor,
            request=request,
            case=case,
            detail={
                "invite": str(invite.pk),
                "case_number": case.number,
                "label_sha256": digest(invite.label),
                "emailed": bool(invite.email),
                "expires_at": invite.expires_at,
                "max_files": invite.max_files,
                "max_bytes": invite.max_bytes,
            },
        )
        if invite.email:
            transaction.on_commit(lambda: _email(invite, token, request))
    return invite, token


def _email(invite: Invite, token: str, request: HttpRequest | None = None) -> None:
    lines = [
        f"{settings.AGENCY_NAME} asks you to send photos or videos for an investigation.",
        "",
    ]
    if invite.message:
        lines += [invite.message, ""]
    lines += [
        "Send your files here, no account needed:",
        invite_url(token, request),
        "",
        f"The link works until {invite.expires_at:%d %B %Y} and takes up to "
        f"{invite.max_files} files. Keep it private: anyone with it can add files.",
    ]
    try:
        send_mail(
            f"{settings.AGENCY_NAME}: a request for your photos or videos",
            "\n".join(lines),
            settings.DEFAULT_FROM_EMAIL,
            [invite.email],
        )
    except Exception:
        log.warning("could not email invite %s", invite.pk)


def revoke(invite: Invite, *, actor: User, request: HttpRequest | None = None) -> Invite:
    """Stop the link working at once. Files already received stay evidence."""
    # An archived case takes no new evidence, but closing a link is always allowed.
    with contextlib.suppress(Conflict):
        check_can_invite(actor, invite.case)
    with transaction.atomic():
        invite = Invite.objects.select_for_update().select_related("case").get(pk=invite.pk)
        if invite.revoked_at:
            raise Conflict("This invite was already revoked.")
        invite.revoked_at = timezone.now()
        invite.revoked_by = actor
        invite.save(update_fields=["revoked_at", "revoked_by"])
        ledger.record(
            events.INVITE_REVOKED,
            actor=actor,
            request=request,
            case=invite.case,
            detail={"invite": str(invite.pk), "case_number": invite.case.number},
        )
    return invite
