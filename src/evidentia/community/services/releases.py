"""Public releases of redacted footage (e.g. after a critical incident).

Custodians publish and withdraw, as they are the ones who approve redactions: the
person who judged the redacted file fit to leave is the one who may put it out. Only a
RedactedVersion whose plan is still approved exactly as rendered (approved_sha256 ==
the version's plan_sha256) can be released; the original item is never streamed. A
release and its withdrawal are events in the item's chain of custody, with the SHA-256
of the released file.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date

from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone
from django.utils.text import slugify

from evidentia.accounts.models import Role, User
from evidentia.community.models import Release
from evidentia.community.services._common import clean
from evidentia.community.services.reports import MAX_DESCRIPTION, Invalid
from evidentia.core.errors import Conflict, NotFound, PermissionDenied
from evidentia.custody import events, ledger
from evidentia.evidence import policy
from evidentia.evidence.models import Item, Kind
from evidentia.redaction.models import RedactedVersion

PUBLISHERS = {Role.CUSTODIAN}
MAX_TITLE = 160
MAX_REASON = 1000


@dataclass(frozen=True)
class NewRelease:
    title: str
    statement: str
    summary: str
    incident_date: date | None


def can_publish(user: User) -> bool:
    return bool(user.is_authenticated and user.is_active and user.role in PUBLISHERS)


def check_can_publish(user: User) -> None:
    if not can_publish(user):
        raise PermissionDenied(
            "Only evidence custodians release footage to the public, as they approve redactions."
        )


def is_approved(version: RedactedVersion) -> bool:
    plan = version.plan
    return bool(plan.approved_at and plan.approved_sha256 == version.plan_sha256)


def get_item(actor: User, item_id: object) -> Item:
    check_can_publish(actor)
    try:
        item = Item.objects.filter(pk=item_id).first()
    except (ValueError, TypeError, ValidationError):  # a malformed UUID from the address
        item = None
    if item is None or not policy.can_view(actor, item):
        raise NotFound("There is no evidence item with that identifier that you can see.")
    return item


def approved_versions(item: Item) -> list[RedactedVersion]:
    """Rendered redacted versions of this item whose plan is still approved as rendered."""
    if item.kind != Kind.VIDEO:
        return []
    versions = RedactedVersion.objects.filter(plan__item=item).select_related("plan", "blob")
    return [v for v in versions.order_by("-created_at") if is_approved(v)]


def _validate(new: NewRelease) -> NewRelease:
    errors: dict[str, str] = {}
    title, statement, summary = clean(new.title), clean(new.statement), clean(new.summary)
    if not title:
        errors["title"] = "Write a title."
    elif len(title) > MAX_TITLE:
        errors["title"] = f"Keep it under {MAX_TITLE} characters."
    for field, value, what in (
        ("statement", statement, "the agency's statement"),
        ("summary", summary, "a summary of the incident"),
    ):
        if not value:
            errors[field] = f"Write {what}."
        elif len(value) > MAX_DESCRIPTION:
            errors[field] = f"Keep it under {MAX_DESCRIPTION} characters."
    if new.incident_date is None:
        errors["incident_date"] = "Give the date of the incident."
    elif new.incident_date > timezone.localdate():
        errors["incident_date"] = "That date is in the future."
    if errors:
        raise Invalid(errors)
    return NewRelease(title, statement, summary, new.incident_date)


def _slug(title: str, pk: uuid.UUID) -> str:
    return f"{slugify(title)[:60].strip('-') or 'release'}-{pk.hex[:8]}"


def publish(
    item: Item,
    version_id: object,
    new: NewRelease,
    *,
    actor: User,
    request: HttpRequest | None = None,
) -> Release:
    check_can_publish(actor)
    new = _validate(new)
    with transaction.atomic():
        try:
            version = (
                RedactedVersion.objects.select_for_update(of=("self",))
                .select_related("plan", "blob")
                .filter(pk=version_id, plan__item=item)
                .first()
            )
        except (ValueError, TypeError, ValidationError):
            version = None
        if version is None or item.kind != Kind.VIDEO:
            raise Invalid({"version": "Choose a redacted version of this item."})
        if not is_approved(version):
            raise Invalid({"version": "This redacted version's plan is not approved as rendered."})
        if version.blob_id == item.blob_id:  # never the original, whatever happened upstream
            raise Conflict("That file is the original evidence; it cannot be released.")
        pk = uuid.uuid4()
        release = Release.objects.create(
            id=pk,
            slug=_slug(new.title, pk),
            title=new.title,
            statement=new.statement,
            summary=new.summary,
            incident_date=new.incident_date,
            item=item,
            version=version,
            sha256=version.blob.sha256,
            published_by=actor,
            published_at=timezone.now(),
        )
        # A release is public text, so the ledger may name what was published.
        ledger.record(
            events.RELEASE_PUBLISHED,
            actor=actor,
            request=request,
            item=item,
            detail={
                "release": str(release.pk),
                "slug": release.slug,
                "title": release.title,
                "version": version.pk,
                "plan": str(version.plan_id),
                "plan_sha256": version.plan_sha256,
                "sha256": version.blob.sha256,
                "size": version.blob.size,
            },
        )
    return release


def withdraw(
    release: Release, reason: str = "", *, actor: User, request: HttpRequest | None = None
) -> Release:
    check_can_publish(actor)
    reason = clean(reason, MAX_REASON)
    with transaction.atomic():
        release = Release.objects.select_for_update().select_related("item").get(pk=release.pk)
        if release.withdrawn_at:
            raise Conflict("This release was already withdrawn.")
        release.withdrawn_at = timezone.now()
        release.withdrawn_by = actor
        release.withdrawn_reason = reason
        release.save(update_fields=["withdrawn_at", "withdrawn_by", "withdrawn_reason"])
        ledger.record(
            events.RELEASE_WITHDRAWN,
            actor=actor,
            request=request,
            item=release.item,
            detail={
                "release": str(release.pk),
                "title": release.title,
                "sha256": release.sha256,
                "reason": reason,
            },
        )
    return release


def find_public(key: str) -> Release | None:
    """A release by its slug or its id, live or withdrawn (the page says which)."""
    found = Release.objects.select_related("version__blob").filter(slug=key).first()
    if found is None:
        try:
            found = (
                Release.objects.select_related("version__blob").filter(pk=uuid.UUID(key)).first()
            )
        except ValueError:
            return None
    return found
