"""Who may upload without an account: a resident with a report they just filed (or
its tracking code), and a witness with an invite. See evidence/services/upload_grants."""

from __future__ import annotations

from django.conf import settings
from django.db.models import Q
from django.utils import timezone
from django.utils.crypto import salted_hmac

from evidentia.cases.models import CaseStatus
from evidentia.community.models import Invite, InviteFile, Report, ReportMedia
from evidentia.community.services import codes, reports
from evidentia.community.services._common import PUBLIC_ACTOR
from evidentia.evidence.services import upload_grants
from evidentia.evidence.services.ingest import Ingested, Submission
from evidentia.evidence.services.upload_grants import Grant
from evidentia.evidence.services.upload_owner import file_name

# A report's upload grant lasts a day: long enough to resume on a bad connection.
REPORT_GRANT_SECONDS = 24 * 3600


def report_key(report: Report) -> str:
    return f"report:{report.pk}"


def invite_key(invite: Invite) -> str:
    return f"invite:{invite.pk}"


def _report(ident: str) -> Grant | None:
    report = Report.objects.select_related("service", "case").filter(pk=ident).first()
    if report is None:
        return None
    return Grant(
        key=report_key(report),
        actor=PUBLIC_ACTOR,
        max_bytes=settings.PORTAL_MAX_FILE_BYTES,
        max_files=settings.PORTAL_MAX_FILES,
        files_taken=ReportMedia.objects.filter(report=report).count(),
        allowed_types=tuple(settings.PORTAL_ALLOWED_TYPES),
        make_submission=lambda meta: reports.submission(report, file_name(meta)),
        on_stored=lambda ingested: _attach(report, ingested),
        closed_reason=reports.closed_reason(report),
    )


def _attach(report: Report, ingested: Ingested) -> None:
    reports.attach(report, ingested)


def invite_submission(invite: Invite, name: str) -> Submission:
    return Submission(
        original_name=name or "upload",
        via="invite",
        case=invite.case,
        description=f"Sent by a witness through an evidence invite ({invite.label}).",
        source={"invite": str(invite.pk), "case": invite.case.number},
    )


def invite_stored(invite: Invite, ingested: Ingested) -> None:
    InviteFile.objects.get_or_create(invite=invite, item=ingested.item)


def invite_closed_reason(invite: Invite) -> str:
    """Why this invite takes no more files, or "" while it does. An archived case takes
    no evidence; the witness is told so without its number or name."""
    if invite.case.status == CaseStatus.ARCHIVED:
        return "This invitation is no longer accepting files. Contact the investigator."
    if invite.revoked_at:
        return "This invitation was withdrawn by the agency. Contact the investigator."
    if invite.expires_at <= timezone.now():
        return (
            f"This invitation expired on {invite.expires_at:%d %B %Y}. Ask the investigator "
            "for a new link."
        )
    return ""


def _invite(ident: str) -> Grant | None:
    invite = Invite.objects.select_related("case").filter(pk=ident).first()
    if invite is None:
        return None
    return Grant(
        key=invite_key(invite),
        actor=PUBLIC_ACTOR,
        max_bytes=invite.max_bytes,
        max_files=invite.max_files,
        files_taken=InviteFile.objects.filter(invite=invite).count(),
        allowed_types=tuple(settings.PORTAL_ALLOWED_TYPES),
        make_submission=lambda meta: invite_submission(invite, file_name(meta)),
        on_stored=lambda ingested: invite_stored(invite, ingested),
        closed_reason=invite_closed_reason(invite),
    )


def find_invite(token: str) -> Invite | None:
    """The invite a link's token opens (by its hash), whatever its state."""
    if not token or len(token) > 128:
        return None
    return (
        Invite.objects.select_related("case").filter(Q(token_hash=codes.secret_hash(token))).first()
    )


def upload_token(key: str) -> str:
    """The Upload-Grant header value for a page that uploads under `key`."""
    return upload_grants.sign(key)


def upload_scope(key: str) -> str:
    """A name for `key` that stays the same on every page load, unlike its signed
    grant: the page's script keys resumable uploads on it (in localStorage), so a file
    cut off by a reload carries on. It is no secret and reveals neither the key nor
    the tracking code or invite token."""
    return salted_hmac("evidentia.upload-scope", key, algorithm="sha256").hexdigest()[:16]


def from_header(value: str) -> Grant | None:
    """The grant an Upload-Grant header carries. A report's lasts a day; an invite's
    lasts as long as the invite (its expiry and revocation are checked on every use)."""
    key = upload_grants.unsign(value, max_age_seconds=None)
    if key and key.startswith("report:"):
        key = upload_grants.unsign(value, max_age_seconds=REPORT_GRANT_SECONDS)
    return upload_grants.resolve(key) if key else None


def register() -> None:
    upload_grants.register("report", _report)
    upload_grants.register("invite", _invite)
