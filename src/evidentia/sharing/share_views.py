"""Share pages: share a case or items with a prosecutor, what the prosecutor sees, and the
sharer's record of who opened what (from the ledger), with a Revoke button."""

from __future__ import annotations

import os
import tempfile
from datetime import UTC, datetime, time, timedelta
from pathlib import Path

from django.conf import settings
from django.contrib import messages
from django.http import FileResponse, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST, require_safe

from evidentia.accounts.auth import signed_in_user, staff_required
from evidentia.accounts.models import User
from evidentia.cases.policy import visible_case
from evidentia.core.errors import EvidentiaError
from evidentia.evidence import media_views
from evidentia.evidence.services import access, playback
from evidentia.sharing.models import Share
from evidentia.sharing.services import external_totp, shares, watermark_jobs


def _refused(request: HttpRequest, exc: EvidentiaError) -> HttpResponse:
    if isinstance(exc, shares.ShareGone):
        return render(request, "sharing/gone.html", {"message": exc.message}, status=410)
    page = render(request, "evidence/error.html", {"message": exc.message}, status=exc.status)
    if isinstance(exc, watermark_jobs.NotReady):
        page["Retry-After"] = "5"
    return page


@staff_required
@require_safe
def index(request: HttpRequest) -> HttpResponse:
    user = signed_in_user(request)
    return render(
        request,
        "sharing/index.html",
        {
            "nav": "shares",
            "received": shares.received_by(user)[:200],
            "made": shares.made_by(user)[:200] if user.role in shares.SHARERS else [],
        },
    )


def _expiry(value: str) -> datetime | None:
    try:
        day = datetime.strptime(value.strip(), "%Y-%m-%d").date()
    except ValueError:
        return None
    return datetime.combine(day, time(23, 59), tzinfo=UTC)


def _new(request: HttpRequest, target: dict[str, object], title: str) -> HttpResponse:
    user = signed_in_user(request)
    default_expiry = (timezone.now() + timedelta(days=30)).date().isoformat()
    form = {
        "mode": Share.Mode.VIEW,
        "expires_at": default_expiry,
        "notes": "",
        "grantee": "",
        "recipient_email": "",
    }
    errors: dict[str, str] = {}
    if request.method == "POST":
        form = {k: request.POST.get(k, "") for k in form}
        grantee = shares.prosecutors().filter(pk=form["grantee"] or None).first()
        try:
            share = shares.create(
                user,
                grantee=grantee,
                recipient_email=form["recipient_email"],
                mode=form["mode"],
                expires_at=_expiry(form["expires_at"]),
                notes=form["notes"],
                request=request,
                **target,  # type: ignore[arg-type]
            )
        except shares.Invalid as exc:
            errors = exc.errors
        except EvidentiaError as exc:
            return _refused(request, exc)
        else:
            messages.success(request, f"Shared with {share.recipient}.")
            return redirect("sharing:share", share_id=share.pk)
    context = {
        "title": title,
        "form": form,
        "errors": errors,
        "prosecutors": shares.prosecutors(),
        "modes": Share.Mode.choices,
    }
    status = 422 if errors else 200
    return render(request, "sharing/new.html", context, status=status)


@staff_required
def new_case_share(request: HttpRequest, case_id: str) -> HttpResponse:
    try:
        case = visible_case(signed_in_user(request), case_id)
    except EvidentiaError as exc:
        return _refused(request, exc)
    return _new(request, {"case": case}, f"Share case {case.number} · {case.title}")


@staff_required
def new_item_share(request: HttpRequest, item_id: str) -> HttpResponse:
    try:
        item = access.get_item(signed_in_user(request), item_id)
    except EvidentiaError as exc:
        return _refused(request, exc)
    return _new(request, {"items": [item]}, f"Share “{item.title}”")


@staff_required
@require_safe
def share(request: HttpRequest, share_id: str) -> HttpResponse:
    user = signed_in_user(request)
    try:
        found = shares.manage(user, share_id)
    except EvidentiaError:
        found = None
    if found is not None:
        return render(
            request,
            "sharing/manage.html",
            {
                "share": found,
                "items": shares.items_of(found),
                "accesses": shares.accesses(found),
                "authenticator": external_totp.state(found) if found.external else None,
                "may_reset": external_totp.may_reset(user, found),
            },
        )
    try:
        found = shares.open_share(user, share_id, request)
    except EvidentiaError as exc:
        return _refused(request, exc)
    items, preparing = watermark_jobs.with_copies(found)
    context = {"share": found, "items": items, "preparing": preparing}
    return render(request, "sharing/received.html", context)


@staff_required
@require_POST
def revoke(request: HttpRequest, share_id: str) -> HttpResponse:
    user = signed_in_user(request)
    try:
        found = shares.revoke(user, shares.manage(user, share_id), request)
    except EvidentiaError as exc:
        return _refused(request, exc)
    messages.success(request, f"The share with {found.recipient} was revoked.")
    return redirect("sharing:share", share_id=found.pk)


@staff_required
@require_POST
def reset_authenticator(request: HttpRequest, share_id: str) -> HttpResponse:
    """An external recipient's authenticator app is reset (a lost phone); they go back to
    e-mailed codes and may set up again (decision 0032)."""
    user = signed_in_user(request)
    try:
        found = shares.manage(user, share_id)
        external_totp.reset(user, found, request)
    except EvidentiaError as exc:
        return _refused(request, exc)
    messages.success(
        request, f"{found.recipient_email} signs in with e-mailed codes until they set up again."
    )
    return redirect("sharing:share", share_id=found.pk)


@staff_required
@require_safe
def stream(request: HttpRequest, share_id: str, item_id: str) -> HttpResponse:
    user = signed_in_user(request)
    try:
        found, item = shares.shared_item(user, share_id, item_id, "play", request)
        access.check_not_disposed(item)
        source = watermark_jobs.playable(found, item)
    except EvidentiaError as exc:
        return _refused(request, exc)
    extra = {"share": str(found.pk)}
    return media_views.ranged_response(
        request, source, lambda: playback.log_played(user, item, source, request, extra)
    )


@staff_required
@require_safe
def copy_status(request: HttpRequest, share_id: str, item_id: str) -> HttpResponse:
    """Where the item's watermarked copy stands, as JSON for the player's progress bar;
    the same checks as the stream, so a dead share answers 410 and a stranger 404."""
    user = signed_in_user(request)
    try:
        found, item = shares.shared_item(user, share_id, item_id, "status", request)
        access.check_not_disposed(item)
        state = watermark_jobs.progress_of(found, item, retry_failed=False)
    except EvidentiaError as exc:
        return _refused(request, exc)
    reply = JsonResponse(state.as_json())
    reply["Cache-Control"] = "no-store"
    return reply


@staff_required
@require_POST
def copy_retry(request: HttpRequest, share_id: str, item_id: str) -> HttpResponse:
    """ "Try again" after the copy could not be made."""
    user = signed_in_user(request)
    try:
        found, item = shares.shared_item(user, share_id, item_id, "retry", request)
        access.check_not_disposed(item)
        watermark_jobs.retry(found, item)
    except EvidentiaError as exc:
        return _refused(request, exc)
    return redirect(reverse("sharing:share", args=[found.pk]) + f"#h-{item.pk}")


@staff_required
@require_POST
def download(request: HttpRequest, share_id: str) -> HttpResponse:
    user: User = signed_in_user(request)
    folder = Path(tempfile.mkdtemp(prefix="share-", dir=settings.FILE_UPLOAD_TEMP_DIR))
    path = folder / "share.zip"
    try:
        found = shares.shared_share(user, share_id)
        result = shares.download(user, found, path, request)
        handle = open(result.path, "rb")  # noqa: SIM115 - FileResponse closes it
    except EvidentiaError as exc:
        return _refused(request, exc)
    finally:
        if path.exists():
            os.unlink(path)
        os.rmdir(folder)
    response = FileResponse(
        handle,
        as_attachment=True,
        filename=f"share-{str(found.pk)[:8]}.zip",
        content_type="application/zip",
    )
    response["X-Export-Id"] = result.export_id
    return response
