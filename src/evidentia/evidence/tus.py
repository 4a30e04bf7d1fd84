"""tus 1.0.0 at /api/v1/uploads/: core protocol plus creation, creation-with-upload,
termination, checksum (sha256) and expiration. Thin: parse headers, authenticate, call
`services.uploads`, answer with tus headers and a text/plain message a person can act on.

Authentication: `Authorization: Bearer evd_…` with the evidence:write scope, or a
signed-in, OTP-verified session. Django's CSRF middleware is bypassed here because token
clients have no cookie; a session request must instead send the X-CSRFToken header
(checked below), which tus-js-client does through its `headers` option.
"""

from __future__ import annotations

import base64
import binascii
import functools
import logging
import uuid
from collections.abc import Callable
from typing import Any

from django.db import DatabaseError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.http import http_date
from django.views.decorators.csrf import csrf_exempt
from ninja.utils import check_csrf

from evidentia.accounts import services as accounts
from evidentia.accounts.auth import is_verified, staff_required
from evidentia.accounts.models import Role, User
from evidentia.core.errors import EvidentiaError
from evidentia.core.keys import VaultError
from evidentia.evidence import policy
from evidentia.evidence.models import Upload
from evidentia.evidence.services import uploads
from evidentia.evidence.services.upload_grants import Grant
from evidentia.evidence.services.uploads import UploadError

log = logging.getLogger(__name__)
TUS_VERSION = "1.0.0"
EXTENSIONS = "creation,creation-with-upload,termination,checksum,expiration"
OFFSET_STREAM = "application/offset+octet-stream"
SCOPE = "evidence:write"
MAX_METADATA_CHARS = 16 * 1024
REASONS = {460: "Checksum Mismatch"}
UNSAFE = {"POST", "PATCH", "DELETE"}


# --------------------------------------------------------------------------- headers


def parse_metadata(header: str | None) -> dict[str, str]:
    """Upload-Metadata: comma-separated `key base64(value)` pairs; the value is optional."""
    if not header:
        return {}
    if len(header) > MAX_METADATA_CHARS:
        raise UploadError(400, f"Upload-Metadata is over {MAX_METADATA_CHARS} characters.")
    out: dict[str, str] = {}
    for pair in header.split(","):
        key, _, value = pair.strip().partition(" ")
        if not key or key in out or " " in value.strip():
            raise UploadError(400, "Upload-Metadata must be comma-separated 'key base64' pairs.")
        try:
            out[key] = base64.b64decode(value.strip(), validate=True).decode()
        except (binascii.Error, UnicodeDecodeError):
            raise UploadError(400, f"Upload-Metadata '{key}' is not base64 UTF-8.") from None
    return out


def encode_metadata(meta: dict[str, str]) -> str:
    return ",".join(f"{k} {base64.b64encode(v.encode()).decode()}" for k, v in meta.items())


def parse_checksum(header: str | None) -> bytes | None:
    """Upload-Checksum: `sha256 <base64 digest>`."""
    if not header:
        return None
    algorithm, _, value = header.strip().partition(" ")
    if algorithm.lower() != "sha256":
        raise UploadError(400, f"Checksum algorithm '{algorithm}' is not supported; use sha256.")
    try:
        digest = base64.b64decode(value.strip(), validate=True)
    except binascii.Error:
        digest = b""
    if len(digest) != 32:
        raise UploadError(400, "Upload-Checksum must be 'sha256' and a base64 SHA-256 digest.")
    return digest


def _whole_number(value: str | None, name: str) -> int:
    if value is None or not value.strip().isdigit():
        raise UploadError(400, f"Send {name} as a whole number of bytes.")
    return int(value)


def _content_length(request: HttpRequest) -> int | None:
    raw = request.META.get("CONTENT_LENGTH") or ""
    return _whole_number(raw, "Content-Length") if raw else None


# --------------------------------------------------------------------------- auth


def authenticate(request: HttpRequest) -> User:
    """The user behind a bearer token or a verified session; 401/403 otherwise."""
    header = request.headers.get("Authorization", "")
    if header:
        scheme, _, raw = header.partition(" ")
        token = accounts.find_token(raw.strip()) if scheme.lower() == "bearer" else None
        if token is None:
            raise UploadError(401, "This API token is not valid: unknown, revoked or expired.")
        if SCOPE not in token.scopes:
            raise UploadError(403, f"This token does not carry the '{SCOPE}' scope.")
        user: User = token.user
    else:
        user = request.user  # type: ignore[assignment]
        if not (user.is_authenticated and user.is_active and is_verified(user)):
            raise UploadError(
                401,
                "Sign in with your password and authenticator code, or send an API token "
                f"as 'Authorization: Bearer evd_…' with the {SCOPE} scope.",
            )
        if request.method in UNSAFE and check_csrf(request):
            raise UploadError(403, "CSRF check failed: send the page's X-CSRFToken header.")
    if SCOPE not in accounts.allowed_scopes(user):
        raise UploadError(403, f"The {user.get_role_display()} role may not upload evidence.")
    return user


# --------------------------------------------------------------------------- responses


def _answer(
    request: HttpRequest, status: int, message: str = "", headers: dict[str, str] | None = None
) -> HttpResponse:
    body = message + "\n" if message and request.method != "HEAD" else ""
    response = HttpResponse(
        body, status=status, content_type="text/plain; charset=utf-8", reason=REASONS.get(status)
    )
    for name, value in (headers or {}).items():
        response[name] = value
    return response


def _state(request: HttpRequest, up: Upload, status: int, *, head: bool = False) -> HttpResponse:
    headers = {"Upload-Offset": str(up.offset)}
    if head:
        headers["Upload-Length"] = str(up.length)
        if up.metadata:
            headers["Upload-Metadata"] = encode_metadata(up.metadata)
    if up.state == Upload.State.COMPLETE and up.item_id:
        headers["Evidentia-Item"] = str(up.item_id)
        headers["Evidentia-Duplicate"] = "true" if up.duplicate else "false"
    else:
        headers["Upload-Expires"] = http_date(up.expires_at.timestamp())
    return _answer(request, status, headers=headers)


def _options(request: HttpRequest) -> HttpResponse:
    return _answer(
        request,
        204,
        headers={
            "Tus-Version": TUS_VERSION,
            "Tus-Extension": EXTENSIONS,
            "Tus-Checksum-Algorithm": "sha256",
            "Tus-Max-Size": str(uploads.limits().max_bytes),
        },
    )


Authenticate = Callable[[HttpRequest], User | Grant]


def tus_endpoint(
    view: Callable[..., HttpResponse], auth: Authenticate = authenticate
) -> Callable[..., HttpResponse]:
    """Tus-Resumable on every answer, 412 for other versions, refusals as plain text.
    `auth` names who is uploading: a staff user (the default) or a grant."""

    @csrf_exempt
    @functools.wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        method = method_of(request)
        try:
            if method == "OPTIONS":
                response = _options(request)
            elif request.headers.get("Tus-Resumable") != TUS_VERSION:
                response = _answer(
                    request,
                    412,
                    f"This server speaks tus {TUS_VERSION}: send 'Tus-Resumable: {TUS_VERSION}'.",
                    {"Tus-Version": TUS_VERSION},
                )
            else:
                response = view(request, method, auth(request), *args, **kwargs)
        except UploadError as exc:
            headers = {"Retry-After": str(exc.retry_after)} if exc.retry_after else {}
            if exc.status == 401:
                headers["WWW-Authenticate"] = 'Bearer realm="evidentia"'
            response = _answer(request, exc.status, exc.message, headers)
        except EvidentiaError as exc:
            response = _answer(request, exc.status, exc.message)
        except (DatabaseError, VaultError, OSError):
            log.exception("tus %s %s", method, request.path)
            response = _answer(
                request,
                503,
                "The server is busy or misconfigured; retry in a minute.",
                {"Retry-After": "60"},
            )
        response["Tus-Resumable"] = TUS_VERSION
        response["Cache-Control"] = "no-store"
        return response

    return wrapper


def method_of(request: HttpRequest) -> str:
    """The method, honouring X-HTTP-Method-Override on POST (tus-js-client option)."""
    override = request.headers.get("X-HTTP-Method-Override", "").upper()
    return override if request.method == "POST" and override else request.method or "GET"


def _not_allowed(request: HttpRequest, allow: str) -> HttpResponse:
    return _answer(request, 405, f"Use {allow} here.", {"Allow": allow})


# --------------------------------------------------------------------------- views


def collection_view(request: HttpRequest, method: str, who: User | Grant) -> HttpResponse:
    if method != "POST":
        return _not_allowed(request, "OPTIONS, POST")
    length = request.headers.get("Upload-Length")
    if length is None:
        raise UploadError(400, "Send Upload-Length (deferred lengths are not supported).")
    up = uploads.create(
        who,
        size=_whole_number(length, "Upload-Length"),
        metadata=parse_metadata(request.headers.get("Upload-Metadata")),
    )
    namespace = request.resolver_match.namespace if request.resolver_match else "tus"
    location = reverse(f"{namespace}:upload", args=[up.pk])  # relative: right behind any proxy
    created = {"Location": location, "Upload-Expires": http_date(up.expires_at.timestamp())}
    size = _content_length(request)
    if request.content_type != OFFSET_STREAM or not size:
        return _answer(request, 201, headers=created)
    try:  # creation-with-upload: the first bytes came along
        up = _patch(request, who, up.pk, 0, size)
    except UploadError as exc:
        if exc.status not in (400, 460):
            raise
        up.offset = 0  # the upload exists; the client resumes with PATCH
    response = _state(request, up, 201)
    response["Location"] = location
    return response


def resource_view(
    request: HttpRequest, method: str, who: User | Grant, upload_id: uuid.UUID
) -> HttpResponse:
    if method == "HEAD":
        return _state(request, uploads.describe(upload_id, who, request), 200, head=True)
    if method == "PATCH":
        if request.content_type != OFFSET_STREAM:
            raise UploadError(415, f"Send PATCH bodies as Content-Type: {OFFSET_STREAM}.")
        offset = _whole_number(request.headers.get("Upload-Offset"), "Upload-Offset")
        size = _content_length(request)
        if size is None:
            raise UploadError(411, "Send Content-Length with each PATCH.")
        return _state(request, _patch(request, who, upload_id, offset, size), 204)
    if method == "DELETE":
        uploads.terminate(upload_id, who)
        return _answer(request, 204)
    return _not_allowed(request, "OPTIONS, HEAD, PATCH, DELETE")


collection = tus_endpoint(collection_view)
resource = tus_endpoint(resource_view)


def _patch(
    request: HttpRequest, who: User | Grant, upload_id: Any, offset: int, size: int
) -> Upload:
    return uploads.append(
        upload_id,
        who,
        offset=offset,
        body=request,  # type: ignore[arg-type]
        content_length=size,
        checksum=parse_checksum(request.headers.get("Upload-Checksum")),
        request=request,
    )


# --------------------------------------------------------------------------- the page

OTHERS = (Role.CUSTODIAN, Role.SUPERVISOR, Role.ADMIN, Role.INVESTIGATOR)


@staff_required
def upload_page(request: HttpRequest) -> HttpResponse:
    user: User = request.user  # type: ignore[assignment]
    lim = uploads.limits()
    for_others = user.role in OTHERS
    officers = User.objects.filter(is_active=True).exclude(badge_number="")
    return render(
        request,
        "evidence/upload.html",
        {
            "nav": "upload",
            "can_ingest": policy.can_ingest(user),
            "for_others": for_others,
            "officers": officers.order_by("badge_number") if for_others else [],
            "badge": user.badge_number,
            "endpoint": reverse("tus:collection"),
            "item_url": reverse("evidence:detail", args=[uuid.UUID(int=0)]),
            "max_bytes": lim.max_bytes,
            "max_size": uploads.human(lim.max_bytes),
            "expiry_hours": round(lim.expiry.total_seconds() / 3600),
            "allowed_types": ", ".join(lim.allowed_types),
        },
    )
