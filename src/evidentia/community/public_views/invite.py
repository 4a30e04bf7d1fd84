"""/public/invite/<token>/: a witness sends files for a case, without an account.

The page names the agency and shows the investigator's message and the limits; never
the case's number or title. Files go over tus with the invite's grant, or, without
JavaScript, in a multipart POST streamed into the vault. What arrived from this
browser is listed (a signed session cookie holds the item ids; scripts keep their own
list for tus uploads)."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.core import signing
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods

from evidentia.community.models import Invite, InviteFile
from evidentia.community.public_views import streaming
from evidentia.community.public_views.common import gone, not_found, page, private, too_many
from evidentia.community.services import grants, ratelimit
from evidentia.community.services._common import PUBLIC_ACTOR
from evidentia.core.errors import EvidentiaError
from evidentia.evidence.models import Item
from evidentia.evidence.services.ingest import finish, safe_title
from evidentia.evidence.services.upload_owner import human
from evidentia.evidence.uploads import VaultUploadHandler

COOKIE_SALT = "evidentia.invite-arrived"


def _cookie(invite: Invite) -> str:
    return f"invite-{invite.pk.hex[:16]}"


def _arrived_ids(request: HttpRequest, invite: Invite) -> list[str]:
    try:
        value = request.get_signed_cookie(_cookie(invite), salt=COOKIE_SALT)
    except (KeyError, signing.BadSignature):
        return []
    return [v for v in value.split(",") if v][:100]


def _arrived(request: HttpRequest, invite: Invite) -> list[Item]:
    ids = _arrived_ids(request, invite)
    linked = InviteFile.objects.filter(invite=invite, item_id__in=ids).select_related("item")
    return [f.item for f in linked]


def _room(invite: Invite) -> int:
    return max(0, invite.max_files - InviteFile.objects.filter(invite=invite).count())


def _render(request: HttpRequest, invite: Invite) -> HttpResponse:
    room = _room(invite)
    context = {
        "invite": invite,
        "room": room,
        "max_size": human(invite.max_bytes),
        "upload_grant": grants.upload_token(grants.invite_key(invite)) if room else "",
        "upload_scope": grants.upload_scope(grants.invite_key(invite)),
        "arrived": _arrived(request, invite),
        "storage_key": _cookie(invite),
    }
    return private(page(request, "invite.html", context))


def _store(invite: Invite, handler: VaultUploadHandler) -> tuple[list[str], list[str]]:
    """Each streamed file becomes evidence of the invite's case: item ids, problems.
    The invite is read again, locked, for each file: one revoked (or whose case was
    archived) while the body streamed stores nothing. Only a stored file is claimed;
    the others are deleted with the rest when the request ends."""
    kept: list[str] = []
    problems = [r.message for r in handler.refused]
    for upload in handler.stored:
        name = upload.name or "upload"
        try:
            with transaction.atomic():
                locked = Invite.objects.select_for_update(of=("self",))
                current = locked.select_related("case").get(pk=invite.pk)
                if reason := grants.invite_closed_reason(current):
                    problems.append(reason)
                    break
                if current.files.count() >= current.max_files:  # another request took the last
                    problems.append(f"This link takes at most {current.max_files} files.")
                    break
                sub = grants.invite_submission(current, name)
                ingested = finish(upload.written, upload.head, sub, actor=PUBLIC_ACTOR)
                grants.invite_stored(current, ingested)
        except EvidentiaError as exc:
            problems.append(f"{safe_title(name)}: {exc.message}")
            continue
        handler.claim(upload)
        kept.append(str(ingested.item.pk))
    return kept, problems


@csrf_exempt  # checked in streaming.read_form, once the vault handler is in place
@require_http_methods(["GET", "HEAD", "POST"])
def invite_page(request: HttpRequest, token: str) -> HttpResponse:
    scope, limit, what = "lookup", settings.PORTAL_LOOKUPS_PER_HOUR, "invitation lookups"
    if request.method == "POST":
        scope, limit, what = "upload", settings.PORTAL_UPLOADS_PER_HOUR, "uploads"
    try:
        ratelimit.hit(request, scope, limit, what)
    except ratelimit.RateLimited as exc:
        return private(too_many(request, exc))
    invite = grants.find_invite(token)
    if invite is None:
        return not_found(request, "invitation")
    if reason := grants.invite_closed_reason(invite):
        return gone(request, "This invitation is closed", reason)
    if request.method != "POST":
        return _render(request, invite)
    with streaming.incoming(request, max_bytes=invite.max_bytes, max_files=_room(invite)) as h:
        if (refused := streaming.read_form(request)) is not None:
            return private(refused)
        if h is None or not (h.stored or h.refused):
            messages.error(request, "Choose at least one file to send.")
            return redirect(request.path)
        kept, problems = _store(invite, h)
    if kept:
        n = len(kept)
        messages.success(request, f"{n} file{'s' if n != 1 else ''} received. Thank you.")
    for text in problems:
        messages.error(request, text)
    response = redirect(request.path)
    ids = ",".join([*_arrived_ids(request, invite), *kept][-100:])
    response.set_signed_cookie(
        _cookie(invite),
        ids,
        salt=COOKIE_SALT,
        path=request.path,
        httponly=True,
        samesite="Lax",
        secure=settings.SESSION_COOKIE_SECURE,
    )
    return response
