"""Who owns an upload (a staff user, or a grant for someone without an account),
what their files become, and the checks made on them before bytes become evidence."""

from __future__ import annotations

from django.http import HttpRequest

from evidentia.accounts.models import Role, User
from evidentia.cases.models import Case, Category
from evidentia.core.canonical import parse_rfc3339
from evidentia.core.errors import EvidentiaError, Rejected
from evidentia.evidence.media import mime_allowed, sniff
from evidentia.evidence.models import Upload
from evidentia.evidence.models.uploads import limits
from evidentia.evidence.services.ingest import Submission
from evidentia.evidence.services.upload_grants import Grant, resolve

# A staff user, or a grant for someone without an account (upload_grants).
Owner = User | Grant


class UploadError(EvidentiaError):
    """A refusal with its HTTP status and a message a person can act on."""

    def __init__(self, status: int, message: str, *, retry_after: int | None = None) -> None:
        super().__init__(message)
        self.status = status
        self.retry_after = retry_after


def owner_of(up: Upload) -> Owner:
    if up.user_id:
        return up.user  # type: ignore[return-value]
    grant = resolve(up.grant)
    if grant is None:
        raise UploadError(410, "The link this upload belonged to no longer exists.")
    return grant


def actor_of(who: Owner) -> User | str:
    return who.actor if isinstance(who, Grant) else who


def request_for(who: Owner, request: HttpRequest | None) -> HttpRequest | None:
    """Grants stand for residents: their address never reaches the ledger."""
    return None if isinstance(who, Grant) else request


def allowed_types(who: Owner) -> tuple[str, ...]:
    return who.allowed_types if isinstance(who, Grant) else limits().allowed_types


def submission_for(meta: dict[str, str], who: Owner) -> Submission:
    if isinstance(who, Grant):
        return who.make_submission(meta)
    user = who
    name = file_name(meta)
    sub = Submission(
        original_name=name,
        via="upload",
        device_id=meta.get("device_id", "").strip()[:100],
        description=meta.get("description", ""),
    )
    if badge := meta.get("officer", "").strip():
        sub.officer = User.objects.filter(badge_number=badge, is_active=True).first()
        if sub.officer is None:
            raise Rejected(f"No active officer has badge number {badge}.")
    elif user.role == Role.OFFICER:
        sub.officer = user
    if number := meta.get("case", "").strip():
        sub.case = Case.objects.filter(number=number).first()
        if sub.case is None:
            raise Rejected(f"No case numbered {number}.")
    if category := meta.get("category", "").strip():
        sub.category = Category.objects.filter(name=category).first()
        if sub.category is None:
            raise Rejected(f"No category named {category}.")
    if when := meta.get("recorded_at", "").strip():
        try:
            sub.recorded_at = parse_rfc3339(when)
        except ValueError:
            raise Rejected(
                "recorded_at must be an RFC 3339 time, e.g. 2026-03-02T14:03:07Z."
            ) from None
    return sub


def check_type(head: bytes, name: str, allowed: tuple[str, ...]) -> None:
    mime = sniff(head, name).mime.lower()
    if not mime_allowed(mime, allowed):
        raise UploadError(
            415, f"This file is {mime}; this server accepts only {', '.join(allowed)}."
        )


def human(size: float) -> str:
    for unit in ("bytes", "KiB", "MiB", "GiB"):
        if size < 1024 or unit == "GiB":
            return f"{size:.0f} {unit}" if unit == "bytes" else f"{size:.1f} {unit}"
        size /= 1024
    return f"{size} bytes"  # unreachable


def check_grant_open(grant: Grant) -> None:
    if grant.closed_reason:
        raise UploadError(410, grant.closed_reason)


def file_name(meta: dict[str, str]) -> str:
    """The file's name as tus clients send it in Upload-Metadata."""
    return meta.get("filename") or meta.get("name") or "upload"


def submission_name(up: Upload) -> str:
    return file_name(up.metadata)
