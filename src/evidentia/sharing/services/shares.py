"""Shares with prosecutors: the one door to create, open, use and revoke them.

A share lends items (or every item of a case) to one prosecutor until it expires or is
revoked. Each use by the grantee is a ledger event naming the share, so the sharer can
see who opened what and when; a use of a dead share is refused (410) and recorded too.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.db.models import Q, QuerySet
from django.http import HttpRequest
from django.utils import timezone

from evidentia.accounts.models import Role, User
from evidentia.cases.models import Case
from evidentia.core.errors import EvidentiaError, NotFound, PermissionDenied, Rejected
from evidentia.custody import events, ledger
from evidentia.custody.models import Event
from evidentia.evidence import policy
from evidentia.evidence.models import Item
from evidentia.sharing.models import Share
from evidentia.sharing.services import exports, watermark_jobs

SHARERS = {Role.CUSTODIAN, Role.INVESTIGATOR, Role.STANDARDS_INVESTIGATOR}
MAX_DAYS = 365
OPENED_KEY = "evidentia.shares_opened"
ACCESS_KINDS = (
    events.SHARE_ACCESSED,
    events.PLAYED,
    events.SHARE_REFUSED,
    events.SHARE_CODE_SENT,
    events.SHARE_CODE_REFUSED,
    *events.SHARE_AUTHENTICATOR_STEPS,
)


class ShareGone(EvidentiaError):
    """The share expired or was revoked: 410 Gone."""

    status = 410


class Invalid(Rejected):
    """Bad input on the share form; `errors` maps field -> message."""

    def __init__(self, errors: dict[str, str]) -> None:
        super().__init__(" ".join(errors.values()))
        self.errors = errors


def prosecutors() -> QuerySet[User]:
    return User.objects.filter(role=Role.PROSECUTOR, is_active=True).order_by("username")


def _check_sharer(actor: User, case: Case | None, items: list[Item]) -> None:
    if actor.role not in SHARERS or not actor.is_active:
        raise PermissionDenied("Only investigators and custodians may share evidence.")
    if case is not None and not case.members.filter(pk=actor.pk).exists():
        raise PermissionDenied(f"Only members of case {case.number} may share the whole case.")
    for item in items:
        if not policy.can_download(actor, item):
            raise PermissionDenied(f"You may not download “{item.title}”, so you cannot share it.")


def create(
    actor: User,
    *,
    grantee: User | None = None,
    recipient_email: str = "",
    case: Case | None = None,
    items: Iterable[Item] = (),
    mode: str = Share.Mode.VIEW,
    expires_at: datetime | None,
    notes: str = "",
    request: HttpRequest | None = None,
) -> Share:
    chosen = list(case.items.all()) if case is not None else list(items)
    _check_sharer(actor, case, chosen)
    errors: dict[str, str] = {}
    recipient_email = recipient_email.strip().lower()
    if grantee is not None and recipient_email:
        errors["grantee"] = "Choose a prosecutor or enter an e-mail address, not both."
    elif recipient_email:
        try:
            validate_email(recipient_email)
        except ValidationError:
            errors["recipient_email"] = "Enter a valid e-mail address."
    elif grantee is None or grantee.role != Role.PROSECUTOR or not grantee.is_active:
        errors["grantee"] = "Choose a prosecutor with an active account, or enter an e-mail."
    if mode not in Share.Mode.values:
        errors["mode"] = "Choose view only or view and download."
    now = timezone.now()
    if expires_at is None or expires_at <= now:
        errors["expires_at"] = "Choose an expiry date in the future."
    elif expires_at > now + timedelta(days=MAX_DAYS):
        errors["expires_at"] = f"A share lasts at most {MAX_DAYS} days."
    if not chosen:
        errors["items"] = "There is no evidence to share."
    if errors:
        raise Invalid(errors)
    assert expires_at is not None
    with transaction.atomic():
        share = Share.objects.create(
            case=case,
            grantee=grantee,
            recipient_email=recipient_email,
            created_by=actor,
            mode=mode,
            expires_at=expires_at,
            notes=notes.strip(),
        )
        if case is None:
            share.items.set(chosen)
        detail = {
            "share": str(share.pk),
            "grantee": _who(share),
            "mode": mode,
            "expires_at": expires_at.isoformat(),
        }
        if case is not None:
            ledger.record(
                events.SHARE_CREATED,
                actor=actor,
                request=request,
                case=case,
                detail=detail | {"scope": "case", "number": case.number},
            )
        for item in chosen:
            ledger.record(
                events.SHARE_CREATED,
                actor=actor,
                request=request,
                item=item,
                case=case,
                detail=detail | {"scope": "item"},
            )
        # The watermarked copies are made in the background from now on, so the first
        # play need not wait for them (decision 0030).
        watermark_jobs.queue_for_share(share, chosen)
        if share.external:
            from evidentia.sharing.services import external

            external.send_link(share, request)
    return share


def _who(share: Share) -> str:
    """The recipient as the ledger names them: a username, or the external e-mail."""
    return share.grantee.get_username() if share.grantee is not None else share.recipient_email


def revoke(actor: User, share: Share, request: HttpRequest | None = None) -> Share:
    if share.created_by_id != actor.pk and actor.role not in (Role.CUSTODIAN, Role.ADMIN):
        raise PermissionDenied("Only the person who made the share, or a custodian, may revoke it.")
    if share.revoked_at is not None:
        return share
    with transaction.atomic():
        share.revoked_at, share.revoked_by = timezone.now(), actor
        share.save(update_fields=["revoked_at", "revoked_by"])
        ledger.record(
            events.SHARE_REVOKED,
            actor=actor,
            request=request,
            case=share.case,
            detail={"share": str(share.pk), "grantee": _who(share)},
        )
    return share


def items_of(share: Share) -> QuerySet[Item]:
    if share.case_id is not None:
        return Item.objects.filter(cases=share.case_id)
    return share.items.all()


def _find(share_id: object) -> Share:
    try:
        return Share.objects.select_related("grantee", "created_by", "case").get(pk=share_id)
    except (Share.DoesNotExist, ValueError, TypeError) as exc:
        raise NotFound("No such share, or it was not made for you.") from exc


def made_by(user: User) -> QuerySet[Share]:
    shares = Share.objects.select_related("grantee", "case", "created_by")
    if user.role in (Role.CUSTODIAN, Role.ADMIN):
        return shares
    return shares.filter(created_by=user)


def received_by(user: User) -> QuerySet[Share]:
    return Share.objects.select_related("created_by", "case").filter(grantee=user)


def manage(user: User, share_id: object) -> Share:
    """A share as its maker (or a custodian) sees it."""
    share = _find(share_id)
    if not made_by(user).filter(pk=share.pk).exists():
        raise NotFound("No such share, or it was not made for you.")
    return share


def _refuse(user: User, share: Share, what: str, request: HttpRequest | None) -> ShareGone:
    why = "revoked" if share.revoked_at is not None else "expired"
    when = share.revoked_at or share.expires_at
    ledger.record(
        events.SHARE_REFUSED,
        actor=user,
        request=request,
        case=share.case,
        outcome="denied",
        detail={"share": str(share.pk), "action": what, "why": why},
    )
    by = share.created_by.get_full_name() or share.created_by.get_username()
    return ShareGone(
        f"This share was {why} on {when:%Y-%m-%d %H:%M} UTC, so its evidence is no longer "
        f"available to you. Ask {by} to share it again if you still need it."
    )


def open_share(user: User, share_id: object, request: HttpRequest | None = None) -> Share:
    """The grantee opens a share: 404 if it is not theirs, 410 (and a refused event) if it
    is dead, else a `share.accessed` event once per session."""
    share = _find(share_id)
    if share.grantee_id != user.pk:
        raise NotFound("No such share, or it was not made for you.")
    if not share.live:
        raise _refuse(user, share, "open", request)
    session = getattr(request, "session", None)
    opened: list[str] = session.get(OPENED_KEY, []) if session is not None else []
    if str(share.pk) not in opened:
        record_access(user, share, "open", request)
        if session is not None:
            session[OPENED_KEY] = [*opened[-200:], str(share.pk)]
    return share


def shared_share(user: User, share_id: object) -> Share:
    """The grantee's share, dead or alive (callers refuse dead ones with a record)."""
    share = _find(share_id)
    if share.grantee_id != user.pk:
        raise NotFound("No such share, or it was not made for you.")
    return share


def shared_item(
    user: User, share_id: object, item_id: object, what: str, request: HttpRequest | None
) -> tuple[Share, Item]:
    share = shared_share(user, share_id)
    if not share.live:
        raise _refuse(user, share, what, request)
    try:
        item = items_of(share).select_related("blob").get(pk=item_id)
    except (Item.DoesNotExist, ValueError) as exc:
        raise NotFound("This share does not include that item.") from exc
    return share, item


def record_access(
    user: User,
    share: Share,
    what: str,
    request: HttpRequest | None,
    item: Item | None = None,
    **extra: Any,
) -> None:
    ledger.record(
        events.SHARE_ACCESSED,
        actor=user,
        request=request,
        item=item,
        case=share.case,
        detail={"share": str(share.pk), "action": what, **extra},
    )


def covering(user: User, item: Item) -> Share | None:
    """A live share of `item` to `user` (download mode first), or None."""
    live = received_by(user).filter(revoked_at__isnull=True, expires_at__gt=timezone.now())
    found = live.filter(Q(items=item) | Q(case__items=item)).distinct()
    return found.order_by("mode").first()  # "download" sorts before "view"


def download(user: User, share: Share, out: Path, request: HttpRequest | None = None) -> Any:
    """The grantee downloads the share's evidence as a court export (ZIP)."""
    if not share.live:
        raise _refuse(user, share, "download", request)
    if not share.downloadable:
        raise PermissionDenied("This share is view only; it does not allow downloads.")
    items = [i for i in items_of(share) if i.disposed_at is None]
    result = exports.export(user, items=items, out=out, as_zip=True, request=request)
    with transaction.atomic():
        for item in items:
            record_access(
                user,
                share,
                "download",
                request,
                item=item,
                export_id=result.export_id,
                sha256=item.blob.sha256,
            )
    return result


def accesses(share: Share, limit: int = 500) -> list[dict[str, Any]]:
    """What the grantee did through this share, newest first, from the ledger."""
    found = (
        Event.objects.filter(kind__in=ACCESS_KINDS)
        .filter(body__contains=f'"share":"{share.pk}"')
        .order_by("-seq")[:limit]
    )
    rows = []
    for event in found:
        detail = json.loads(event.body).get("detail") or {}
        if event.kind == events.PLAYED:
            what = "played" + (" (watermarked)" if detail.get("copy") == "watermarked" else "")
        elif event.kind == events.SHARE_REFUSED:
            what = f"refused: share {detail.get('why', 'not live')} ({detail.get('action')})"
        elif event.kind == events.SHARE_CODE_SENT:
            what = "one-time code sent"
        elif event.kind == events.SHARE_CODE_REFUSED:
            what = f"code refused: {detail.get('why', '')}"
        elif event.kind in events.SHARE_AUTHENTICATOR_STEPS:
            what = events.LABELS[event.kind].lower().replace("external recipient", "recipient")
        else:
            action = detail.get("action", "")
            what = {
                "open": "opened the share",
                "download": "downloaded",
                "play": "played (watermarked)",
            }.get(action, action)
        rows.append({"event": event, "what": what})
    return rows
