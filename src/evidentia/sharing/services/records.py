"""Public-records requests: the one door (permission, change, ledger event together).

Residents file as the system actor "public" with no client information kept; records
clerks (custodians) and administrators manage requests. Releases are ZIPs of approved
redacted copies only, behind a random link whose SHA-256 alone is stored.
"""

from __future__ import annotations

import hashlib
import re
import secrets
import statistics
import tempfile
import zipfile
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import IO, Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.db.models import Q, QuerySet
from django.http import HttpRequest
from django.utils import timezone

from evidentia.accounts.models import Role, User
from evidentia.community.services import codes
from evidentia.community.services._common import PUBLIC_ACTOR, digest
from evidentia.core.errors import Conflict, EvidentiaError, NotFound, PermissionDenied, Rejected
from evidentia.custody import events, ledger
from evidentia.evidence import policy
from evidentia.evidence.models import Item
from evidentia.evidence.vaultio import ref, vault
from evidentia.redaction.models import RedactedVersion, RedactionPlan
from evidentia.sharing.models import RecordsItem, RecordsRequest
from evidentia.sharing.services import records_mail

MANAGERS = {Role.CUSTODIAN, Role.ADMIN}
APPROVED_STATES = {
    RedactionPlan.State.APPROVED,
    RedactionPlan.State.RENDERING,
    RedactionPlan.State.RENDERED,
}
FIELDS = (
    "name",
    "email",
    "phone",
    "description",
    "date_from",
    "date_to",
    "location",
    "officers",
    "incident",
)


class Invalid(EvidentiaError):
    status = 400

    def __init__(self, errors: dict[str, str]) -> None:
        super().__init__("Please correct the marked fields.")
        self.errors = errors


class LinkGone(EvidentiaError):
    status = 410


def may_manage(user: User) -> bool:
    return user.is_authenticated and user.has_role(*MANAGERS)


def _check(user: User) -> None:
    if not may_manage(user):
        raise PermissionDenied(
            "Only records clerks (custodians) and administrators handle records requests."
        )


def clerks() -> QuerySet[User]:
    return User.objects.filter(is_active=True, role=Role.CUSTODIAN).order_by("username")


def add_business_days(start: datetime, days: int, holidays: tuple[str, ...] = ()) -> datetime:
    """`start` moved on by `days` working days: weekends and the holidays are skipped."""
    off = {date.fromisoformat(h) for h in holidays}
    current, left = start, days
    while left > 0:
        current += timedelta(days=1)
        if current.weekday() < 5 and current.date() not in off:
            left -= 1
    return current


def due_for(received: datetime) -> datetime:
    return add_business_days(
        received, settings.RECORDS_DUE_BUSINESS_DAYS, tuple(settings.RECORDS_HOLIDAYS)
    )


# Intake ---------------------------------------------------------------------------------


def _day(value: Any) -> date | None:
    if isinstance(value, date):
        return value
    return date.fromisoformat(str(value).strip()) if str(value or "").strip() else None


def validate(data: dict[str, Any]) -> dict[str, Any]:
    errors: dict[str, str] = {}
    clean = {k: (str(data.get(k) or "")).strip() for k in FIELDS}
    if not clean["name"]:
        errors["name"] = "Tell us your name; records requests are not anonymous."
    if not clean["email"] and not clean["phone"]:
        errors["email"] = "Give an email address or a phone number so we can reach you."
    if clean["email"]:
        try:
            validate_email(clean["email"])
        except ValidationError:
            errors["email"] = "This does not look like an email address."
    if len(clean["description"]) < 10:
        errors["description"] = "Describe the records you want (at least 10 characters)."
    for key in ("date_from", "date_to"):
        try:
            clean[key] = _day(clean[key])
        except ValueError:
            errors[key] = "Use a date like 2026-03-02."
    if (
        not errors.get("date_from")
        and not errors.get("date_to")
        and clean["date_from"]
        and clean["date_to"]
        and clean["date_from"] > clean["date_to"]
    ):
        errors["date_to"] = "The end date is before the start date."
    for key, size in (("name", 200), ("phone", 40), ("location", 300), ("officers", 300)):
        if len(clean[key]) > size:
            errors[key] = f"At most {size} characters."
    if len(clean["incident"]) > 100:
        errors["incident"] = "At most 100 characters."
    if errors:
        raise Invalid(errors)
    return clean


@dataclass
class Filed:
    request: RecordsRequest
    code: str


def file_request(
    data: dict[str, Any], *, staff: User | None = None, request: HttpRequest | None = None
) -> Filed:
    """File a request; a resident's (staff None) is recorded as "public" with no client."""
    if staff is not None:
        _check(staff)
    clean = validate(data)
    code = codes.new_code()
    now = timezone.now()
    with transaction.atomic():
        rr = RecordsRequest.objects.create(
            reference=f"PRR-{codes.new_public_id()[:8]}",
            code_hash=codes.code_hash(code),
            via=RecordsRequest.Via.STAFF if staff else RecordsRequest.Via.PUBLIC,
            received_at=now,
            due_at=due_for(now),
            created_by=staff,
            **clean,
        )
        _event(rr, events.RECORDS_FILED, staff, request, {"via": rr.via, "due_at": rr.due_at})
    return Filed(rr, code)


def _event(
    rr: RecordsRequest,
    kind: str,
    actor: User | None,
    request: HttpRequest | None,
    detail: dict[str, Any] | None = None,
    item: Item | None = None,
) -> None:
    base = {"request": rr.reference, "status": rr.status}
    extra = {k: str(v) for k, v in (detail or {}).items()}
    if actor is None:
        ledger.record(kind, actor=PUBLIC_ACTOR, item=item, detail=base | extra, client={})
    else:
        ledger.record(kind, actor=actor, request=request, item=item, detail=base | extra)


def lookup(code: str) -> RecordsRequest | None:
    if not codes.normalise(code):
        return None
    return RecordsRequest.objects.filter(code_hash=codes.code_hash(code)).first()


# Staff ----------------------------------------------------------------------------------


def get(user: User, pk: Any) -> RecordsRequest:
    _check(user)
    rr = RecordsRequest.objects.select_related("assignee").filter(pk=pk).first()
    if rr is None:
        raise NotFound("No such records request.")
    return rr


def listing(user: User) -> QuerySet[RecordsRequest]:
    _check(user)
    return RecordsRequest.objects.select_related("assignee")


@dataclass
class Dashboard:
    open: int
    overdue: int
    median_days: float | None


def dashboard(user: User) -> Dashboard:
    requests = listing(user)
    now = timezone.now()
    open_ = requests.filter(status__in=RecordsRequest.OPEN)
    spans = [
        (r.closed_at - r.received_at).total_seconds() / 86400
        for r in requests.filter(status=RecordsRequest.Status.FULFILLED, closed_at__isnull=False)
    ]
    return Dashboard(
        open=open_.count(),
        overdue=open_.filter(due_at__lt=now).count(),
        median_days=round(statistics.median(spans), 1) if spans else None,
    )


def _open(rr: RecordsRequest) -> None:
    if not rr.is_open:
        raise Conflict(f"Request {rr.reference} is {rr.get_status_display().lower()}.")


def assign(user: User, rr: RecordsRequest, assignee: User | None, request=None) -> None:
    _check(user)
    _open(rr)
    if assignee is None or not assignee.has_role(Role.CUSTODIAN):
        raise Invalid({"assignee": "Choose a records clerk (a custodian)."})
    with transaction.atomic():
        rr.assignee = assignee
        rr.status = RecordsRequest.Status.IN_REVIEW
        rr.save(update_fields=["assignee", "status"])
        _event(rr, events.RECORDS_ASSIGNED, user, request, {"assignee": assignee.get_username()})


def candidates(user: User, rr: RecordsRequest, request=None) -> list[Item]:
    """Items the request could be about: recorded in its date range, by the officers it
    names (badge or name), in cases with its incident or case number. At least one of
    those must be known. Searching near a place is `records_place.near`."""
    _check(user)
    items = policy.visible_items(user).filter(disposed_at__isnull=True)
    used = False
    if rr.date_from:
        items, used = items.filter(recorded_at__date__gte=rr.date_from), True
    if rr.date_to:
        items, used = items.filter(recorded_at__date__lte=rr.date_to), True
    words = [w for w in re.split(r"[,;\s]+", rr.officers) if len(w) >= 2]
    if words:
        match = Q()
        for w in words:
            match |= (
                Q(officer__badge_number__iexact=w)
                | Q(officer__username__iexact=w)
                | Q(officer__first_name__iexact=w)
                | Q(officer__last_name__iexact=w)
            )
        items, used = items.filter(match), True
    if rr.incident:
        items = items.filter(
            Q(cases__incident_number__iexact=rr.incident) | Q(cases__number__iexact=rr.incident)
        )
        used = True
    if not used:
        return []
    found = list(items.select_related("officer").distinct().order_by("recorded_at")[:200])
    _event(rr, events.RECORDS_SEARCHED, user, request, {"found": len(found)})
    return found


def approved_versions(item: Item) -> QuerySet[RedactedVersion]:
    return (
        RedactedVersion.objects.filter(
            plan__item=item, plan__state__in=APPROVED_STATES, plan__approved_at__isnull=False
        )
        .select_related("plan", "blob")
        .order_by("-created_at")
    )


def attach(user: User, rr: RecordsRequest, item: Item, version: Any, request=None) -> RecordsItem:
    _check(user)
    _open(rr)
    if item.disposed_at is not None:
        raise Rejected(f"“{item.title}” was disposed of; nothing can be released.")
    chosen = approved_versions(item).filter(pk=getattr(version, "pk", version)).first()
    if chosen is None or chosen.plan.approved_sha256 != chosen.plan_sha256:
        raise Rejected(
            f"“{item.title}” has no approved redacted version by that number; only approved "
            "redacted copies are released, never originals."
        )
    with transaction.atomic():
        attached, _ = RecordsItem.objects.update_or_create(
            request=rr,
            item=item,
            defaults={
                "version": chosen,
                "added_by": user,
                "added_at": timezone.now(),
                "removed_at": None,
                "removed_by": None,
                "removed_reason": "",
            },
        )
        _event(
            rr,
            events.RECORDS_ITEM_ATTACHED,
            user,
            request,
            {"plan": chosen.plan.number, "sha256": chosen.blob.sha256},
            item=item,
        )
    return attached


def fulfil(user: User, rr: RecordsRequest, request=None) -> str:
    """Close as fulfilled; return the download link's token (shown once, hash kept) and
    e-mail the link to the requester when they gave an address."""
    _check(user)
    _open(rr)
    if not rr.attached.exists():
        raise Rejected("Attach at least one redacted recording before fulfilling.")
    token = secrets.token_urlsafe(32)
    now = timezone.now()
    with transaction.atomic():
        rr.status = RecordsRequest.Status.FULFILLED
        rr.closed_at = now
        rr.link_hash = digest(token)
        rr.link_expires_at = now + timedelta(days=settings.RECORDS_LINK_DAYS)
        rr.save(update_fields=["status", "closed_at", "link_hash", "link_expires_at"])
        _event(
            rr,
            events.RECORDS_FULFILLED,
            user,
            request,
            {
                "items": rr.attached.count(),
                "link_expires_at": rr.link_expires_at,
                "emailed": bool(rr.email),
            },
        )
        if rr.email:  # the token goes in the mail only, never the ledger or a log
            transaction.on_commit(lambda: records_mail.send_link(rr, token, request))
    return token


def close(user: User, rr: RecordsRequest, status: str, note: str, request=None) -> None:
    _check(user)
    _open(rr)
    if status not in (RecordsRequest.Status.DENIED, RecordsRequest.Status.WITHDRAWN):
        raise Invalid({"status": "Choose denied or withdrawn."})
    if not note.strip():
        raise Invalid({"note": "Give the reason; the requester will see it."})
    with transaction.atomic():
        rr.status, rr.decision_note, rr.closed_at = status, note.strip(), timezone.now()
        rr.save(update_fields=["status", "decision_note", "closed_at"])
        _event(rr, events.RECORDS_CLOSED, user, request, {"outcome": status})


# The release ----------------------------------------------------------------------------


def by_link(token: str) -> RecordsRequest:
    rr = RecordsRequest.objects.filter(link_hash=digest(token)).first() if token else None
    if rr is None:
        raise NotFound("No such release link.")
    if rr.link_expires_at is None or rr.link_expires_at <= timezone.now():
        _event(rr, events.RECORDS_LINK_REFUSED, None, None)
        raise LinkGone(
            "This download link has expired. Contact the records office with your tracking "
            "code for a new one."
        )
    return rr


def _safe(title: str) -> str:
    return re.sub(r"[^A-Za-z0-9._-]+", "_", title).strip("_")[:60] or "recording"


def release_zip(rr: RecordsRequest) -> IO[bytes]:
    """A temporary ZIP of the attached redacted copies and a short manifest; the
    originals and the custody log (staff names, addresses) are never in it."""
    out = tempfile.TemporaryFile(dir=settings.FILE_UPLOAD_TEMP_DIR)  # noqa: SIM115 (returned)
    lines = [f"{settings.AGENCY_NAME}: records request {rr.reference}", ""]
    with zipfile.ZipFile(out, "w", zipfile.ZIP_STORED) as z:
        for n, att in enumerate(rr.attached.select_related("item", "version__blob"), 1):
            blob = att.version.blob
            name = f"{n:02d}_{_safe(att.item.title)}_redacted"
            sha = hashlib.sha256()
            with z.open(name, "w", force_zip64=True) as member:
                for chunk in vault().iter_plaintext(ref(blob)):
                    sha.update(chunk)
                    member.write(chunk)
            if sha.hexdigest() != blob.sha256:
                raise Conflict("A redacted copy did not read back intact; nothing was released.")
            lines.append(f"{name}  sha256 {blob.sha256}")
        z.writestr("MANIFEST.txt", "\n".join(lines) + "\n")
    _event(rr, events.RECORDS_DOWNLOADED, None, None, {"items": rr.attached.count()})
    out.seek(0)
    return out
